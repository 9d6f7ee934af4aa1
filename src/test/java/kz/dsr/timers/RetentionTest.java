package kz.dsr.timers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import kz.dsr.execute.KeyedHash;
import kz.dsr.demo.Sample;
import kz.dsr.store.StoreDatabase;
import kz.dsr.testing.SampleApps;
import kz.dsr.testing.TestServers;
import kz.dsr.timers.RetentionRuns.RuleRun;
import kz.dsr.testing.MovableClock;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Retention against real PostgreSQL: the inji sample's rules (usage events after 180 days, accounts
 * closed more than 3 years ago anonymised) and the pipeline's own data in the store. Expected rows are
 * counted independently with SQL; time moves with a clock the test sets, never by waiting.
 */
class RetentionTest {

    private static final String SECRET = "retention-test-secret-0123456789abcdef0123";
    private static final KeyedHash HASH = new KeyedHash(SECRET);

    private static JdbcTemplate store;

    @BeforeAll
    static void store() {
        String url = TestServers.get().newDatabase("dsr_retention");
        store = TestServers.get().storeJdbc(url);
        StoreDatabase.migrate(store.getDataSource());
    }

    private static Retention retention(SampleApps app, Clock clock, int batchSize) {
        return new Retention(app.map(), app.db(), HASH, new RetentionRuns(store, clock), batchSize);
    }

    // ---- delete: inji usage events older than 180 days ----

    @Test
    void deleteRuleRemovesExactlyTheExpiredUsageEventsAndMoreAsTimeMoves() throws SQLException {
        SampleApps app = SampleApps.create(Sample.INJI, 300);
        MovableClock clock = new MovableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        long before = count(app.dataSource(), "select count(*) from usage_events");
        long due = dueEvents(app.dataSource(), clock.instant());
        long user1Due = count(app.dataSource(), "select count(*) from usage_events e join devices d on d.id = e.device_id"
                + " where d.user_id = 1 and e.created_at < " + CUTOFF_180, Timestamp.from(clock.instant()));
        assertEquals(8, user1Due, "fixture user 1: events 1-8 are older than 200 days");
        assertTrue(due > 100 + user1Due, "the random subjects have expired events too: " + due);

        RuleRun run = retention(app, clock, 1000).run("usage-data-180-days");

        assertTrue(run.ok(), run.error());
        assertEquals(due, run.rows(), "rows deleted = rows older than 180 days, counted with SQL");
        assertEquals(before - due, count(app.dataSource(), "select count(*) from usage_events"));
        assertEquals(0, dueEvents(app.dataSource(), clock.instant()), "nothing older than 180 days is left");
        assertEquals(ids(9, 20), column(app.dataSource(), "select e.id from usage_events e join devices d"
                + " on d.id = e.device_id where d.user_id = 1 order by e.id"), "user 1 keeps events 9-20");
        assertEquals(List.of(run.rows(), (long) run.batches(), 0L), recorded(run),
                "retention_run: rows deleted, batches, no error");

        // 150 days later: more events have turned 180 days old; exactly those go.
        clock.advance(Duration.ofDays(150));
        long dueLater = dueEvents(app.dataSource(), clock.instant());
        assertTrue(dueLater > 0, "events expire as time moves");
        RuleRun later = retention(app, clock, 1000).run("usage-data-180-days");
        assertEquals(dueLater, later.rows());
        assertEquals(0, dueEvents(app.dataSource(), clock.instant()));
        assertEquals(before - due - dueLater, count(app.dataSource(), "select count(*) from usage_events"));
    }

    @Test
    void aBatchSmallerThanTheRowsTakesSeveralBatchesWithTheSameResult() throws SQLException {
        SampleApps one = SampleApps.create(Sample.INJI, 300);
        SampleApps small = SampleApps.create(Sample.INJI, 300);
        Clock clock = Clock.fixed(Instant.now().truncatedTo(ChronoUnit.SECONDS), ZoneOffset.UTC);
        long due = dueEvents(one.dataSource(), clock.instant());
        assertEquals(due, dueEvents(small.dataSource(), clock.instant()), "two identical samples");

        RuleRun whole = retention(one, clock, (int) due + 1).run("usage-data-180-days");
        RuleRun batched = retention(small, clock, 7).run("usage-data-180-days");

        assertEquals(1, whole.batches(), "a batch larger than the rows: one batch");
        assertEquals(due, whole.rows());
        assertEquals(due, batched.rows());
        assertEquals((due + 6) / 7, batched.batches(), "batches of 7, the last one taking what is left");
        String remaining = "select md5(string_agg(id::text, ',' order by id)) from usage_events";
        assertEquals(text(one.dataSource(), remaining), text(small.dataSource(), remaining), "the same rows are left");
        assertEquals(List.of(due, (long) batched.batches(), 0L), recorded(batched));
    }

