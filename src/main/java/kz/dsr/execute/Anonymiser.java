package kz.dsr.execute;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import kz.dsr.datamap.DataMap;
import kz.dsr.datamap.DataMap.ColumnErasure;
import kz.dsr.datamap.DataMap.MappedColumn;
import kz.dsr.datamap.DataMap.MappedTable;
import kz.dsr.datamap.Sql;
import kz.dsr.datamap.Sql.Query;
import kz.dsr.datamap.Sql.Untyped;

/**
 * A table's column erase actions ({@code erase: null | value | hash}) applied to rows: the one place
 * that turns a mapped table into "what anonymising sets", used by ERASURE for one subject's rows and by
 * retention for rows older than a period. NULL and fixed values are set set-based; keyed hashes are
 * computed here (HMAC-SHA256) and a value that already is a keyed hash, or null, is left as it is, so
 * anonymising twice changes nothing.
 */
public final class Anonymiser {

    /** Rows rewritten per JDBC batch when one subject's values are hashed one by one. */
    private static final int BATCH = 1000;

    /**
     * What anonymising a table writes: {@code values} maps a column to NULL (null) or to its fixed value
     * ({@link Untyped}); {@code hashed} are the columns replaced by their keyed hash.
     */
    public record Plan(MappedTable table, Map<String, Object> values, List<String> hashed) {

        /** The plan without {@code columns}: retention leaves its own time column as it is. */
        public Plan without(Set<String> columns) {
            Map<String, Object> v = new LinkedHashMap<>(values);
            v.keySet().removeAll(columns);
            return new Plan(table, v, hashed.stream().filter(c -> !columns.contains(c)).toList());
        }
    }

    private final Sql sql;
    private final KeyedHash hash;

    public Anonymiser(DataMap map, KeyedHash hash) {
        this.sql = new Sql(map);
        this.hash = hash;
    }

    /** The table's erase actions, in map order. */
    public static Plan plan(MappedTable t) {
        Map<String, Object> values = new LinkedHashMap<>();
        List<String> hashed = new ArrayList<>();
        for (MappedColumn col : t.columns().values()) {
            if (col.erase() == ColumnErasure.NULL) {
                values.put(col.name(), null);
            } else if (col.erase() == ColumnErasure.VALUE) {
                values.put(col.name(), new Untyped(col.fixedValue().orElseThrow()));
            } else if (col.erase() == ColumnErasure.HASH) {
                hashed.add(col.name());
            }
        }
        return new Plan(t, values, List.copyOf(hashed));
    }

    /** The keyed hash of a value; null and values that already are keyed hashes stay as they are. */
    public String hashed(String value) {
        return value == null || KeyedHash.isHash(value) ? value : hash.hash(value);
    }

    /**
     * Anonymises the subject's rows of {@code t} (ERASURE): set-based for NULL and fixed values, row by
     * row for keyed hashes. Returns the rows touched.
     */
    public long subject(Connection c, MappedTable t, Object subjectKey) throws SQLException {
        Plan plan = plan(t);
        long rows = plan.values().isEmpty() ? 0 : AppDatabase.update(c, sql.update(t, plan.values(), subjectKey));
        if (!plan.hashed().isEmpty()) {
            rows = Math.max(rows, hashSubjectRows(c, t, plan.hashed(), subjectKey));
        }
        return rows;
    }

    private long hashSubjectRows(Connection c, MappedTable t, List<String> columns, Object subjectKey)
            throws SQLException {
        Query select = sql.selectForUpdate(t, columns, subjectKey);
        long rows = 0;
        try (PreparedStatement ps = c.prepareStatement(select.sql());
                PreparedStatement update = c.prepareStatement(sql.updateByRowId(t, columns))) {
            Sql.bind(ps, select.params());
            int pending = 0;
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows++;
                    boolean changed = false;
                    for (int i = 0; i < columns.size(); i++) {
                        String value = rs.getString(i + 2);
                        String replaced = hashed(value);
                        changed |= replaced != null && !replaced.equals(value);
                        update.setString(i + 1, replaced);
                    }
                    if (changed) {
                        update.setString(columns.size() + 1, rs.getString(1));
                        update.addBatch();
                        if (++pending == BATCH) {
                            update.executeBatch();
                            pending = 0;
                        }
                    }
                }
            }
            if (pending > 0) {
                update.executeBatch();
            }
        }
        return rows;
    }

    /**
     * Anonymises rows already selected and locked (a retention batch) in one statement: {@code rowIds}
     * are their ctids, {@code current} the current values of {@code plan.hashed()}, per row. Returns the
     * rows rewritten.
     */
    public long rows(Connection c, Plan plan, List<String> rowIds, List<String[]> current) throws SQLException {
        if (rowIds.isEmpty()) {
            return 0;
        }
        List<String[]> hashedValues = new ArrayList<>();
        for (int col = 0; col < plan.hashed().size(); col++) {
            String[] out = new String[rowIds.size()];
            for (int row = 0; row < rowIds.size(); row++) {
                out[row] = hashed(current.get(row)[col]);
            }
            hashedValues.add(out);
        }
        return AppDatabase.update(c, sql.anonymiseRows(plan.table(), plan.values(), plan.hashed(),
                rowIds.toArray(String[]::new), hashedValues));
    }
}
