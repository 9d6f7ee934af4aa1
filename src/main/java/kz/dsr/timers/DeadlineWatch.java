package kz.dsr.timers;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import kz.dsr.intake.MailIntake;
import kz.dsr.notify.MailComposer;
import kz.dsr.notify.OutgoingMail;
import kz.dsr.request.RequestStatus;
import kz.dsr.store.EventLog;
import kz.dsr.store.Outbox;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The promises about time, kept: for every open request, a reminder to the operator when half of the
 * time is gone and when a few days are left, an escalation when it is overdue, and a daily digest of
 * open requests by time left. Each mail goes through the outbox under an event key, so a timer that
 * fires twice (or on two nodes) still sends each reminder once. Time comes from the injected clock.
 */
public final class DeadlineWatch {

    private static final String ACTOR = "deadline-watch";
    private static final DateTimeFormatter DAY = DateTimeFormatter.ISO_LOCAL_DATE;

    /** Reminder points: a fraction of the time gone, and days left (working days when a calendar is set). */
    public record Points(double fractionGone, int daysLeft) {
    }

    /** Counts days between two dates as the deadlines do (calendar days, or working days). */
    public interface DayCount {
        int daysBetween(LocalDate from, LocalDate to);
    }

    private final JdbcTemplate store;
    private final EventLog events;
    private final Outbox outbox;
    private final MailComposer composer;
    private final MailIntake.Operator operator;
    private final Clock clock;
    private final ZoneId zone;
    private final Points points;
    private final DayCount days;

    public DeadlineWatch(JdbcTemplate store, EventLog events, Outbox outbox, MailComposer composer,
            MailIntake.Operator operator, Clock clock, ZoneId zone, Points points, DayCount days) {
        this.store = store;
        this.events = events;
        this.outbox = outbox;
        this.composer = composer;
        this.operator = operator;
        this.clock = clock;
        this.zone = zone;
        this.points = points;
        this.days = days;
    }

    /** Calendar days, until a working-day calendar is configured. */
    public static DayCount calendarDays() {
        return (from, to) -> (int) ChronoUnit.DAYS.between(from, to);
    }

    private record Open(long id, String reference, String type, String status, LocalDate received, LocalDate due) {
    }

    private List<Open> open() {
        return store.query("select id, reference, type, status, (received_at at time zone ?)::date, due_date from"
                + " request where status not in " + RequestStatus.closedSqlList() + " order by due_date, id",
                (rs, n) -> new Open(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getDate(5).toLocalDate(), rs.getDate(6).toLocalDate()), zone.getId());
    }

    /** One pass: the reminders and escalations due today. Returns how many mails were queued. */
    public int run() {
        LocalDate today = LocalDate.now(clock.withZone(zone));
        int queued = 0;
        for (Open r : open()) {
            int total = Math.max(1, days.daysBetween(r.received(), r.due()));
            int left = days.daysBetween(today, r.due());
            if (today.isAfter(r.due())) {
                queued += notice(r, "overdue", "Overdue", Map.of("dueDate", DAY.format(r.due()),
                        "daysOverdue", String.valueOf(-left)));
            } else {
                if (total - left >= points.fractionGone() * total) {
                    queued += notice(r, "half", "Half of the time gone", Map.of("dueDate", DAY.format(r.due()),
                            "daysLeft", String.valueOf(left)));
                }
                if (left <= points.daysLeft()) {
                    queued += notice(r, "days-left", left + " days left", Map.of("dueDate", DAY.format(r.due()),
                            "daysLeft", String.valueOf(left)));
                }
            }
        }
        return queued;
    }

    /** The reminder or escalation of one kind for one request, once. */
    private int notice(Open r, String kind, String title, Map<String, String> values) {
        Map<String, String> all = new LinkedHashMap<>(values);
        all.put("type", r.type());
        all.put("status", r.status());
        all.put("kind", title);
        OutgoingMail mail = composer.notice("deadline-" + kind, operator.language(), all, operator.address(),
                r.reference(), title);
        if (!outbox.enqueueMail("deadline-" + kind + ":" + r.reference(), r.id(), mail)) {
            return 0;
        }
        events.append(r.id(), kind.equals("overdue") ? "ESCALATED_OVERDUE" : "REMINDER_SENT", ACTOR,
                Map.of("kind", kind, "dueDate", r.due().toString()));
        return 1;
    }

    /** The daily digest to the operator: open requests, least time left first. Once per day. */
    public boolean digest() {
        LocalDate today = LocalDate.now(clock.withZone(zone));
        // one item per request; the template lays out the list ({{#requests}}…{{/requests}})
        List<Map<String, Object>> requests = new ArrayList<>();
        for (Open r : open()) {
            int left = days.daysBetween(today, r.due());
            requests.add(Map.of("reference", r.reference(), "type", r.type(), "status", r.status(),
                    "due", DAY.format(r.due()), "overdue", left < 0, "daysLeft", String.valueOf(Math.max(left, 0)),
                    "daysOverdue", String.valueOf(Math.max(-left, 0))));
        }
        OutgoingMail mail = composer.notice("digest", operator.language(), Map.of("date", DAY.format(today),
                "count", String.valueOf(requests.size()), "requests", requests), operator.address(),
                "digest-" + DAY.format(today), "Open requests");
        return outbox.enqueueMail("digest:" + DAY.format(today), null, mail);
    }

    /** For tests and the operator: the date the watch considers today. */
    public LocalDate today() {
        return LocalDate.now(clock.withZone(zone));
    }
}
