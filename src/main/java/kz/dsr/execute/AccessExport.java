package kz.dsr.execute;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import kz.dsr.datamap.DataMap;
import kz.dsr.datamap.DataMap.CategoryInfo;
import kz.dsr.datamap.DataMap.MappedColumn;
import kz.dsr.datamap.DataMap.MappedTable;
import kz.dsr.datamap.Sql;
import kz.dsr.datamap.Sql.Query;
import kz.dsr.execute.TableOutcome.Action;
import kz.dsr.store.Json;

/**
 * ACCESS: everything the data map exports about the subject, grouped by data category, each with the
 * processing information 94-V art. 24 asks for (purposes, sources, retention, recipients), as JSON —
 * and {@link HtmlExport} renders that same JSON for people.
 *
 * <p>Streamed end to end: rows come from a server-side cursor ({@link #FETCH} at a time) and go
 * straight to the output, so a subject with a million rows needs no more heap than one with ten.
 * One read-only snapshot: the export never mixes rows from before and after a concurrent write.
 */
public final class AccessExport {

    /** Format tag of the JSON, so a reader can tell versions apart. */
    public static final String FORMAT = "dsr-access-export/1";
    /** Rows fetched from the server per round trip. */
    static final int FETCH = 2000;

    private final DataMap map;
    private final Sql sql;
    private final AppDatabase db;
    private final Clock clock;

    public AccessExport(DataMap map, AppDatabase db, Clock clock) {
        this.map = map;
        this.sql = new Sql(map);
        this.db = db;
        this.clock = clock;
    }

    /** Writes export.json and export.html into {@code dir}; the outcome counts rows per table. */
    public Execution toFiles(Object subjectKey, String language, Path json, Path html) {
        Execution result;
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(json), 1 << 16)) {
            result = write(subjectKey, language, out);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the access export " + json + ": " + e.getMessage(), e);
        }
        try (InputStream in = Files.newInputStream(json);
                OutputStream out = new BufferedOutputStream(Files.newOutputStream(html), 1 << 16)) {
            HtmlExport.render(in, out);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the access export " + html + ": " + e.getMessage(), e);
        }
        return result;
    }

    /** Streams the JSON export to {@code out} (not closed). */
    public Execution write(Object subjectKey, String language, OutputStream out) {
        return db.readOnly(c -> {
            // A table with columns in several categories is read once per category (its rows appear under
            // each, with that category's columns): the outcome counts each table's rows once.
            Map<String, Long> rowsByTable = new java.util.LinkedHashMap<>();
            Map<String, List<String>> categoriesByTable = new java.util.LinkedHashMap<>();
            try (JsonGenerator g = Json.mapper().getFactory().createGenerator(out, JsonEncoding.UTF8)) {
                g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
                g.writeStartObject();
                g.writeStringField("format", FORMAT);
                g.writeStringField("company", map.company());
                g.writeStringField("language", language);
                g.writeStringField("generated_at", clock.instant().toString());
                g.writeStringField("controller", map.processing().controller().in(language));
                g.writeArrayFieldStart("categories");
                for (String category : map.exportedCategories()) {
                    CategoryInfo info = map.processing().categories().get(category);
                    g.writeStartObject();
                    g.writeStringField("category", category);
                    g.writeStringField("title", info.title().in(language));
                    g.writeStringField("purposes", info.purposes().in(language));
                    g.writeStringField("sources", info.sources().in(language));
                    g.writeStringField("retention", info.retention().in(language));
                    g.writeStringField("recipients", info.recipients().in(language));
                    g.writeArrayFieldStart("tables");
                    for (Map.Entry<MappedTable, List<MappedColumn>> e : map.exportedByCategory(category).entrySet()) {
                        long rows = table(c, g, e.getKey(), e.getValue(), subjectKey);
                        rowsByTable.merge(e.getKey().name(), rows, Math::max);
                        categoriesByTable.computeIfAbsent(e.getKey().name(), k -> new ArrayList<>()).add(category);
                    }
                    g.writeEndArray();
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeEndObject();
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot write the access export: " + e.getMessage(), e);
            }
            List<TableOutcome> counts = new ArrayList<>();
            rowsByTable.forEach((table, rows) -> counts.add(new TableOutcome(table, Action.EXPORTED, rows,
                    String.join(", ", categoriesByTable.get(table)))));
            return Execution.done(counts, Map.of("categories", map.exportedCategories().size()));
        });
    }

    private long table(Connection c, JsonGenerator g, MappedTable t, List<MappedColumn> columns, Object subjectKey)
            throws SQLException, IOException {
        g.writeStartObject();
        g.writeStringField("table", t.name());
        g.writeArrayFieldStart("columns");
        for (MappedColumn col : columns) {
            g.writeString(col.name());
        }
        g.writeEndArray();
        g.writeArrayFieldStart("rows");
        Query q = sql.select(t, columns, subjectKey);
        long rows = 0;
        try (PreparedStatement ps = c.prepareStatement(q.sql())) {
            ps.setFetchSize(FETCH);
            Sql.bind(ps, q.params());
            try (ResultSet rs = ps.executeQuery()) {
                ResultSetMetaData md = rs.getMetaData();
                while (rs.next()) {
                    g.writeStartArray();
                    for (int i = 1; i <= columns.size(); i++) {
                        value(g, rs, i, md.getColumnType(i));
                    }
                    g.writeEndArray();
                    rows++;
                }
            }
        }
        g.writeEndArray();
        g.writeNumberField("count", rows);
        g.writeEndObject();
        return rows;
    }

    private static void value(JsonGenerator g, ResultSet rs, int i, int type) throws SQLException, IOException {
        switch (type) {
            case Types.BIGINT, Types.INTEGER, Types.SMALLINT -> {
                long v = rs.getLong(i);
                if (rs.wasNull()) {
                    g.writeNull();
                } else {
                    g.writeNumber(v);
                }
            }
            case Types.NUMERIC, Types.DECIMAL, Types.DOUBLE, Types.REAL -> {
                java.math.BigDecimal v = rs.getBigDecimal(i);
                if (v == null) {
                    g.writeNull();
                } else {
                    g.writeNumber(v);
                }
            }
            case Types.BIT, Types.BOOLEAN -> {
                boolean v = rs.getBoolean(i);
                if (rs.wasNull()) {
                    g.writeNull();
                } else {
                    g.writeBoolean(v);
                }
            }
            default -> {
                String v = rs.getString(i);
                if (v == null) {
                    g.writeNull();
                } else {
                    g.writeString(v);
                }
            }
        }
    }
}
