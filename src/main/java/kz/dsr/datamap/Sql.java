package kz.dsr.datamap;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import kz.dsr.datamap.DataMap.Link;
import kz.dsr.datamap.DataMap.MappedColumn;
import kz.dsr.datamap.DataMap.MappedTable;

/**
 * The one SQL builder. Table and column names come only from a validated {@link DataMap} (plain
 * names checked by the loader, existence checked against the live schema) and are always quoted;
 * every value — the subject key, a new phone number, a fixed erase value — is a bound parameter.
 *
 * <p>A table reaches the subject through its chain of links, written as nested {@code IN} sub-queries
 * ending at the subject key: {@code (t0.order_id, t0.line_no) IN (SELECT t1.order_id, t1.line_no FROM
 * order_items t1 WHERE t1.order_id IN (SELECT t2.id FROM orders t2 WHERE t2.user_id = ?))}. PostgreSQL
 * plans these as semi-joins, as fast as hand-written joins.
 */
public final class Sql {

    /** A statement and the values to bind, in order. */
    public record Query(String sql, List<Object> params) {
    }

    /**
     * A value bound with no declared type, so PostgreSQL reads it as the column's type (a fixed erase
     * value "false" for a boolean column, "1970-01-01" for a date).
     */
    public record Untyped(String text) {
    }

    private final DataMap map;

    public Sql(DataMap map) {
        this.map = map;
    }

