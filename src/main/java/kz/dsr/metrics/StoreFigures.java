package kz.dsr.metrics;

import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import kz.dsr.request.RequestStatus;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The figures the gauges show, read from the store in one statement. Each part is an index lookup,
 * never a pass over a table that grows with the years:
 * <ul>
 * <li>open requests by status and type, with how many are overdue or due within a working day:
 *     {@code request_status_due} for the open statuses (closed requests are counted apart, see
 *     {@link ClosedRequests});</li>
 * <li>the outbox backlog and its oldest message per channel: the partial index {@code outbox_due};</li>
 * <li>unresolved dead letters per source: {@code dead_letter} is purged after dsr.retention.dead-letters-days;</li>
 * <li>open processor tasks per processor and status: the partial index {@code processor_task_open};</li>
 * <li>each timer's last run: {@code timer_run_job}, one backward step per job;</li>
 * <li>each retention rule's last run without error: {@code retention_run_rule}, backwards to the first.</li>
 * </ul>
 */
public final class StoreFigures {

    /** Requests of one status and type: how many, how many past their due date, how many due within a working day. */
    public record Requests(long count, long overdue, long dueSoon) {
    }

    /** Messages waiting to be sent on one channel, and when the oldest of them was queued. */
    public record Backlog(long count, Instant oldest) {
    }

    /** One reading. Keys of two labels are "a|b". */
    public record Figures(Map<String, Requests> openRequests, Map<String, Backlog> outbox,
            Map<String, Long> deadLetters, Map<String, Long> processorTasks, Map<String, Instant> timerLastRun,
            Map<String, Instant> retentionLastSuccess) {
    }

    static final String[] OPEN_STATUSES = Arrays.stream(RequestStatus.values()).filter(s -> !s.isClosed())
            .map(Enum::name).toArray(String[]::new);

    static final String SQL = """
            select 'request' as part, status as a, type as b, count(*) as n,
                   count(*) filter (where due_date < ?) as overdue,
                   count(*) filter (where due_date >= ? and due_date <= ?) as soon, null::timestamptz as at
              from request where status = any (?) group by status, type
            union all
            select 'outbox', channel, null, count(*), 0, 0, min(created_at)
              from outbox where status in ('PENDING', 'SENDING') group by channel
            union all
            select 'dead_letter', source, null, count(*), 0, 0, null
              from dead_letter where resolved_at is null group by source
            union all
            select 'task', processor, status, count(*), 0, 0, null
              from processor_task where status not in ('COMPLETED', 'CLOSED') group by processor, status
            union all
            select 'timer', j.job, null, 0, 0, 0, (select max(t.fired_at) from timer_run t where t.job = j.job)
              from unnest(?::varchar[]) as j (job)
            union all
            select 'retention', r.rule, null, 0, 0, 0,
                   (select x.finished_at from retention_run x where x.rule = r.rule and x.finished_at is not null
                     and x.error is null order by x.started_at desc limit 1)
              from unnest(?::varchar[]) as r (rule)
            """;

    private final JdbcTemplate store;
    private final String[] jobs;
    private final String[] rules;

    public StoreFigures(JdbcTemplate store, List<String> jobs, List<String> retentionRules) {
        this.store = store;
        this.jobs = jobs.toArray(String[]::new);
        this.rules = retentionRules.toArray(String[]::new);
    }

    /** The figures now; "overdue" is a due date before {@code today}, "due soon" one from today to {@code dueSoonUntil}. */
    public Figures read(LocalDate today, LocalDate dueSoonUntil) {
        Map<String, Requests> requests = new HashMap<>();
        Map<String, Backlog> outbox = new HashMap<>();
        Map<String, Long> deadLetters = new HashMap<>();
        Map<String, Long> tasks = new HashMap<>();
        Map<String, Instant> timers = new HashMap<>();
        Map<String, Instant> retention = new HashMap<>();
        store.query(SQL, rs -> {
            String a = rs.getString("a");
            String b = rs.getString("b");
            long n = rs.getLong("n");
            Timestamp at = rs.getTimestamp("at");
            Instant when = at == null ? null : at.toInstant();
            switch (rs.getString("part")) {
                case "request" -> requests.put(a + "|" + b, new Requests(n, rs.getLong("overdue"), rs.getLong("soon")));
                case "outbox" -> outbox.put(a, new Backlog(n, when));
                case "dead_letter" -> deadLetters.put(a, n);
                case "task" -> tasks.put(a + "|" + b, n);
                case "timer" -> {
                    if (when != null) {
                        timers.put(a, when);
                    }
                }
                case "retention" -> {
                    if (when != null) {
                        retention.put(a, when);
                    }
                }
                default -> throw new IllegalStateException("unknown part " + rs.getString("part"));
            }
        }, Date.valueOf(today), Date.valueOf(today), Date.valueOf(dueSoonUntil), OPEN_STATUSES, jobs, rules);
        return new Figures(requests, outbox, deadLetters, tasks, timers, retention);
    }
}
