package kz.dsr.datamap;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import kz.dsr.config.DidYouMean;
import kz.dsr.datamap.DataMap.ColumnErasure;
import kz.dsr.datamap.DataMap.Hold;
import kz.dsr.datamap.DataMap.Link;
import kz.dsr.datamap.DataMap.MappedColumn;
import kz.dsr.datamap.DataMap.MappedTable;
import kz.dsr.datamap.DataMap.Preference;
import kz.dsr.datamap.DataMap.RetentionRule;
import kz.dsr.datamap.DataMap.TableErasure;
import kz.dsr.datamap.Sql.Query;
import kz.dsr.datamap.Sql.Untyped;

/**
 * Checks a {@link DataMap} against the live schema of the application database before the pipeline
 * starts: every table and column exists, links join columns of the same type, erase actions fit
 * their columns, nothing the map deletes is still pointed at by a row that stays, and every
 * statement the executors will run — holds included — compiles. All problems are reported at once,
 * each naming the file, the line, what was found and what was expected.
 *
 * <p>Statements are compiled with EXPLAIN (never executed) in a read-only transaction that is rolled back.
 */
public final class SchemaCheck {

    /** Longest text a keyed hash writes ("hmac:" + 64 hex digits). */
    public static final int HASH_LENGTH = 69;

    record Column(String name, String type, boolean nullable, Integer maxLength) {
        boolean isText() {
            return type.equals("text") || type.equals("character varying") || type.equals("character");
        }

        boolean isTime() {
            return type.equals("date") || type.startsWith("timestamp");
        }
    }

    record ForeignKey(String name, String table, List<String> columns, String parent) {
    }

    private final DataMap map;
    private final Sql sql;
    private final Map<String, Map<String, Column>> schema = new LinkedHashMap<>();
    private final List<ForeignKey> foreignKeys = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    private String schemaName;

    private SchemaCheck(DataMap map) {
        this.map = map;
        this.sql = new Sql(map);
    }

    /** Returns the map when it fits the database; throws {@link DataMapException} listing every problem otherwise. */
    public static DataMap check(DataMap map, DataSource app) {
        SchemaCheck check = new SchemaCheck(map);
        try (Connection c = app.getConnection()) {
            check.readSchema(c);
            if (check.schema.isEmpty()) {
                // Not a map that drifted from its database, but no database yet: one problem, not one per table.
                throw new DataMapException(map.file(), List.of("The application database " + c.getMetaData().getURL()
                        + " has no tables in schema " + check.schemaName + ", and the data map " + map.file()
                        + " describes a company's: check dsr.app-db.url, or for a first run fill it with a sample"
                        + " (samples create inservice --url ...; docs/operations.md)"));
            }
            check.checkNames();
            if (check.problems.isEmpty()) {
                check.checkMeaning();
            }
            if (check.problems.isEmpty()) {
                check.compileAll(c);
            }
        } catch (SQLException e) {
            throw new kz.dsr.config.ConfigurationError("Cannot read the schema of the application database to check "
                    + map.file() + ": " + e.getMessage(), e);
        }
        List<String> order = check.problems.isEmpty() ? check.erasureOrder() : List.of();
        if (!check.problems.isEmpty()) {
            throw new DataMapException(map.file(), check.problems);
        }
        return map.withErasureOrder(order);
    }

