package kz.dsr.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import kz.dsr.datamap.DataMap;
import kz.dsr.datamap.DataMap.RetentionRule;
import kz.dsr.datamap.Sql;
import kz.dsr.execute.AppDatabase;
import kz.dsr.execute.KeyedHash;
import kz.dsr.demo.Sample;
import kz.dsr.store.StoreDatabase;
import kz.dsr.testing.SampleApps;
import kz.dsr.testing.TestServers;
import kz.dsr.timers.Retention;
import kz.dsr.timers.RetentionRuns;
import kz.dsr.timers.RetentionRuns.RuleRun;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Retention in batches against one big DELETE, on {@code bench.rows} (5,000,000) usage events of the inji
 * sample of which half are older than the rule's 180 days.
 *
 * <p><b>Data.</b> A fresh inji sample (fixtures only) gets {@code bench.devices} (1,000) devices of
 * fixture user 2 and {@code bench.rows} usage events spread evenly over the last 360 days, one device
 * per many rows ({@code g % devices}), built set-based with {@code generate_series}; ids grow with time,
 * as they do in production, so the expired half is the older half of the table. Then
 * {@code VACUUM ANALYZE} and {@code CHECKPOINT}. An identical copy is made with
 * {@code CREATE DATABASE … TEMPLATE} for each side, so each side starts from the same files.
 *
 * <p><b>Sides.</b> <i>baseline</i>: one {@code DELETE FROM usage_events WHERE created_at < ?} (autocommit,
 * one transaction). <i>batched</i>: {@link Retention} running the shipped map's rule
 * {@code usage-data-180-days} with {@code bench.batch} rows per batch (several sizes may be listed,
 * comma-separated, each on its own copy; the targets are asserted for the first, by default the shipped
 * 25,000). Both must delete exactly the rows counted with SQL beforehand.
 *
 * <p><b>Concurrent writers.</b> During each side a second thread on its own connection (autocommit)
 * inserts one usage event every ~10 ms into the same table and records the longest time one insert
 * took. It starts before and stops after the purge. An insert takes no lock a DELETE holds, so for
 * contrast a third thread, also every ~10 ms, updates one random due row (as the app, or an
 * erasure, touching an old event): it must wait for whichever transaction deleted that row — the
 * whole single DELETE, or one batch. The row stays due, so the counts stay exact.
 *
 * <p>Targets: batched total ≤ 1.3× the single DELETE, longest batch transaction ≤ 1 s, the writer's
 * longest insert ≤ 1 s. Run: {@code mvn -o test -Pbenchmark -Dtest=RetentionBenchmark}
 * ({@code -Dbench.rows=N -Dbench.devices=N -Dbench.batch=25000[,10000,50000…]}).
 */
@Tag("benchmark")
class RetentionBenchmark {

    private static final long ROWS = Long.getLong("bench.rows", 5_000_000L);
    private static final int DEVICES = Integer.getInteger("bench.devices", 1_000);
    private static final List<Integer> BATCHES = Arrays.stream(System.getProperty("bench.batch", "25000").split(","))
            .map(String::strip).map(Integer::valueOf).toList();
    private static final double TOTAL_TARGET = 1.3;
    private static final long LONGEST_TARGET_MS = 1000;
    private static final String RULE = "usage-data-180-days";

    /** What one side measured. */
    private record Side(String name, long rows, double totalMs, long batches, long longestMs, Writer.Result writer,
            Writer.Result toucher) {
    }

