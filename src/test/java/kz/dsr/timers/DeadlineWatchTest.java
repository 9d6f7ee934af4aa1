package kz.dsr.timers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import kz.dsr.intake.MailIntake;
import kz.dsr.notify.MailComposer;
import kz.dsr.notify.Templates;
import kz.dsr.request.RequestStatus;
import kz.dsr.request.RequestType;
import kz.dsr.store.DeadLetters;
import kz.dsr.store.EventLog;
import kz.dsr.store.Outbox;
import kz.dsr.store.RequestStore;
import kz.dsr.testing.TestServers;
import kz.dsr.testing.MovableClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/** Reminders, escalation and the digest, with time moved by the test instead of waited for. */
class DeadlineWatchTest {

    static final ZoneId ALMATY = ZoneId.of("Asia/Almaty");

    private JdbcTemplate store;
    private MovableClock clock;
    private DeadlineWatch watch;
    private long requestId;
    private String reference;

    @BeforeEach
    void setUp() {
        String url = TestServers.get().newDatabase("dsr_watch");
        store = TestServers.get().storeJdbc(url);
        kz.dsr.store.StoreDatabase.migrate(store.getDataSource());
        clock = new MovableClock(Instant.parse("2026-11-02T04:00:00Z")); // Monday 10:00 in Almaty
        Outbox outbox = new Outbox(store, new DeadLetters(store), new Outbox.RetryPolicy(3, Duration.ofSeconds(1),
                Duration.ofSeconds(2), Duration.ofSeconds(60)));
        MailComposer composer = new MailComposer(new Templates(Path.of("config/templates")), "support@dsr.test",
                "Privacy team", "dsr.test");
        watch = new DeadlineWatch(store, new EventLog(store), outbox, composer,
                new MailIntake.Operator("operator@dsr.test", "en"), clock, ALMATY, new DeadlineWatch.Points(0.5, 2),
                DeadlineWatch.calendarDays());
        var r = new RequestStore(store).open(RequestType.ACCESS, RequestStatus.AWAITING_VERIFICATION, "ru",
                "a@example.kz", clock.instant(), LocalDate.of(2026, 12, 2), 0.9, false, Map.of());
        requestId = r.id();
        reference = r.reference();
    }

    private List<String> operatorMails() {
        return store.queryForList("select event_key from outbox where recipient = 'operator@dsr.test' order by id",
                String.class);
    }

    private void moveTo(String date) {
        clock.set(LocalDate.parse(date).atTime(10, 0).atZone(ALMATY).toInstant());
    }

    @Test
    void halfTimeReminderThenDaysLeftThenOverdueEachOnce() {
        moveTo("2026-11-10");
        assertEquals(0, watch.run(), "8 of 30 days gone: nothing yet");
        moveTo("2026-11-17");
        assertEquals(1, watch.run(), "15 of 30 days gone: half-time reminder");
        assertEquals(0, watch.run(), "a second run (or a second node) sends nothing new");
        moveTo("2026-11-30");
        assertEquals(1, watch.run(), "2 days left");
        moveTo("2026-12-03");
        assertEquals(1, watch.run(), "overdue: escalated");
        moveTo("2026-12-04");
        assertEquals(0, watch.run(), "escalated once");
        assertEquals(List.of("deadline-half:" + reference, "deadline-days-left:" + reference,
                "deadline-overdue:" + reference), operatorMails());
        String body = store.queryForObject("select body from outbox where event_key = ?", String.class,
                "deadline-overdue:" + reference);
        assertTrue(body.contains("OVERDUE") && body.contains("2026-12-02") && body.contains("1 day(s) late"), body);
        assertEquals(List.of("REMINDER_SENT", "REMINDER_SENT", "ESCALATED_OVERDUE"), store.queryForList(
                "select kind from request_event where request_id = ? order by id", String.class, requestId));
    }

    @Test
    void closedRequestsAreLeftAlone() {
        store.update("update request set status = 'COMPLETED' where id = ?", requestId);
        moveTo("2026-12-20");
        assertEquals(0, watch.run());
        assertFalse(watch.digest() && store.queryForObject("select body from outbox where event_key like 'digest:%'",
                String.class).contains(reference));
    }

    @Test
    void theDigestListsOpenRequestsOncePerDay() {
        moveTo("2026-11-30");
        assertTrue(watch.digest());
        assertFalse(watch.digest(), "once per day");
        String body = store.queryForObject("select body from outbox where event_key = 'digest:2026-11-30'", String.class);
        assertTrue(body.contains(reference) && body.contains("2 day(s) left"), body);
        moveTo("2026-12-01");
        assertTrue(watch.digest(), "the next day, a new digest");
    }
}