    // ---- anonymise: inji accounts closed more than 3 years ago ----

    @Test
    void anonymiseRuleEmptiesExactlyTheAccountsClosedMoreThanThreeYearsAgoAndIsIdempotent() throws SQLException {
        SampleApps app = SampleApps.create(Sample.INJI, 1000);
        DataSource ds = app.dataSource();
        MovableClock clock = new MovableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        Map<Long, String> phones = new LinkedHashMap<>();
        Map<Long, String> closedAt = new LinkedHashMap<>();
        for (Long id : column(ds, "select id from users where closed_at is not null")) {
            phones.put(id, text(ds, "select phone from users where id = ?", id));
            closedAt.put(id, text(ds, "select closed_at::text from users where id = ?", id));
        }

        // Today: of the closed accounts only fixture user 3 (closed 4 years ago) is past 3 years.
        assertEquals(List.of(3L), due(ds, clock.instant()));
        String othersNow = others(ds, clock.instant());
        RuleRun first = retention(app, clock, 2).run("closed-accounts-3-years");
        assertTrue(first.ok(), first.error());
        assertEquals(1, first.rows(), "user 3 anonymised");
        assertAnonymised(ds, List.of(3L), phones, closedAt);
        assertEquals(othersNow, others(ds, clock.instant()), "every other account is untouched");
        assertEquals(List.of(1L, (long) first.batches(), 0L), recorded(first));

        // Two years on: the random accounts closed more than a year before today are due as well.
        clock.advance(Duration.ofDays(2 * 365));
        List<Long> due = due(ds, clock.instant());
        assertTrue(due.size() >= 4 && due.contains(3L), "random closed accounts are due too: " + due);
        String othersLater = others(ds, clock.instant());
        RuleRun later = retention(app, clock, 2).run("closed-accounts-3-years");
        assertTrue(later.ok(), later.error());
        assertEquals(due.size() - 1, later.rows(), "every due account but user 3, anonymised already");
        assertTrue(later.batches() > 1, "batches of 2");
        assertAnonymised(ds, due, phones, closedAt);
        assertEquals(othersLater, others(ds, clock.instant()), "every account not due is untouched");
        assertEquals(List.of(later.rows(), (long) later.batches(), 0L), recorded(later));

        RuleRun again = retention(app, clock, 2).run("closed-accounts-3-years");
        assertEquals(0, again.rows(), "a second run finds nothing left to anonymise");
        assertEquals(1, again.batches());
        assertAnonymised(ds, due, phones, closedAt);
    }

    private static final String DUE_3Y = "closed_at < (?::timestamptz at time zone 'UTC' - interval '3 years') at time zone 'UTC'";

    /** Accounts closed more than 3 years (UTC calendar) before {@code now}, counted with SQL. */
    private static List<Long> due(DataSource ds, Instant now) throws SQLException {
        return column(ds, "select id from users where " + DUE_3Y + " order by id", Timestamp.from(now));
    }

    /** A checksum of every account that is not due at {@code now}. */
    private static String others(DataSource ds, Instant now) throws SQLException {
        return text(ds, "select md5(string_agg(to_jsonb(u)::text, E'\\n' order by id)) from users u where not coalesce("
                + DUE_3Y.replace("closed_at", "u.closed_at") + ", false)", Timestamp.from(now));
    }