    @Test
    void batchedRetentionAgainstOneDelete() throws Exception {
        SampleApps app = SampleApps.create(Sample.INJI, 0);
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        long build = System.nanoTime();
        fill(app.dataSource(), now);
        System.out.printf("built %,d usage events in %.1f s%n", ROWS, (System.nanoTime() - build) / 1e9);
        String template = name(app.url());
        DataMap map = app.map();
        RetentionRule rule = map.retention().stream().filter(r -> r.name().equals(RULE)).findFirst().orElseThrow();
        Clock clock = Clock.fixed(now, ZoneOffset.UTC);
        Instant cutoff = Retention.cutoff(rule, clock);
        long due = count(app.dataSource(), "select count(*) from usage_events where created_at < ?", cutoff);
        System.out.printf("due: %,d of %,d rows (cutoff %s)%n", due, count(app.dataSource(),
                "select count(*) from usage_events"), cutoff);

        String storeUrl = TestServers.get().newDatabase("dsr_bench_retention");
        JdbcTemplate store = TestServers.get().storeJdbc(storeUrl);
        StoreDatabase.migrate(store.getDataSource());
        KeyedHash hash = new KeyedHash("benchmark-only-secret-0123456789abcdef0123456789");

        List<Side> sides = new ArrayList<>();
        String baselineUrl = copy(template, "baseline");
        try {
            sides.add(baseline(TestServers.get().dataSource(baselineUrl), cutoff, due));
        } finally {
            drop(baselineUrl);
        }
        for (int batch : BATCHES) {
            String url = copy(template, "batched");
            // A connection pool, as the pipeline has (dsr.app-db.pool-size 4): one batch, one borrowed connection;
            // the two writers borrow theirs from it too.
            try (com.zaxxer.hikari.HikariDataSource ds = AppDatabase.open(url, "postgres", "postgres", 4)) {
                Retention retention = new Retention(map, new AppDatabase(ds), hash, new RetentionRuns(store, clock), batch);
                if (Boolean.getBoolean("bench.explain")) {
                    explain(ds, new Sql(map).retentionBoundary(rule, cutoff.atOffset(ZoneOffset.UTC), null, batch));
                    explain(ds, new Sql(map).retentionDelete(rule, null, cutoff.atOffset(ZoneOffset.UTC), false));
                }
                Writer writer = Writer.start(ds, firstDevice(ds));
                Writer toucher = Writer.start(ds, 0, due - 20);
                long t0 = System.nanoTime();
                RuleRun run = retention.run(rule);
                double ms = (System.nanoTime() - t0) / 1e6;
                Writer.Result w = writer.stop();
                Writer.Result t = toucher.stop();
                assertTrue(run.ok(), run.error());
                assertEquals(due, run.rows(), "batched: rows deleted");
                assertEquals(0, count(ds, "select count(*) from usage_events where created_at < ?", cutoff));
                sides.add(new Side("batched, " + batch + " rows per batch", run.rows(), ms, run.batches(),
                        run.longestBatchMs(), w, t));
            } finally {
                drop(url);
            }
        }
        drop(app.url());

        Side base = sides.get(0);
        System.out.println();
        System.out.printf("%,d usage events, %,d due (older than 180 days), %,d devices; writer: one insert per ~10 ms%n",
                ROWS, due, DEVICES);
        System.out.println();
        System.out.println("| run | rows deleted | total | vs single DELETE | batches | longest transaction"
                + " | writer: inserts, longest | old-row updater: updates, longest |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|");
        for (Side s : sides) {
            System.out.printf("| %s | %,d | %,.0f ms | %.2f× | %,d | %,d ms | %,d, %,.1f ms | %,d, %,.1f ms |%n", s.name(),
                    s.rows(), s.totalMs(), s.totalMs() / base.totalMs(), s.batches(), s.longestMs(),
                    s.writer().inserts(), s.writer().maxMs(), s.toucher().inserts(), s.toucher().maxMs());
        }
        System.out.println();
        // The targets apply to the shipped batch size (the first listed); others are for comparison.
        for (Side s : sides.subList(1, 2)) {
            assertTrue(s.totalMs() / base.totalMs() <= TOTAL_TARGET,
                    String.format("%s: %.2f× the single DELETE (target ≤ %.1f×)", s.name(), s.totalMs() / base.totalMs(),
                            TOTAL_TARGET));
            assertTrue(s.longestMs() <= LONGEST_TARGET_MS, s.name() + ": longest batch " + s.longestMs() + " ms");
            assertTrue(s.writer().maxMs() <= LONGEST_TARGET_MS, s.name() + ": writer waited " + s.writer().maxMs() + " ms");
        }
    }

