package kz.dsr.timers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import kz.dsr.store.StoreDatabase;
import kz.dsr.testing.TestServers;
import kz.dsr.timers.RetentionRuns.RuleRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Sent and given-up outbox messages are purged once their request has been closed longer than
 * dsr.retention.outbox-days; what may still be sent, or still thread a reply onto a request that is
 * open or closed only recently, stays. Real PostgreSQL; time is a clock the test sets.
 */
class OutboxRetentionTest {

    private static final int DAYS = 90;

    @Test
    void endedMessagesOfRequestsClosedPastTheRetentionGoAndTheRestStays(@TempDir Path exports) {
        JdbcTemplate store = TestServers.get().storeJdbc(TestServers.get().newDatabase("dsr_outbox_retention"));
        StoreDatabase.migrate(store.getDataSource());
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);

        long closedLongAgo = request(store, "DSR-2026-800001", "COMPLETED", now.minus(days(100)));
        long closedRecently = request(store, "DSR-2026-800002", "REJECTED", now.minus(days(10)));
        long open = request(store, "DSR-2026-800003", "ON_HOLD", now.minus(days(200)));

        message(store, "gone-sent", closedLongAgo, "SENT", now.minus(days(120)));
        message(store, "gone-failed", closedLongAgo, "FAILED", now.minus(days(110)));
        message(store, "gone-digest", null, "SENT", now.minus(days(91)));
        // a message written after the request closed (a late reply) is as new as its own date
        message(store, "keep-late-mail", closedLongAgo, "SENT", now.minus(days(5)));
        // never a message still to be sent, however old
        message(store, "keep-pending", closedLongAgo, "PENDING", now.minus(days(120)));
        message(store, "keep-held", closedLongAgo, "HELD", now.minus(days(120)));
        // a reply to a request closed only recently, or still open, must still thread onto it
        message(store, "keep-recently-closed", closedRecently, "SENT", now.minus(days(120)));
        message(store, "keep-open", open, "SENT", now.minus(days(200)));
        message(store, "keep-new-digest", null, "SENT", now.minus(days(89)));

        StorePurge purge = new StorePurge(store, new RetentionRuns(store, Clock.fixed(now, ZoneOffset.UTC)), exports, 2,
                new StorePurge.Periods(30, 30, 90, DAYS));
        RuleRun run = purge.runAll().stream().filter(r -> r.rule().equals("store.outbox")).findFirst().orElseThrow();

        assertTrue(run.ok(), run.error());
        assertEquals(3, run.rows());
        assertEquals(List.of("<keep-held@dsr.test>", "<keep-late-mail@dsr.test>", "<keep-new-digest@dsr.test>",
                "<keep-open@dsr.test>", "<keep-pending@dsr.test>", "<keep-recently-closed@dsr.test>"),
                store.queryForList("select message_id from outbox order by message_id", String.class));
        assertEquals(List.of(3L, 2L), store.queryForObject("select rows_deleted, batches from retention_run"
                + " where rule = 'store.outbox'", (rs, n) -> List.of(rs.getLong(1), rs.getLong(2))),
                "recorded for the operator: 3 rows in batches of 2");
    }

    private static Duration days(int n) {
        return Duration.ofDays(n);
    }

    private static long request(JdbcTemplate store, String reference, String status, Instant updatedAt) {
        return store.queryForObject("insert into request (reference, type, status, language, received_at, due_date,"
                + " updated_at) values (?, 'ACCESS', ?, 'ru', ?, current_date, ?) returning id", Long.class,
                reference, status, Timestamp.from(updatedAt), Timestamp.from(updatedAt));
    }

    private static void message(JdbcTemplate store, String name, Long requestId, String status, Instant createdAt) {
        store.update("insert into outbox (channel, event_key, request_id, recipient, subject, body, message_id, status,"
                + " created_at, sent_at) values ('MAIL', ?, ?, 'a@example.kz', 's', 'b', ?, ?, ?, ?)", name, requestId,
                "<" + name + "@dsr.test>", status, Timestamp.from(createdAt),
                status.equals("SENT") ? Timestamp.from(createdAt) : null);
    }
}
