package kz.dsr.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import kz.dsr.datamap.DataMap;
import kz.dsr.datamap.DataMap.MappedColumn;
import kz.dsr.datamap.DataMap.MappedTable;
import kz.dsr.datamap.Sql;
import kz.dsr.execute.Erasure;
import kz.dsr.execute.Execution;
import kz.dsr.execute.KeyedHash;
import kz.dsr.execute.TableOutcome;
import kz.dsr.demo.Sample;
import kz.dsr.demo.SampleDatabase;
import kz.dsr.testing.SampleApps;
import kz.dsr.testing.TestServers;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;

/**
 * The executor's benchmark: ERASURE and ACCESS of one very large subject of the inji sample, each against
 * a baseline measured in the same run on an identical database, so the ratio is the cost of going through
 * the data map instead of writing the SQL by hand.
 *
 * <h2>1. Erasure, ~100,000 rows over 5 tables</h2>
 * User 1 of a fresh inji sample (the fixtures only) gets {@code bench.erasureRows} (20,000) more rows in
 * each of addresses, orders (one per new address, {@code address_id} set, no phone or comment),
 * order_items (one line per new order, no notes), devices and usage_events (one per new device) — see
 * {@link SampleDatabase#addHeavySubject}; no payments or notes are added, the fixtures have 3 and 2.
 * <ul>
 * <li><b>pipeline</b>: {@code new Erasure(map, db, hash).run(1L)} with the shipped
 *     {@code config/datamap-inji.yaml}: lock the user row, check the hold, then per table, children
 *     first, the statements {@link Sql} generates (nested {@code IN} sub-queries up to {@code users.id}):
 *     delete usage_events, devices, order_item_notes, addresses; set orders' address_id, recipient_phone,
 *     comment to NULL; count the kept order_items and payments; on users set display_name and
 *     last_seen_at to NULL, closed_at to now, the three flags to false, then rewrite phone with its keyed
 *     hash computed in Java (select … for update, update by ctid).</li>
 * <li><b>baseline</b>: what a competent engineer would write by hand for this schema, in one transaction:
 *     {@code select phone … for update}, the hash in Java, {@code DELETE … WHERE user_id = ?} /
 *     {@code WHERE device_id IN (SELECT id FROM devices WHERE user_id = ?)} /
 *     {@code WHERE order_id IN (SELECT id FROM orders WHERE user_id = ?)}, one {@code UPDATE orders}, one
 *     {@code UPDATE users} (phone included), and {@code count(*)} of order_items and payments so that both
 *     sides do the same reads. The baseline skips the hold check (the pipeline pays for it: one indexed
 *     query), so the ratio is, if anything, unfavourable to the pipeline.</li>
 * </ul>
 * Why it is fair: each side runs on its own freshly created, identical database (same seed, same heavy
 * subject, {@code VACUUM ANALYZE} and {@code CHECKPOINT} before timing, all of it outside the timed part),
 * over the same JDBC driver and server, and only the erasure itself is timed, commit included. The order
 * alternates (baseline, pipeline, pipeline, baseline, …) over {@code bench.reps} (5) repetitions so
 * neither side always runs on a warmer server, after {@code bench.warmup} (1) discarded repetition that
 * loads classes and warms the JIT for both, and the medians are compared. After every run the
 * database is checked: both sides must report the same row counts per table, leave the same contents in
 * every table (checksums of all rows without their timestamps, which {@code addHeavySubject} takes from
 * {@code now()}) and the same counts for user 1, with the users row anonymised. Target: pipeline ≤ 1.3×
 * baseline.
 *
 * <h2>2. Access export of ≥ 1,000,000 rows in a 256 MB heap</h2>
 * User 1 gets {@code bench.exportRows} (200,000) more rows in the same five tables, all of them exported
 * by the inji map. The export ({@code AccessExport.toFiles}, JSON then HTML) runs in a child JVM started
 * with {@code -Xmx256m} ({@link ExportProbe}), so that an export which holds rows in memory fails with
 * an OutOfMemoryError; the child must exit 0 and report at least 1,000,000 of the subject's rows. Its
 * peak heap is printed. The export writes a table once per data category it has exported columns in
 * (orders: phone, notes, purchase history), so it writes about twice as many rows as the subject owns;
 * both numbers are printed. Baselines, for context only (no target):
 * <ul>
 * <li>{@code COPY (SELECT <the map's exported columns> FROM … WHERE …) TO STDOUT} into a null stream,
 *     each of the subject's rows once: what the database needs to hand the data over;</li>
 * <li>the pipeline's own SELECTs ({@link Sql#select}, one per table and category) streamed over JDBC with
 *     the export's fetch size, every value read as text and thrown away: the export minus JSON and HTML.</li>
 * </ul>
 * Each baseline runs before and after the child on the same database; the faster of the two counts.
 *
 * <p>Run: {@code mvn -o test -Pbenchmark -Dtest=ExecutorBenchmark} (add {@code -Dbench.reps=N},
 * {@code -Dbench.warmup=N}, {@code -Dbench.erasureRows=N}, {@code -Dbench.exportRows=N}, {@code -Dbench.childHeap=256m},
 * {@code -Dbench.keepExport=true} to keep the export files under target/bench-export).
 */