    private static Side baseline(DataSource ds, Instant cutoff, long due) throws Exception {
        Writer writer = Writer.start(ds, firstDevice(ds));
        Writer toucher = Writer.start(ds, 0, due - 20);
        long rows;
        long t0 = System.nanoTime();
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement("delete from usage_events where created_at < ?")) {
            ps.setTimestamp(1, Timestamp.from(cutoff));
            rows = ps.executeLargeUpdate();
        }
        double ms = (System.nanoTime() - t0) / 1e6;
        Writer.Result w = writer.stop();
        Writer.Result t = toucher.stop();
        assertEquals(due, rows, "baseline: rows deleted");
        return new Side("baseline: one DELETE … WHERE created_at < ?", rows, ms, 1, Math.round(ms), w, t);
    }

    /** Devices and usage events, set-based; the events evenly over the last 360 days, in id order. */
    private static void fill(DataSource ds, Instant now) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("insert into devices (user_id, device_type, device_uid, os, os_version, app_version, created_at)"
                    + " select 2, 'phone', md5(g::text), 'Android', '14', '3.12.1', timestamptz '" + now
                    + "' - interval '400 days' from generate_series(1, " + DEVICES + ") g");
            long first = firstDevice(ds);
            s.execute("insert into usage_events (device_id, event, ip, browser, created_at)"
                    + " select " + first + " + g % " + DEVICES + ","
                    + " (array['app_open', 'search', 'view_product', 'add_to_cart', 'order_placed'])[1 + g % 5],"
                    + " ('95.56.' || (g / 250 % 250) || '.' || (g % 250))::inet, 'Inji App 3.12.1',"
                    + " timestamptz '" + now + "' - interval '360 days' + (g::float8 / " + ROWS + ") * interval '360 days'"
                    + " from generate_series(1, " + ROWS + ") g");
            s.execute("vacuum analyze");
            s.execute("checkpoint");
        }
    }

    private static long firstDevice(DataSource ds) throws SQLException {
        return count(ds, "select coalesce(min(id), 0) from devices where user_id = 2 and device_uid = md5('1')");
    }

    /** A concurrent app writer: one insert every ~10 ms on its own connection; the longest one. */
    private static final class Writer implements Runnable {
        record Result(long inserts, double maxMs) {
        }

        private final DataSource ds;
        private final long firstDevice;
        private final AtomicBoolean stop = new AtomicBoolean();
        private final Thread thread;
        private volatile long inserts;
        private volatile long maxNanos;
        private volatile Exception failure;

        /** 0: inserts new rows; otherwise updates one of the rows with ids 21..oldRows+20 (all due). */
        private final long oldRows;

        private Writer(DataSource ds, long firstDevice, long oldRows) {
            this.ds = ds;
            this.firstDevice = firstDevice;
            this.oldRows = oldRows;
            this.thread = new Thread(this, "bench-writer");
        }

        static Writer start(DataSource ds, long firstDevice) throws InterruptedException {
            return start(ds, firstDevice, 0);
        }

        static Writer start(DataSource ds, long firstDevice, long oldRows) throws InterruptedException {
            Writer w = new Writer(ds, firstDevice, oldRows);
            w.thread.start();
            // Connected and writing before the purge starts.
            Awaitility.await("the writer's first statement").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(10)).until(() -> w.inserts > 0 || w.failure != null);
            return w;
        }

        @Override
        public void run() {
            try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(oldRows == 0
                    ? "insert into usage_events (device_id, event, ip, browser, created_at) values (?, 'app_open',"
                            + " '95.56.14.31', 'Inji App 3.12.1', now())"
                    : "update usage_events set event = event where id = ?")) {
                while (!stop.get()) {
                    ps.setLong(1, oldRows == 0 ? firstDevice + ThreadLocalRandom.current().nextInt(DEVICES)
                            : 21 + ThreadLocalRandom.current().nextLong(oldRows));
                    long t0 = System.nanoTime();
                    ps.executeUpdate();
                    long took = System.nanoTime() - t0;
                    maxNanos = Math.max(maxNanos, took);
                    inserts++;
                    long sleep = 10_000_000L - took;
                    if (sleep > 0) {
                        Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
                    }
                }
            } catch (Exception e) {
                failure = e;
            }
        }

        Result stop() throws Exception {
            // Some 20 more statements (~200 ms) after the purge: one the purge held up is measured when it ends.
            long until = inserts + 20;
            Awaitility.await("the writer's statements after the purge").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(10)).until(() -> inserts >= until || failure != null);
            stop.set(true);
            thread.join();
            if (failure != null) {
                throw failure;
            }
            return new Result(inserts, maxNanos / 1e6);
        }
    }

    /** EXPLAIN ANALYZE of one batch statement, rolled back: how PostgreSQL runs it. */
    private static void explain(DataSource ds, Sql.Query q) throws SQLException {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("explain (analyze, buffers) " + q.sql())) {
                Sql.bind(ps, q.params());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        System.out.println("plan: " + rs.getString(1));
                    }
                }
            }
            c.rollback();
        }
    }

    private static long count(DataSource ds, String sql, Object... params) throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i] instanceof Instant in ? Timestamp.from(in) : params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static String name(String url) {
        String path = url.substring(url.lastIndexOf('/') + 1);
        return path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
    }

    /** An identical copy of the built database (its files copied: same pages, statistics, visibility map). */
    private static String copy(String template, String prefix) throws SQLException {
        String name = template + "_" + prefix + "_" + System.nanoTime() % 100_000;
        try (Connection c = TestServers.get().postgres().getPostgresDatabase().getConnection();
                Statement s = c.createStatement()) {
            s.execute("create database " + Sql.quote(name) + " template " + Sql.quote(template));
            s.execute("checkpoint");
        }
        return TestServers.get().postgres().getJdbcUrl("postgres", name);
    }

    private static void drop(String url) throws SQLException {
        try (Connection c = TestServers.get().postgres().getPostgresDatabase().getConnection();
                Statement s = c.createStatement()) {
            s.execute("drop database if exists " + Sql.quote(name(url)) + " with (force)");
        }
    }
}