    private static void assertAnonymised(DataSource ds, List<Long> ids, Map<Long, String> phones,
            Map<Long, String> closedAt) throws SQLException {
        for (Long id : ids) {
            assertEquals(HASH.hash(phones.get(id)), text(ds, "select phone from users where id = ?", id), "phone of " + id);
            assertEquals("null null false false false", text(ds, "select coalesce(display_name, 'null') || ' '"
                    + " || coalesce(last_seen_at::text, 'null') || ' ' || marketing_sms || ' ' || marketing_push || ' '"
                    + " || analytics_consent from users where id = ?", id), "user " + id + " anonymised");
            assertEquals(closedAt.get(id), text(ds, "select closed_at::text from users where id = ?", id),
                    "the closing date of " + id + " stays (it is the rule's time column)");
        }
    }

    // ---- the pipeline's own data ----

    @Test
    void storePurgeRemovesExactlyTheExpiredRawMailsCodesDeadLettersAndExports(@TempDir Path exports) throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Clock clock = Clock.fixed(now, ZoneOffset.UTC);
        store.update("delete from outbox");
        store.update("delete from verification_code");
        store.update("delete from dead_letter");
        store.update("delete from inbound_raw");

        long closedLongAgo = request("DSR-2026-900001", "COMPLETED", now.minus(Duration.ofDays(40)));
        request("DSR-2026-900002", "COMPLETED", now.minus(Duration.ofDays(10)));       // closed recently
        request("DSR-2026-900003", "EXECUTING", now.minus(Duration.ofDays(100)));      // still open
        long waiting = request("DSR-2026-900004", "COMPLETED", now.minus(Duration.ofDays(40)));
        store.update("insert into outbox (channel, event_key, request_id, recipient, subject, body, message_id)"
                + " values ('MAIL', 'completed:DSR-2026-900004', ?, 'a@example.kz', 's', 'b', '<m4@dsr.test>')", waiting);
        for (String dir : List.of("DSR-2026-900001", "DSR-2026-900002", "DSR-2026-900003", "DSR-2026-900004",
                "DSR-2026-900099", "notes")) {
            Files.createDirectories(exports.resolve(dir));
            Files.writeString(exports.resolve(dir).resolve("export.json"), "{}");
        }
        Files.createDirectories(exports.resolve("DSR-2026-900001").resolve("nested"));
        Files.writeString(exports.resolve("DSR-2026-900001").resolve("nested").resolve("export.html"), "<p>");

        // codes (30 days): used 40 days ago, unused and expired 31 days ago go; used 5 days ago, valid one stay
        code(closedLongAgo, now.minus(Duration.ofDays(39)), now.minus(Duration.ofDays(40)));
        code(closedLongAgo, now.minus(Duration.ofDays(31)), null);
        code(closedLongAgo, now.minus(Duration.ofDays(4)), now.minus(Duration.ofDays(5)));
        code(closedLongAgo, now.plus(Duration.ofHours(20)), null);
        // raw mails: keep_until passed yesterday and a minute ago go; tomorrow stays
        for (Duration d : List.of(Duration.ofDays(-1), Duration.ofMinutes(-1), Duration.ofDays(1))) {
            rawMail(now.plus(d));
        }
        // dead letters (90 days): 100 and 91 days old go; 89 days and today stay
        for (int days : new int[] {100, 91, 89, 0}) {
            store.update("insert into dead_letter (source, item_key, error, created_at) values ('intake', ?, 'e', ?)",
                    "k" + days, Timestamp.from(now.minus(Duration.ofDays(days))));
        }

        StorePurge purge = new StorePurge(store, new RetentionRuns(store, clock), exports, 1,
                new StorePurge.Periods(30, 30, 90, 90));
        Map<String, RuleRun> runs = new LinkedHashMap<>();
        purge.runAll().forEach(r -> runs.put(r.rule(), r));