@Tag("benchmark")
class ExecutorBenchmark {

    private static final int REPS = Integer.getInteger("bench.reps", 5);
    /** Repetitions run first and discarded (class loading, JIT, the server's caches); still verified. */
    private static final int WARMUP = Integer.getInteger("bench.warmup", 1);
    /** Rows added per table (5 tables) for the erasure measurement. */
    private static final int ERASURE_ROWS = Integer.getInteger("bench.erasureRows", 20_000);
    /** Rows added per table (5 tables) for the export measurement. */
    private static final int EXPORT_ROWS = Integer.getInteger("bench.exportRows", 200_000);
    private static final String CHILD_HEAP = System.getProperty("bench.childHeap", "256m");
    private static final boolean KEEP_EXPORT = Boolean.getBoolean("bench.keepExport");
    private static final double ERASURE_TARGET = 1.3;
    private static final long USER = 1L;
    private static final String SECRET = "benchmark-only-secret-0123456789abcdef0123456789";

    /** The tables of the inji sample, parents first. */
    private static final List<String> TABLES = List.of("users", "addresses", "orders", "order_items",
            "order_item_notes", "payments", "devices", "usage_events");
    /** The five tables {@code addHeavySubject} fills. */
    private static final List<String> HEAVY_TABLES = List.of("addresses", "orders", "order_items", "devices",
            "usage_events");

    /**
     * Hand-written: how each table's rows reach user 1 ({@code t} is the table, the key is bound or
     * inlined as {@code :user}). Used by the erasure checks and the export's COPY baseline.
     */
    private static final Map<String, String> OF_USER = Map.of(
            "users", "users t where t.id = :user",
            "addresses", "addresses t where t.user_id = :user",
            "orders", "orders t where t.user_id = :user",
            "order_items", "order_items t join orders o on o.id = t.order_id where o.user_id = :user",
            "order_item_notes", "order_item_notes t join orders o on o.id = t.order_id where o.user_id = :user",
            "payments", "payments t join orders o on o.id = t.order_id where o.user_id = :user",
            "devices", "devices t where t.user_id = :user",
            "usage_events", "usage_events t join devices d on d.id = t.device_id where d.user_id = :user");

    /** Columns left out of the content checksums: times that differ between two loads (now()). */
    private static final String TIME_COLUMNS = "array['created_at', 'last_seen_at', 'closed_at', 'paid_at']";

    private final KeyedHash hash = new KeyedHash(SECRET);

    @Test
    void erasureAndExportAgainstHandWrittenSql() throws Exception {
        Row erasure = erasure();
        ExportRow export = export();

        System.out.println();
        System.out.println("| measurement | baseline | pipeline | ratio | notes |");
        System.out.println("|---|---:|---:|---:|---|");
        System.out.printf("| erasure, %,d rows over 5 tables (median of %d), vs hand-written SQL | %.0f ms | %.0f ms"
                + " | %.2f× | target ≤ %.1f×; %s |%n", erasure.rows, REPS, erasure.baselineMs, erasure.pipelineMs,
                erasure.ratio(), ERASURE_TARGET, erasure.notes);
        System.out.printf("| export, %,d rows (-Xmx%s child JVM), vs COPY of the same rows | %d ms | %d ms | %.2f×"
                + " | %s |%n", export.subjectRows, CHILD_HEAP, export.copyMs, export.pipelineMs,
                (double) export.pipelineMs / export.copyMs, export.notes);
        System.out.printf("| export, vs its own SELECTs over JDBC, no JSON/HTML (%,d row reads) | %d ms | %d ms"
                + " | %.2f× | context: what writing JSON and HTML costs |%n", export.rowsWritten, export.jdbcMs,
                export.pipelineMs, (double) export.pipelineMs / export.jdbcMs);
        System.out.println();

        assertTrue(erasure.ratio() <= ERASURE_TARGET,
                String.format("erasure pipeline/baseline %.2f× is above the target %.1f×", erasure.ratio(), ERASURE_TARGET));
    }