    private void readSchema(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT current_schema()"); ResultSet rs = ps.executeQuery()) {
            rs.next();
            schemaName = rs.getString(1);
        }
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT table_name, column_name, data_type, is_nullable = 'YES', character_maximum_length
                FROM information_schema.columns WHERE table_schema = current_schema()
                ORDER BY table_name, ordinal_position""");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                schema.computeIfAbsent(rs.getString(1), k -> new LinkedHashMap<>()).put(rs.getString(2),
                        new Column(rs.getString(2), rs.getString(3), rs.getBoolean(4), (Integer) rs.getObject(5)));
            }
        }
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT con.conname, child.relname, parent.relname,
                       array(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY k(n, i)
                             JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n ORDER BY k.i)::text[]
                FROM pg_constraint con
                JOIN pg_class child ON child.oid = con.conrelid
                JOIN pg_class parent ON parent.oid = con.confrelid
                JOIN pg_namespace ns ON ns.oid = child.relnamespace
                WHERE con.contype = 'f' AND ns.nspname = current_schema()""");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                foreignKeys.add(new ForeignKey(rs.getString(1), rs.getString(2),
                        List.of((String[]) rs.getArray(4).getArray()), rs.getString(3)));
            }
        }
    }

    // ---- names ----

    private void checkNames() {
        for (MappedTable t : map.tables().values()) {
            if (table(t.name(), t.line()).isEmpty()) {
                continue;
            }
            for (MappedColumn col : t.columns().values()) {
                column(t.name(), col.name(), col.line());
            }
            t.via().ifPresent(link -> {
                for (String cn : link.childColumns()) {
                    column(t.name(), cn, link.line());
                }
                if (schema.containsKey(link.parent())) {
                    for (String pn : link.parentColumns()) {
                        column(link.parent(), pn, link.line());
                    }
                }
            });
        }
        DataMap.Subject s = map.subject();
        if (schema.containsKey(s.table())) {
            column(s.table(), s.key(), s.line());
            s.identities().values().forEach(i -> column(s.table(), i.column(), i.line()));
            s.blocking().ifPresent(b -> column(s.table(), b.column(), b.line()));
        }
        for (Preference p : preferences()) {
            if (schema.containsKey(p.table())) {
                column(p.table(), p.column(), p.line());
                p.where().keySet().forEach(w -> column(p.table(), w, p.line()));
            }
        }
        map.suppression().ifPresent(sup -> {
            if (table(sup.table(), sup.line()).isPresent()) {
                column(sup.table(), sup.typeColumn(), sup.line());
                column(sup.table(), sup.hashColumn(), sup.line());
                sup.reasonColumn().ifPresent(r -> column(sup.table(), r, sup.line()));
            }
        });
        for (RetentionRule r : map.retention()) {
            if (table(r.table(), r.line()).isPresent()) {
                column(r.table(), r.timeColumn(), r.line());
            }
        }
    }

    private Optional<Map<String, Column>> table(String name, int line) {
        Map<String, Column> t = schema.get(name);
        if (t == null) {
            problem(line, "table '" + name + "' does not exist in schema " + schemaName
                    + " of the application database" + DidYouMean.hint(name, schema.keySet()));
        }
        return Optional.ofNullable(t);
    }

    private Optional<Column> column(String table, String name, int line) {
        Map<String, Column> t = schema.get(table);
        Column c = t == null ? null : t.get(name);
        if (t != null && c == null) {
            problem(line, "column '" + name + "' does not exist in table " + table + DidYouMean.hint(name, t.keySet())
                    + "; its columns are " + t.keySet());
        }
        return Optional.ofNullable(c);
    }

    private Column existing(String table, String column) {
        return schema.get(table).get(column);
    }

    // ---- meaning ----

    private void checkMeaning() {
        for (MappedTable t : map.tables().values()) {
            t.via().ifPresent(link -> checkLinkTypes(t, link));
            for (MappedColumn col : t.columns().values()) {
                Column live = existing(t.name(), col.name());
                if (col.erase() == ColumnErasure.NULL && !live.nullable()) {
                    problem(col.line(), t.name() + "." + col.name() + " is NOT NULL in the database, so erase: null"
                            + " cannot apply (expected hash, value or keep, or drop the NOT NULL constraint)");
                }
                if (col.erase() == ColumnErasure.HASH && (!live.isText()
                        || live.maxLength() != null && live.maxLength() < HASH_LENGTH)) {
                    problem(col.line(), t.name() + "." + col.name() + " is " + describe(live) + ": erase: hash writes"
                            + " text of " + HASH_LENGTH + " characters (expected a text or varchar(" + HASH_LENGTH
                            + "+) column; use null or value here)");
                }
            }
        }
        checkNothingDeletedIsPointedAt();
        for (RetentionRule r : map.retention()) {
            Column time = existing(r.table(), r.timeColumn());
            if (!time.isTime()) {
                problem(r.line(), "retention " + r.name() + ": " + r.table() + "." + r.timeColumn() + " is "
                        + describe(time) + " (expected a date or timestamp column)");
            }
        }
    }

    private void checkLinkTypes(MappedTable t, Link link) {
        for (int i = 0; i < link.childColumns().size(); i++) {
            Column child = existing(t.name(), link.childColumns().get(i));
            Column parent = existing(link.parent(), link.parentColumns().get(i));
            if (!child.type().equals(parent.type())) {
                problem(link.line(), "link " + t.name() + "." + child.name() + " → " + link.parent() + "."
                        + parent.name() + " joins " + describe(child) + " to " + describe(parent)
                        + " (expected the same type on both sides)");
            }
        }
    }

    /**
     * A row that erasure deletes must not be pointed at by a row that stays: the DELETE would fail
     * on the foreign key (or, without one, leave a kept record pointing nowhere).
     */
    private void checkNothingDeletedIsPointedAt() {
        for (MappedTable t : map.tables().values()) {
            if (t.erasure() == TableErasure.DELETE || t.via().isEmpty()) {
                continue;
            }
            Link link = t.via().get();
            MappedTable parent = map.table(link.parent());
            if (parent.erasure() == TableErasure.DELETE && !linkNulled(t, link)) {
                problem(link.line(), "erasure deletes the subject's rows of " + parent.name() + ", but the rows of "
                        + t.name() + " are " + (t.erasure() == TableErasure.KEEP ? "kept" : "anonymised")
                        + " and still point at them through " + link.childColumns()
                        + " (expected: " + parent.name() + " anonymised or kept too, or erase: null on "
                        + t.name() + "." + link.childColumns().get(0) + ")");
            }
        }
        for (ForeignKey fk : foreignKeys) {
            MappedTable parent = map.tables().get(fk.parent());
            if (parent == null || parent.erasure() != TableErasure.DELETE || fk.table().equals(fk.parent())) {
                continue;
            }
            MappedTable child = map.tables().get(fk.table());
            if (child == null) {
                problem(parent.line(), "erasure deletes the subject's rows of " + parent.name() + ", but table "
                        + fk.table() + " refers to it (foreign key " + fk.name() + " on " + fk.columns()
                        + ") and is not in the data map (expected " + fk.table() + " under tables: with via: "
                        + parent.name() + ")");
                continue;
            }
            boolean linkedThroughMap = child.via().isPresent() && child.via().get().parent().equals(fk.parent());
            boolean nulled = fk.columns().stream().allMatch(cn -> child.columns().containsKey(cn)
                    && child.columns().get(cn).erase() == ColumnErasure.NULL);
            if (!linkedThroughMap && child.erasure() != TableErasure.DELETE && !nulled) {
                problem(child.line(), "table " + child.name() + " refers to " + parent.name() + " (foreign key "
                        + fk.name() + " on " + fk.columns() + "), whose rows erasure deletes, and would keep pointing"
                        + " at them (expected erase: null on " + child.name() + "." + fk.columns().get(0) + ", or "
                        + parent.name() + " anonymised)");
            }
        }
    }

    /**
     * Children before parents over the map's links and the live foreign keys between mapped tables,
     * so no DELETE and no nulling UPDATE ever trips a foreign key.
     */
    private List<String> erasureOrder() {
        Map<String, Set<String>> parents = new LinkedHashMap<>();
        map.tables().keySet().forEach(t -> parents.put(t, new LinkedHashSet<>()));
        for (MappedTable t : map.tables().values()) {
            t.via().ifPresent(link -> parents.get(t.name()).add(link.parent()));
        }
        for (ForeignKey fk : foreignKeys) {
            if (parents.containsKey(fk.table()) && parents.containsKey(fk.parent()) && !fk.table().equals(fk.parent())) {
                parents.get(fk.table()).add(fk.parent());
            }
        }
        List<String> order = new ArrayList<>();
        Set<String> done = new LinkedHashSet<>();
        Set<String> visiting = new LinkedHashSet<>();
        for (String t : parents.keySet()) {
            visitParentsFirst(t, parents, done, visiting, order);
        }
        java.util.Collections.reverse(order);
        return order;
    }

    private void visitParentsFirst(String t, Map<String, Set<String>> parents, Set<String> done, Set<String> visiting,
            List<String> order) {
        if (done.contains(t)) {
            return;
        }
        if (!visiting.add(t)) {
            problem(map.table(t).line(), "the tables " + visiting + " refer to each other in a circle (links and"
                    + " foreign keys), so no order deletes them safely; break the circle in the map or the schema");
            return;
        }
        for (String p : parents.get(t)) {
            visitParentsFirst(p, parents, done, visiting, order);
        }
        visiting.remove(t);
        done.add(t);
        order.add(t);
    }

    private static boolean linkNulled(MappedTable t, Link link) {
        for (String cn : link.childColumns()) {
            MappedColumn c = t.columns().get(cn);
            if (c == null || c.erase() != ColumnErasure.NULL) {
                return false;
            }
        }
        return true;
    }

    // ---- every statement compiles ----

    private void compileAll(Connection c) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        c.setReadOnly(true);
        try {
            Object key = null;
            for (MappedTable t : map.tables().values()) {
                compile(c, t.line(), "the statements for table " + t.name(), sql.count(t, key));
                if (t.erasure() == TableErasure.DELETE) {
                    compile(c, t.line(), "the erasure of table " + t.name(), sql.delete(t, key));
                }
                for (MappedColumn col : t.columns().values()) {
                    if (col.erase() == ColumnErasure.VALUE) {
                        Map<String, Object> v = Map.of(col.name(), new Untyped(col.fixedValue().orElseThrow()));
                        compile(c, col.line(), t.name() + "." + col.name() + " erase: value '"
                                + col.fixedValue().get() + "'", sql.update(t, v, key));
                    }
                }
            }
            for (RetentionRule r : map.retention()) {
                if (r.action() == TableErasure.DELETE) {
                    compile(c, r.line(), "retention " + r.name(), sql.retentionBoundary(r, new Untyped(null),
                            new Untyped(null), 1));
                    compile(c, r.line(), "retention " + r.name(), sql.retentionDelete(r, new Untyped(null),
                            new Untyped(null), false));
                }
            }
            for (Hold h : map.holds()) {
                compile(c, h.line(), "hold " + h.name(), Sql.exists(h.sql(), key));
            }
            map.suppression().ifPresent(s -> compile(c, s.line(), "suppression banned:", Sql.exists(s.bannedSql(), key)));
            for (Preference p : preferences()) {
                MappedTable t = map.table(p.table());
                Map<String, Object> v = Map.of(p.column(), new Untyped(p.offValue()));
                compile(c, p.line(), p.name() + " off: '" + p.offValue() + "'", sql.update(t, v, p.where(), key));
            }
            map.subject().blocking().ifPresent(b -> {
                MappedTable t = map.subjectTable();
                compile(c, b.line(), "blocking: blocked '" + b.blockedValue() + "'",
                        sql.update(t, Map.of(b.column(), new Untyped(b.blockedValue())), key));
                compile(c, b.line(), "blocking: cleared '" + b.clearedValue() + "'",
                        sql.update(t, Map.of(b.column(), new Untyped(b.clearedValue())), key));
            });
        } finally {
            c.rollback();
            c.setReadOnly(false);
            c.setAutoCommit(autoCommit);
        }
    }

    private void compile(Connection c, int line, String what, Query q) {
        try {
            Savepoint sp = c.setSavepoint();
            try (PreparedStatement ps = c.prepareStatement("EXPLAIN " + q.sql())) {
                Sql.bind(ps, q.params());
                ps.executeQuery().close();
            } catch (SQLException e) {
                c.rollback(sp);
                problem(line, what + " does not compile against the database: " + firstLine(e.getMessage()));
            }
        } catch (SQLException e) {
            throw new kz.dsr.config.ConfigurationError("Cannot check " + what + ": " + e.getMessage(), e);
        }
    }

    private List<Preference> preferences() {
        List<Preference> out = new ArrayList<>(map.consentPurposes().values());
        out.addAll(map.marketingChannels().values());
        return out;
    }

    private static String describe(Column c) {
        return c.type() + (c.maxLength() != null ? "(" + c.maxLength() + ")" : "");
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unknown error";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private void problem(int line, String message) {
        problems.add(map.file() + ", line " + line + ": " + message);
    }
}
