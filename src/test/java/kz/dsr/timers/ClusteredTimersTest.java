package kz.dsr.timers;

import static kz.dsr.testing.RunningPipeline.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import kz.dsr.request.RequestStatus;
import kz.dsr.request.RequestType;
import kz.dsr.store.RequestStore;
import kz.dsr.testing.RunningPipeline;
import kz.dsr.testing.MovableClock;
import org.junit.jupiter.api.Test;

/**
 * The Quartz timers in the running pipeline: with a clock the test moves, the deadline watch escalates
 * an overdue request without anybody waiting 30 days; and two nodes on one store share the timers,
 * each slot firing on exactly one of them.
 */
class ClusteredTimersTest {

    private static final Map<String, String> EVERY_SECOND = Map.of(
            "dsr.timers.deadline-watch.cron", "* * * * * ?",
            "dsr.timers.digest.cron", "0 0 9 * * ?",
            "dsr.timers.checkin-ms", "1000");

    @Test
    void aMovedClockTakesARequestPastItsDeadlineAndTheOperatorIsTold() {
        try (RunningPipeline pipeline = RunningPipeline.prepare(EVERY_SECOND)) {
            MovableClock clock = new MovableClock(Instant.now());
            pipeline.bind("clock", clock);
            var request = new RequestStore(pipeline.store()).open(RequestType.ERASURE, RequestStatus.AWAITING_VERIFICATION,
                    "ru", "a@example.kz", Instant.now(), LocalDate.now(DeadlineWatchTest.ALMATY).plusDays(30), 0.9, false,
                    Map.of());
            pipeline.startCamel();
            await("the watch ran", Duration.ofSeconds(20), () -> pipeline.count("select count(*) from timer_run where"
                    + " job = 'deadline-watch'") >= 2);
            assertEquals(0, pipeline.count("select count(*) from outbox where event_key like 'deadline-%'"));

            clock.set(Instant.now().plus(Duration.ofDays(31))); // a month later, in a second
            await("escalated", Duration.ofSeconds(20), () -> pipeline.count("select count(*) from request_event where"
                    + " request_id = ? and kind = 'ESCALATED_OVERDUE'", request.id()) == 1);
            await("the operator's mail", Duration.ofSeconds(20), () -> pipeline.received(kz.dsr.demo.EmbeddedServices.OPERATOR_ADDRESS).stream()
                    .anyMatch(m -> {
                        try {
                            return m.getSubject().startsWith("Overdue [" + request.reference());
                        } catch (Exception e) {
                            return false;
                        }
                    }));
        }
    }

    @Test
    void theNightlyRetentionJobPurgesWhatIsPastItsPeriodInTheRunningPipeline() {
        try (RunningPipeline pipeline = RunningPipeline.prepare(Map.of("dsr.timers.retention.cron", "0/2 * * * * ?",
                "dsr.timers.deadline-watch.cron", "0 0 0 1 1 ? 2099"))) {
            org.springframework.jdbc.core.JdbcTemplate app = new org.springframework.jdbc.core.JdbcTemplate(
                    kz.dsr.testing.TestServers.get().dataSource(pipeline.settings().get("dsr.app-db.url")));
            int old = app.queryForObject("select count(*) from search_queries where created_at < now() - interval '1 year'",
                    Integer.class);
            int recent = app.queryForObject("select count(*) from search_queries where created_at >= now() - interval"
                    + " '1 year'", Integer.class);
            assertTrue(old > 0, "the sample has searches older than a year");
            pipeline.startCamel();
            await("retention ran", Duration.ofSeconds(30), () -> pipeline.count("select count(*) from retention_run"
                    + " where finished_at is not null") >= 5);
            assertEquals(0, app.queryForObject("select count(*) from search_queries where created_at < now() - interval"
                    + " '1 year'", Integer.class));
            assertEquals(recent, app.queryForObject("select count(*) from search_queries", Integer.class));
            assertTrue(pipeline.count("select count(*) from retention_run where rule = 'search-queries-1-year' and rows_deleted = ?",
                    old) >= 1);
        }
    }

    @Test
    void twoNodesOnOneStoreFireEachSlotOnce() throws Exception {
        try (RunningPipeline pipeline = RunningPipeline.prepare(EVERY_SECOND)) {
            Path log = Files.createTempFile("dsr-node2", ".log");
            Process second = pipeline.startInChildJvm(log);
            try {
                // Each node its own HTTP and management port, as on two hosts: the start refuses a port in use.
                for (String port : List.of("camel.server.port", "camel.management.port")) {
                    try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
                        pipeline.settings().put(port, String.valueOf(free.getLocalPort()));
                    }
                }
                pipeline.startCamel();
                await("both nodes in the cluster", Duration.ofSeconds(60), () -> pipeline.count(
                        "select count(distinct instance_name) from qrtz_scheduler_state") == 2);
                long from = pipeline.count("select coalesce(max(id), 0) from timer_run");
                await("twelve more slots of the deadline watch", Duration.ofSeconds(40), () -> pipeline.count(
                        "select count(distinct scheduled_for) from timer_run where job = 'deadline-watch' and id > ?",
                        from) >= 12);
                int runs = pipeline.count("select count(*) from timer_run where id > ?", from);
                int slots = pipeline.count("select count(distinct scheduled_for) from timer_run where id > ?", from);
                int nodes = pipeline.count("select count(distinct node) from timer_run");
                assertEquals(slots, runs, "no slot fired twice");
                // The slots are whole seconds of the cron: one run a second, none skipped or doubled, means
                // as many slots as seconds from the first to the last (a skipped slot widens the span).
                Map<String, Object> watch = pipeline.store().queryForMap("select count(*) as runs, extract(epoch from"
                        + " max(scheduled_for) - min(scheduled_for)) + 1 as seconds from timer_run where job ="
                        + " 'deadline-watch' and id > ?", from);
                long watchRuns = ((Number) watch.get("runs")).longValue();
                double seconds = ((Number) watch.get("seconds")).doubleValue();
                assertTrue(watchRuns >= seconds * 2 / 3 && watchRuns <= seconds,
                        "about one run per second: " + watchRuns + " runs over " + seconds + " s of slots");
                assertEquals(2, pipeline.count("select count(distinct instance_name) from qrtz_scheduler_state"));
                assertTrue(nodes >= 1, "runs recorded by node");
            } finally {
                second.destroy();
                second.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }
}