    // ------------------------------------------------------------------------------------------------
    // 1. Erasure

    private record Row(long rows, double baselineMs, double pipelineMs, String notes) {
        double ratio() {
            return pipelineMs / baselineMs;
        }
    }

    /** One side's run: its time, the rows it reports per table, and the database it left behind. */
    private record Run(double ms, Map<String, Long> rowsPerTable, Map<String, String> state) {
    }

    private Row erasure() throws Exception {
        List<Double> baseline = new ArrayList<>();
        List<Double> pipeline = new ArrayList<>();
        long subjectRows = 0;
        for (int rep = -WARMUP; rep < REPS; rep++) {
            // B P, P B, B P, …: neither side always comes first (the warm-up repetitions alternate too).
            boolean baselineFirst = Math.floorMod(rep, 2) == 0;
            Run b = null;
            Run p = null;
            for (int side = 0; side < 2; side++) {
                boolean isBaseline = (side == 0) == baselineFirst;
                SampleApps app = prepare(ERASURE_ROWS);
                try {
                    Map<String, Long> before = userCounts(app.dataSource());
                    subjectRows = HEAVY_TABLES.stream().mapToLong(before::get).sum();
                    Run run = isBaseline ? baselineErasure(app) : pipelineErasure(app);
                    checkErased(before, run);
                    if (isBaseline) {
                        b = run;
                    } else {
                        p = run;
                    }
                } finally {
                    drop(app.url());
                }
            }
            // Both sides changed the same rows and left identical databases.
            assertEquals(b.rowsPerTable(), p.rowsPerTable(), "rows per table, baseline vs pipeline (rep " + rep + ")");
            assertEquals(b.state(), p.state(), "database state after erasure, baseline vs pipeline (rep " + rep + ")");
            System.out.printf("erasure %s (%s first): baseline %.0f ms, pipeline %.0f ms%n",
                    rep < 0 ? "warm-up" : "rep " + (rep + 1), baselineFirst ? "baseline" : "pipeline", b.ms(), p.ms());
            if (rep >= 0) {
                baseline.add(b.ms());
                pipeline.add(p.ms());
            }
        }
        String notes = String.format("baseline runs %s ms; pipeline runs %s ms; same rows and final state asserted",
                join(baseline), join(pipeline));
        return new Row(subjectRows, median(baseline), median(pipeline), notes);
    }

    /** A fresh inji database (fixtures only) whose user 1 owns {@code rowsPerTable} more rows in 5 tables. */
    private static SampleApps prepare(int rowsPerTable) throws SQLException {
        SampleApps app = SampleApps.create(Sample.INJI, 0);
        SampleDatabase.addHeavySubject(app.dataSource(), Sample.INJI, USER, rowsPerTable);
        try (Connection c = app.dataSource().getConnection(); Statement s = c.createStatement()) {
            // Visibility map and statistics as in a settled production table; no checkpoint mid-run.
            s.execute("vacuum analyze");
            s.execute("checkpoint");
        }
        return app;
    }

    private Run pipelineErasure(SampleApps app) throws SQLException {
        long start = System.nanoTime();
        Execution result = new Erasure(app.map(), app.db(), hash).run(USER);
        double ms = (System.nanoTime() - start) / 1e6;
        assertEquals(Execution.Result.DONE, result.result(), "pipeline erasure result");
        Map<String, Long> rows = new TreeMap<>();
        for (TableOutcome t : result.tables()) {
            rows.put(t.table() + " " + t.action(), t.rows());
        }
        return new Run(ms, rows, state(app.dataSource()));
    }