    public static String quote(String name) {
        // Names reaching here matched [A-Za-z_][A-Za-z0-9_]* in the loader; quoting keeps their case
        // and makes reserved words (order, user) safe.
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    private static String col(String alias, String column) {
        return alias + "." + quote(column);
    }

    /** The predicate "row of {@code table} (alias t0) belongs to the subject"; one parameter, the key. */
    public String reach(MappedTable table) {
        return reach(table, 0);
    }

    private String reach(MappedTable table, int level) {
        String alias = "t" + level;
        if (table.via().isEmpty()) {
            return col(alias, map.subject().key()) + " = ?";
        }
        Link link = table.via().get();
        MappedTable parent = map.table(link.parent());
        String parentAlias = "t" + (level + 1);
        String left = tuple(alias, link.childColumns());
        String select = link.parentColumns().stream().map(c -> col(parentAlias, c)).collect(Collectors.joining(", "));
        return left + " IN (SELECT " + select + " FROM " + quote(parent.name()) + " " + parentAlias + " WHERE "
                + reach(parent, level + 1) + ")";
    }

    private static String tuple(String alias, List<String> columns) {
        String inner = columns.stream().map(c -> col(alias, c)).collect(Collectors.joining(", "));
        return columns.size() == 1 ? inner : "(" + inner + ")";
    }

    public Query count(MappedTable t, Object subjectKey) {
        return count(t, Map.of(), subjectKey);
    }

    /** The subject's rows of {@code t} whose {@code where} columns equal the values. */
    public Query count(MappedTable t, Map<String, String> where, Object subjectKey) {
        List<Object> params = new ArrayList<>(List.of(key(subjectKey)));
        StringBuilder sql = new StringBuilder("SELECT count(*) FROM ").append(quote(t.name())).append(" t0 WHERE ")
                .append(reach(t));
        for (Map.Entry<String, String> w : where.entrySet()) {
            sql.append(" AND ").append(col("t0", w.getKey())).append(" = ?");
            params.add(new Untyped(w.getValue()));
        }
        return new Query(sql.toString(), params);
    }

    public Query delete(MappedTable t, Object subjectKey) {
        return new Query("DELETE FROM " + quote(t.name()) + " t0 WHERE " + reach(t), List.of(key(subjectKey)));
    }

    /**
     * Sets the given columns of the subject's rows: {@code values} maps column → value (null for
     * NULL, {@link Untyped} for a text PostgreSQL converts, anything else bound as it is).
     */
    public Query update(MappedTable t, Map<String, Object> values, Object subjectKey) {
        return update(t, values, Map.of(), subjectKey);
    }

    /** As {@link #update(MappedTable, Map, Object)}, only on rows whose {@code where} columns equal the values. */
    public Query update(MappedTable t, Map<String, Object> values, Map<String, String> where, Object subjectKey) {
        List<Object> params = new ArrayList<>();
        StringBuilder sql = new StringBuilder("UPDATE ").append(quote(t.name())).append(" t0 SET ");
        String sep = "";
        for (Map.Entry<String, Object> e : values.entrySet()) {
            sql.append(sep).append(quote(e.getKey()));
            if (e.getValue() == null) {
                sql.append(" = NULL");
            } else {
                sql.append(" = ?");
                params.add(e.getValue());
            }
            sep = ", ";
        }
        sql.append(" WHERE ").append(reach(t));
        params.add(key(subjectKey));
        for (Map.Entry<String, String> w : where.entrySet()) {
            sql.append(" AND ").append(col("t0", w.getKey())).append(" = ?");
            params.add(new Untyped(w.getValue()));
        }
        return new Query(sql.toString(), params);
    }

    /** The subject's rows of {@code t} with their row ids (ctid), locked, for a row-by-row rewrite. */
    public Query selectForUpdate(MappedTable t, List<String> columns, Object subjectKey) {
        String cols = columns.stream().map(c -> col("t0", c)).collect(Collectors.joining(", "));
        return new Query("SELECT t0.ctid::text, " + cols + " FROM " + quote(t.name()) + " t0 WHERE " + reach(t)
                + " FOR UPDATE", List.of(key(subjectKey)));
    }

    /** Rewrites one row found by {@link #selectForUpdate}: parameters are the column values, then the ctid. */
    public String updateByRowId(MappedTable t, List<String> columns) {
        String set = columns.stream().map(c -> quote(c) + " = ?").collect(Collectors.joining(", "));
        return "UPDATE " + quote(t.name()) + " SET " + set + " WHERE ctid = ?::tid";
    }

    // ---- retention: rows older than a cutoff, in batches (names from the checked map, values bound) ----

    /**
     * Where a delete rule's next batch ends: the time of the {@code limit + 1}-th oldest due row at or
     * after {@code from} (no row: the batch takes every due row left, and is the last). An index-only
     * scan on an index of the time column. Parameters: cutoff, [from], limit.
     */
    public Query retentionBoundary(DataMap.RetentionRule rule, Object cutoff, Object from, int limit) {
        String c = quote(rule.timeColumn());
        List<Object> params = new ArrayList<>(List.of(cutoff));
        StringBuilder sql = new StringBuilder("SELECT ").append(c).append(" FROM ").append(quote(rule.table()))
                .append(" WHERE ").append(c).append(" < ?");
        if (from != null) {
            sql.append(" AND ").append(c).append(" >= ?");
            params.add(from);
        }
        sql.append(" ORDER BY ").append(c).append(" OFFSET ? LIMIT 1");
        params.add(limit);
        return new Query(sql.toString(), params);
    }

    /**
     * One batch of a delete rule: the rows whose time is in {@code [from, to)} — or {@code [from, to]}
     * when {@code through} (more rows share one time than a batch holds) — found by a range scan of the
     * time column's index. {@code to} is the cutoff or a boundary before it. Parameters: to, [from].
     */
    public Query retentionDelete(DataMap.RetentionRule rule, Object from, Object to, boolean through) {
        String c = quote(rule.timeColumn());
        List<Object> params = new ArrayList<>(List.of(to));
        StringBuilder sql = new StringBuilder("DELETE FROM ").append(quote(rule.table())).append(" WHERE ").append(c)
                .append(through ? " <= ?" : " < ?");
        if (from != null) {
            sql.append(" AND ").append(c).append(" >= ?");
            params.add(from);
        }
        return new Query(sql.toString(), params);
    }

    /**
     * One batch of an anonymise rule: at most {@code limit} rows older than the cutoff that are not
     * anonymised yet, oldest first, locked with SKIP LOCKED; columns: row id (ctid as text), the time
     * column, then {@code hashed} (their current values, to be hashed in Java). "Not anonymised yet":
     * a column erased to NULL is not null, a hashed column holds something that is not a keyed hash
     * ({@code hashPattern}, e.g. {@code hmac:%}, of {@code hashLength} characters), or a column erased
     * to a fixed value differs from it ({@code pending}: column → value as {@link #update} takes them).
     * A rule run twice finds nothing the second time.
     */
    public Query retentionAnonymiseBatch(DataMap.RetentionRule rule, Map<String, Object> pending, List<String> hashed,
            String hashPattern, int hashLength, Object cutoff, Object after, int limit) {
        String c = col("t0", rule.timeColumn());
        List<Object> params = new ArrayList<>(List.of(cutoff));
        StringBuilder sql = new StringBuilder("SELECT t0.ctid::text, ").append(c);
        for (String h : hashed) {
            sql.append(", ").append(col("t0", h));
        }
        sql.append(" FROM ").append(quote(rule.table())).append(" t0 WHERE ").append(c).append(" < ?");
        if (after != null) {
            sql.append(" AND ").append(c).append(" >= ?");
            params.add(after);
        }
        List<String> open = new ArrayList<>();
        for (Map.Entry<String, Object> e : pending.entrySet()) {
            if (e.getValue() == null) {
                open.add(col("t0", e.getKey()) + " IS NOT NULL");
            } else {
                open.add(col("t0", e.getKey()) + " IS DISTINCT FROM ?");
                params.add(e.getValue());
            }
        }
        for (String h : hashed) {
            open.add("(" + col("t0", h) + " IS NOT NULL AND NOT (" + col("t0", h) + " LIKE ? AND length("
                    + col("t0", h) + ") = ?))");
            params.add(hashPattern);
            params.add(hashLength);
        }
        if (open.isEmpty()) {
            throw new IllegalArgumentException("retention " + rule.name() + ": table " + rule.table()
                    + " has no column that anonymising changes");
        }
        sql.append(" AND (").append(String.join(" OR ", open)).append(") ORDER BY ").append(c)
                .append(" LIMIT ? FOR UPDATE SKIP LOCKED");
        params.add(limit);
        return new Query(sql.toString(), params);
    }

    /**
     * Rewrites the rows of one anonymise batch in one statement: {@code values} (column → NULL or a
     * bound value) on every row, and each {@code hashed} column from the arrays bound after them. Parameters:
     * the non-null values, the row ids (text[] of ctids), then one text[] per hashed column, in order.
     */
    public Query anonymiseRows(DataMap.MappedTable t, Map<String, Object> values, List<String> hashed,
            String[] rowIds, List<String[]> hashedValues) {
        List<Object> params = new ArrayList<>();
        List<String> set = new ArrayList<>();
        for (Map.Entry<String, Object> e : values.entrySet()) {
            if (e.getValue() == null) {
                set.add(quote(e.getKey()) + " = NULL");
            } else {
                set.add(quote(e.getKey()) + " = ?");
                params.add(e.getValue());
            }
        }
        StringBuilder arrays = new StringBuilder("?::text[]::tid[]");
        StringBuilder names = new StringBuilder("row_id");
        params.add(rowIds);
        for (int i = 0; i < hashed.size(); i++) {
            set.add(quote(hashed.get(i)) + " = v.h" + i);
            arrays.append(", ?::text[]");
            names.append(", h").append(i);
            params.add(hashedValues.get(i));
        }
        return new Query("UPDATE " + quote(t.name()) + " t0 SET " + String.join(", ", set) + " FROM unnest(" + arrays
                + ") AS v(" + names + ") WHERE t0.ctid = v.row_id", params);
    }

    /** The exported columns of the subject's rows of {@code t}. */
    public Query select(MappedTable t, List<MappedColumn> columns, Object subjectKey) {
        String cols = columns.stream().map(c -> col("t0", c.name())).collect(Collectors.joining(", "));
        return new Query("SELECT " + cols + " FROM " + quote(t.name()) + " t0 WHERE " + reach(t),
                List.of(key(subjectKey)));
    }

    /** Subject keys whose identity column holds {@code value} (already normalised). */
    public Query findSubject(DataMap.Identity identity, String value) {
        String column = col("t0", identity.column());
        // E-mail addresses are compared case-blind: the database may hold them as the person typed them.
        String left = identity.normaliser() == Normaliser.EMAIL ? "lower(" + column + ")" : column;
        return new Query("SELECT " + col("t0", map.subject().key()) + " FROM " + quote(map.subject().table())
                + " t0 WHERE " + left + " = ?", List.of(value));
    }

    /** The values of the subject's identity columns. */
    public Query identities(List<String> columns, Object subjectKey) {
        String cols = columns.stream().map(c -> col("t0", c)).collect(Collectors.joining(", "));
        return new Query("SELECT " + cols + " FROM " + quote(map.subject().table()) + " t0 WHERE "
                + col("t0", map.subject().key()) + " = ?", List.of(key(subjectKey)));
    }

    /** Adds an identity hash to the suppression table unless it is there already. */
    public Query suppress(DataMap.Suppression s, String type, String hash, String reason) {
        List<String> cols = new ArrayList<>(List.of(s.typeColumn(), s.hashColumn()));
        List<Object> params = new ArrayList<>(List.of(type, hash));
        s.reasonColumn().ifPresent(r -> {
            cols.add(r);
            params.add(reason);
        });
        String names = cols.stream().map(Sql::quote).collect(Collectors.joining(", "));
        String marks = cols.stream().map(c -> "?").collect(Collectors.joining(", "));
        params.add(type);
        params.add(hash);
        return new Query("INSERT INTO " + quote(s.table()) + " (" + names + ") SELECT " + marks
                + " WHERE NOT EXISTS (SELECT 1 FROM " + quote(s.table()) + " WHERE " + quote(s.typeColumn())
                + " = ? AND " + quote(s.hashColumn()) + " = ?)", params);
    }

    /** {@code SELECT EXISTS (<query>)} for a hold or ban query whose parameters are all the subject key. */
    public static Query exists(String subjectQuery, Object subjectKey) {
        int n = (int) subjectQuery.chars().filter(c -> c == '?').count();
        List<Object> params = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            params.add(key(subjectKey));
        }
        return new Query("SELECT EXISTS (" + subjectQuery + ")", params);
    }

    /**
     * The subject key as bound: a value read from the database keeps its type; a key kept as text
     * (request.subject_ref) or null is untyped, so PostgreSQL reads it as the key column's type.
     */
    private static Object key(Object subjectKey) {
        return subjectKey == null || subjectKey instanceof String ? new Untyped((String) subjectKey) : subjectKey;
    }

    /** Binds {@code params} in order: {@link Untyped} as text of unknown type, anything else as it is. */
    public static void bind(java.sql.PreparedStatement ps, List<Object> params) throws java.sql.SQLException {
        for (int i = 0; i < params.size(); i++) {
            Object p = params.get(i);
            if (p instanceof Untyped u) {
                if (u.text() == null) {
                    ps.setNull(i + 1, java.sql.Types.OTHER);
                } else {
                    ps.setObject(i + 1, u.text(), java.sql.Types.OTHER);
                }
            } else {
                ps.setObject(i + 1, p);
            }
        }
    }
}