        runs.values().forEach(r -> assertTrue(r.ok(), r.rule() + ": " + r.error()));
        assertEquals(2, runs.get("store.raw-mail").rows());
        assertEquals(List.of(1L), column(store.getDataSource(), "select count(*) from inbound_raw where keep_until > ?",
                Timestamp.from(now)));
        assertEquals(3L, store.queryForObject("select count(*) from inbound_message where message_key like 'retention-%'",
                Long.class), "the parsed mails stay");
        assertEquals(2, runs.get("store.verification-codes").rows());
        assertEquals(2L, store.queryForObject("select count(*) from verification_code", Long.class));
        assertEquals(0L, store.queryForObject("select count(*) from verification_code where used_at < ? or expires_at < ?",
                Long.class, Timestamp.from(now.minus(Duration.ofDays(30))), Timestamp.from(now.minus(Duration.ofDays(30)))));
        assertEquals(2, runs.get("store.dead-letters").rows());
        assertEquals(List.of("k0", "k89"), store.queryForList("select item_key from dead_letter order by item_key",
                String.class));
        assertEquals(1, runs.get("store.exports").rows());
        assertFalse(Files.exists(exports.resolve("DSR-2026-900001")), "closed 40 days ago: gone");
        for (String kept : List.of("DSR-2026-900002", "DSR-2026-900003", "DSR-2026-900004", "DSR-2026-900099", "notes")) {
            assertTrue(Files.exists(exports.resolve(kept).resolve("export.json")), kept + " stays");
        }
        // batch size 1: each row its own batch, and the last one finds nothing
        assertEquals(3, runs.get("store.raw-mail").batches());
        for (RuleRun r : runs.values()) {
            assertEquals(List.of(r.rows(), (long) r.batches(), 0L), recorded(r), r.rule());
        }
        // request events are never purged
        assertEquals(0L, store.queryForObject("select count(*) from retention_run where rule like '%event%'", Long.class));
    }

    // ---- helpers ----

    /** created_at older than 180 days before the bound instant, in UTC calendar days. */
    private static final String CUTOFF_180 = "(?::timestamptz at time zone 'UTC' - interval '180 days') at time zone 'UTC'";

    private static long dueEvents(DataSource ds, Instant now) throws SQLException {
        return count(ds, "select count(*) from usage_events where created_at < " + CUTOFF_180, Timestamp.from(now));
    }

    /** The run's row in retention_run: rows (deleted + anonymised), batches, 1 if it has an error; finished. */
    private static List<Long> recorded(RuleRun run) {
        return store.queryForObject("select rows_deleted + rows_anonymised, batches, (error is not null)::int,"
                + " finished_at is not null and longest_batch_ms >= 0 from retention_run where rule = ?"
                + " order by id desc limit 1", (rs, i) -> {
                    assertTrue(rs.getBoolean(4), "finished_at and longest_batch_ms recorded");
                    return List.of(rs.getLong(1), rs.getLong(2), rs.getLong(3));
                }, run.rule());
    }

    private static long request(String reference, String status, Instant updatedAt) {
        return store.queryForObject("insert into request (reference, type, status, language, received_at, due_date,"
                + " updated_at) values (?, 'ACCESS', ?, 'ru', ?, current_date, ?) returning id", Long.class,
                reference, status, Timestamp.from(updatedAt), Timestamp.from(updatedAt));
    }

    private static void code(long requestId, Instant expiresAt, Instant usedAt) {
        store.update("insert into verification_code (request_id, code_hash, channel, expires_at, used_at)"
                + " values (?, 'h', 'MAIL', ?, ?)", requestId, Timestamp.from(expiresAt),
                usedAt == null ? null : Timestamp.from(usedAt));
    }

    private static int mails;

    private static void rawMail(Instant keepUntil) {
        Long id = store.queryForObject("insert into inbound_message (message_key, subject, new_text, quoted_text, signature,"
                + " disposition, size_bytes) values (?, 's', 't', '', '', 'NOISE', 3) returning id", Long.class,
                "retention-" + (++mails));
        store.update("insert into inbound_raw (inbound_id, raw, keep_until) values (?, ?, ?)", id,
                new byte[] {1, 2, 3}, Timestamp.from(keepUntil));
    }

    private static List<Long> ids(long from, long to) {
        List<Long> out = new ArrayList<>();
        for (long i = from; i <= to; i++) {
            out.add(i);
        }
        return out;
    }

    private static long count(DataSource ds, String sql, Object... params) throws SQLException {
        return Long.parseLong(text(ds, sql, params));
    }

    private static String text(DataSource ds, String sql, Object... params) throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    private static List<Long> column(DataSource ds, String sql, Object... params) throws SQLException {
        List<Long> out = new ArrayList<>();
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getLong(1));
                }
            }
        }
        return out;
    }
}