    /**
     * The same erasure by hand: the statements a competent engineer writes for this schema, children
     * before parents (usage_events before devices, orders' address_id cleared before addresses go).
     */
    private Run baselineErasure(SampleApps app) throws SQLException {
        Map<String, Long> rows = new TreeMap<>();
        long start = System.nanoTime();
        try (Connection c = app.dataSource().getConnection()) {
            c.setAutoCommit(false);
            String phone;
            try (PreparedStatement ps = c.prepareStatement("select phone from users where id = ? for update")) {
                ps.setLong(1, USER);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    phone = rs.getString(1);
                }
            }
            String hashed = phone == null || KeyedHash.isHash(phone) ? phone : hash.hash(phone);
            rows.put("usage_events DELETED", update(c,
                    "delete from usage_events where device_id in (select id from devices where user_id = ?)"));
            rows.put("devices DELETED", update(c, "delete from devices where user_id = ?"));
            rows.put("payments KEPT", count(c,
                    "select count(*) from payments where order_id in (select id from orders where user_id = ?)"));
            rows.put("order_item_notes DELETED", update(c,
                    "delete from order_item_notes where order_id in (select id from orders where user_id = ?)"));
            rows.put("order_items KEPT", count(c,
                    "select count(*) from order_items where order_id in (select id from orders where user_id = ?)"));
            rows.put("orders ANONYMISED", update(c,
                    "update orders set address_id = null, recipient_phone = null, comment = null where user_id = ?"));
            rows.put("addresses DELETED", update(c, "delete from addresses where user_id = ?"));
            try (PreparedStatement ps = c.prepareStatement("update users set phone = ?, display_name = null,"
                    + " last_seen_at = null, closed_at = now(), marketing_sms = false, marketing_push = false,"
                    + " analytics_consent = false where id = ?")) {
                ps.setString(1, hashed);
                ps.setLong(2, USER);
                rows.put("users ANONYMISED", (long) ps.executeUpdate());
            }
            c.commit();
        }
        double ms = (System.nanoTime() - start) / 1e6;
        return new Run(ms, rows, state(app.dataSource()));
    }

    private static long update(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, USER);
            return ps.executeLargeUpdate();
        }
    }

    private static long count(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, USER);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** What an erasure must have done, whichever side ran it: checked against the counts before. */
    private void checkErased(Map<String, Long> before, Run run) {
        Map<String, String> s = run.state();
        for (String gone : List.of("addresses", "devices", "usage_events", "order_item_notes")) {
            assertEquals("0", s.get("user1." + gone), "user 1's " + gone + " left");
            assertEquals(before.get(gone), run.rowsPerTable().get(gone + " DELETED"), gone + " rows deleted");
        }
        for (String kept : List.of("orders", "order_items", "payments")) {
            assertEquals(String.valueOf(before.get(kept)), s.get("user1." + kept), "user 1's " + kept + " kept");
        }
        assertEquals(before.get("order_items"), run.rowsPerTable().get("order_items KEPT"));
        assertEquals(before.get("payments"), run.rowsPerTable().get("payments KEPT"));
        assertEquals(before.get("orders"), run.rowsPerTable().get("orders ANONYMISED"));
        assertEquals("0", s.get("user1.orders still identifying"), "orders keep address/phone/comment");
        assertEquals(hash.hash("+77011234567"), s.get("user1.phone"), "phone replaced by its keyed hash");
        assertEquals("null null true false false false", s.get("user1.anonymised"),
                "display_name, last_seen_at, closed_at set, flags");
    }

    /** user 1's rows per table. */
    private static Map<String, Long> userCounts(DataSource ds) throws SQLException {
        Map<String, Long> out = new LinkedHashMap<>();
        try (Connection c = ds.getConnection()) {
            for (String t : TABLES) {
                try (Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery("select count(*) from " + ofUser(t))) {
                    rs.next();
                    out.put(t, rs.getLong(1));
                }
            }
        }
        return out;
    }

    /**
     * The database after an erasure, as comparable strings: per table the row count and a checksum of
     * every row without its timestamps; user 1's counts per table; what is left of the users row.
     */
    private static Map<String, String> state(DataSource ds) throws SQLException {
        Map<String, String> out = new LinkedHashMap<>();
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            for (String t : TABLES) {
                String row = "(to_jsonb(x) - " + TIME_COLUMNS + ")::text";
                out.put("table." + t, text(s, "select count(*) || ' rows, md5 ' || coalesce(md5(string_agg(" + row
                        + ", E'\\n' order by " + row + ")), '-') from " + t + " x"));
                out.put("user1." + t, text(s, "select count(*) from " + ofUser(t)));
            }
            out.put("user1.orders still identifying", text(s, "select count(*) from orders where user_id = " + USER
                    + " and (address_id is not null or recipient_phone is not null or comment is not null)"));
            out.put("user1.phone", text(s, "select phone from users where id = " + USER));
            out.put("user1.anonymised", text(s, "select coalesce(display_name, 'null') || ' '"
                    + " || coalesce(last_seen_at::text, 'null') || ' ' || (closed_at is not null) || ' '"
                    + " || marketing_sms || ' ' || marketing_push || ' ' || analytics_consent from users where id = " + USER));
            out.put("users closed", text(s, "select count(*) from users where closed_at is not null"));
        }
        return out;
    }

    private static String text(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static String ofUser(String table) {
        return OF_USER.get(table).replace(":user", String.valueOf(USER));
    }

    // ------------------------------------------------------------------------------------------------
    // 2. Access export

    private record ExportRow(long subjectRows, long rowsWritten, long copyMs, long jdbcMs, long pipelineMs,
            String notes) {
    }

    private ExportRow export() throws Exception {
        SampleApps app = prepare(EXPORT_ROWS);
        try {
            DataMap map = app.map();
            Map<String, List<String>> exported = exportedColumns(map);
            assertEquals(new java.util.TreeSet<>(OF_USER.keySet()), new java.util.TreeSet<>(exported.keySet()),
                    "the inji map exports from every table the COPY baseline reads");

            Map<String, Long> copyRows = new TreeMap<>();
            long copy1 = copyBaseline(app.dataSource(), exported, copyRows);
            long[] jdbc1 = jdbcBaseline(app.dataSource(), map);

            Map<String, String> probe = runProbe(app.url());

            long copy2 = copyBaseline(app.dataSource(), exported, new TreeMap<>());
            long[] jdbc2 = jdbcBaseline(app.dataSource(), map);

            long pipelineMs = Long.parseLong(probe.get("export_ms"));
            long written = Long.parseLong(probe.get("rows_written"));
            Map<String, Long> exportRows = new TreeMap<>();
            probe.forEach((k, v) -> {
                if (k.startsWith("table.")) {
                    exportRows.put(k.substring("table.".length()), Long.parseLong(v));
                }
            });
            long subjectRows = exportRows.values().stream().mapToLong(Long::longValue).sum();
            assertEquals("DONE", probe.get("result"));
            assertEquals(copyRows, exportRows, "rows per table: export vs COPY of the same rows");
            // Its own SELECTs read a table once per data category; the outcome counts each table once.
            assertEquals(subjectRows, written, "rows the export reports vs the subject's rows per table");
            // 1,000,000 with the default size; a smaller -Dbench.exportRows lowers the bar accordingly.
            long required = Math.min(1_000_000, 5L * EXPORT_ROWS);
            assertTrue(subjectRows >= required, "the export wrote only " + subjectRows + " of the subject's rows");

            long mb = 1024 * 1024;
            String notes = String.format("peak heap %d MB of %d MB max; %,d rows exported (%,d row reads, one per category"
                            + " a table's columns fall in);"
                            + " JSON %,d MB + HTML %,d MB; HTML step alone %,d ms; COPY runs %d, %d ms",
                    Long.parseLong(probe.get("peak_heap_bytes")) / mb, Long.parseLong(probe.get("max_heap_bytes")) / mb,
                    written, jdbc1[1], Long.parseLong(probe.get("json_bytes")) / mb, Long.parseLong(probe.get("html_bytes")) / mb,
                    Long.parseLong(probe.get("html_ms")), copy1, copy2);
            return new ExportRow(subjectRows, jdbc1[1], Math.min(copy1, copy2), Math.min(jdbc1[0], jdbc2[0]),
                    pipelineMs, notes);
        } finally {
            drop(app.url());
        }
    }

    /** Per table with exported columns: those columns, in map order (any category). */
    private static Map<String, List<String>> exportedColumns(DataMap map) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (MappedTable t : map.tables().values()) {
            List<String> cols = t.columns().values().stream().filter(MappedColumn::export).map(MappedColumn::name)
                    .toList();
            if (!cols.isEmpty()) {
                out.put(t.name(), cols);
            }
        }
        return out;
    }

    /**
     * {@code COPY (SELECT <exported columns> FROM <table> … user 1) TO STDOUT} per table into a null
     * stream: each of the subject's rows once, as the database hands it over. Milliseconds; fills
     * {@code rows} with the rows copied per table.
     */
    private static long copyBaseline(DataSource ds, Map<String, List<String>> exported, Map<String, Long> rows)
            throws SQLException, IOException {
        long start = System.nanoTime();
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            var copy = c.unwrap(PGConnection.class).getCopyAPI();
            for (Map.Entry<String, List<String>> e : exported.entrySet()) {
                String cols = e.getValue().stream().map(col -> "t." + Sql.quote(col)).collect(Collectors.joining(", "));
                rows.put(e.getKey(), copy.copyOut("COPY (SELECT " + cols + " FROM " + ofUser(e.getKey()) + ") TO STDOUT",
                        OutputStream.nullOutputStream()));
            }
            c.rollback();
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    /**
     * The export's own queries ({@link Sql#select} per category and table, in the export's order) over
     * JDBC with its fetch size, every value read as text and dropped: [milliseconds, rows read].
     */
    private static long[] jdbcBaseline(DataSource ds, DataMap map) throws SQLException {
        Sql sql = new Sql(map);
        long rows = 0;
        long start = System.nanoTime();
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            c.setReadOnly(true);
            long sink = 0;
            for (String category : map.exportedCategories()) {
                for (Map.Entry<MappedTable, List<MappedColumn>> e : map.exportedByCategory(category).entrySet()) {
                    Sql.Query q = sql.select(e.getKey(), e.getValue(), USER);
                    try (PreparedStatement ps = c.prepareStatement(q.sql())) {
                        ps.setFetchSize(2000); // AccessExport.FETCH
                        Sql.bind(ps, q.params());
                        try (ResultSet rs = ps.executeQuery()) {
                            int n = rs.getMetaData().getColumnCount();
                            while (rs.next()) {
                                for (int i = 1; i <= n; i++) {
                                    String v = rs.getString(i);
                                    sink += v == null ? 0 : v.length();
                                }
                                rows++;
                            }
                        }
                    }
                }
            }
            c.rollback();
            assertTrue(sink > 0);
        }
        return new long[] {(System.nanoTime() - start) / 1_000_000, rows};
    }

    /** Runs {@link ExportProbe} in a child JVM with the small heap; its {@code probe.*} lines as a map. */
    private static Map<String, String> runProbe(String url) throws IOException, InterruptedException {
        Path dir = Path.of("target", "bench-export");
        Files.createDirectories(dir);
        Path log = dir.resolve("probe.log");
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + CHILD_HEAP, "-XX:+ExitOnOutOfMemoryError",
                // Surefire's class path may be a manifest-only jar: its Class-Path entries still apply.
                "-cp", System.getProperty("java.class.path"),
                ExportProbe.class.getName(), url, SampleApps.mapFile(Sample.INJI).toString(), dir.toString(),
                String.valueOf(USER));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!child.waitFor(30, TimeUnit.MINUTES)) {
            child.destroyForcibly();
            throw new AssertionError("the export child JVM did not finish in 30 minutes; see " + log);
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(0, child.exitValue(), "the export child JVM (-Xmx" + CHILD_HEAP + ") failed:\n" + output);
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : output.split("\n")) {
            int eq = line.indexOf('=');
            if (line.startsWith("probe.") && eq > 0) {
                out.put(line.substring("probe.".length(), eq), line.substring(eq + 1).strip());
            }
        }
        if (!KEEP_EXPORT) {
            Files.deleteIfExists(dir.resolve("export.json"));
            Files.deleteIfExists(dir.resolve("export.html"));
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------------

    /** Drops a sample database once measured: 2 × reps + 1 of them would otherwise pile up on disk. */
    private static void drop(String url) throws SQLException {
        String path = url.substring(url.lastIndexOf('/') + 1);
        String name = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
        try (Connection c = TestServers.get().postgres().getPostgresDatabase().getConnection();
                Statement s = c.createStatement()) {
            s.execute("drop database if exists " + Sql.quote(name) + " with (force)");
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static String join(List<Double> values) {
        return values.stream().map(v -> String.format("%.0f", v)).collect(Collectors.joining(", "));
    }
}
