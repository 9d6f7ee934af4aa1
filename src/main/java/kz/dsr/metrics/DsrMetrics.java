package kz.dsr.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.ToDoubleFunction;
import kz.dsr.cluster.Leadership;
import kz.dsr.metrics.MailboxCheck.Inbox;
import kz.dsr.metrics.StoreFigures.Figures;
import kz.dsr.processors.CircuitBreakers;
import kz.dsr.request.RequestStatus;
import kz.dsr.request.RequestType;
import kz.dsr.timers.WorkingCalendar;

/**
 * The pipeline's gauges, in the registry Camel serves on /observe/metrics (names in Prometheus form;
 * docs/operations.md, Metrics). Every series is registered at start, from fixed label sets, and shows 0
 * until something is counted, so an alert or a panel never waits for a series to appear. A figure that
 * cannot be read (store or mail server down) shows NaN.
 *
 * <p>What is read when: the store's figures ({@link StoreFigures}: one statement of index lookups) at
 * most once per dsr.metrics.cache-seconds, during the scrape that finds them older; closed requests
 * ({@link ClosedRequests}: a full pass) and the mailbox ({@link MailboxCheck}: IMAP) in the background,
 * never making a scrape wait. Circuit states and whether this node reads the mailbox are this node's,
 * from memory.
 */
public final class DsrMetrics implements AutoCloseable {

    /** The clustered timers whose last run is shown (routes/*.yaml claim their slots under these names). */
    public static final List<String> TIMER_JOBS = Labels.JOBS;

    /** What the gauges are read from. */
    public record Sources(StoreFigures store, ClosedRequests closed, MailboxCheck mailbox, CircuitBreakers circuits,
            Leadership intake) {
    }

    /** Label sets that come from the configuration: processor names, retention rule names. */
    public record Names(List<String> processors, List<String> retentionRules) {
    }

    private final Clock clock;
    private final WorkingCalendar calendar;
    private final ExecutorService background;
    private final StoreFigures store;
    private final MailboxCheck mailbox;
    private final Cached<Figures> figures;
    private final InBackground<Map<String, Long>> closed;
    private final InBackground<Inbox> inbox;
    private final Set<String> processors;

    public DsrMetrics(MeterRegistry registry, Sources sources, Names names, Clock clock, WorkingCalendar calendar,
            Duration cache, Duration closedRefresh) {
        this.clock = clock;
        this.calendar = calendar;
        this.store = sources.store();
        this.mailbox = sources.mailbox();
        this.processors = new HashSet<>(names.processors());
        this.background = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "dsr-metrics");
            t.setDaemon(true);
            return t;
        });
        this.figures = new Cached<>("the store's figures", cache, this::readStore);
        this.closed = new InBackground<>("the count of closed requests", closedRefresh, background,
                sources.closed()::read);
        this.inbox = new InBackground<>("the support inbox", cache, background, sources.mailbox()::read);

        for (RequestStatus status : RequestStatus.values()) {
            for (RequestType type : RequestType.values()) {
                String key = status.name() + "|" + type.name();
                gauge(registry, "dsr.requests", "Requests by status and type (closed statuses recounted every"
                        + " dsr.metrics.closed-requests-refresh-seconds)", null,
                        status.isClosed() ? m -> closed.get().map(c -> (double) c.getOrDefault(key, 0L)).orElse(Double.NaN)
                                : m -> fromStore(f -> {
                                    StoreFigures.Requests r = f.openRequests().get(key);
                                    return r == null ? 0 : r.count();
                                }),
                        "status", status.name(), "type", type.name());
                if (!status.isClosed()) {
                    gauge(registry, "dsr.requests.overdue", "Open requests past their due date", null, m -> fromStore(f -> {
                        StoreFigures.Requests r = f.openRequests().get(key);
                        return r == null ? 0 : r.overdue();
                    }), "status", status.name(), "type", type.name());
                    gauge(registry, "dsr.requests.due.within.one.working.day",
                            "Open requests due today or on the next working day", null, m -> fromStore(f -> {
                                StoreFigures.Requests r = f.openRequests().get(key);
                                return r == null ? 0 : r.dueSoon();
                            }), "status", status.name(), "type", type.name());
                }
            }
        }
        for (String channel : Labels.CHANNELS) {
            gauge(registry, "dsr.outbox.backlog", "Outbox messages waiting to be sent (PENDING, SENDING)", null,
                    m -> fromStore(f -> {
                        StoreFigures.Backlog b = f.outbox().get(channel);
                        return b == null ? 0 : b.count();
                    }), "channel", channel);
            gauge(registry, "dsr.outbox.oldest.age", "Age of the oldest outbox message waiting to be sent (0: none)",
                    "seconds", m -> fromStore(f -> {
                        StoreFigures.Backlog b = f.outbox().get(channel);
                        return b == null || b.oldest() == null ? 0 : ageSeconds(b.oldest());
                    }), "channel", channel);
        }
        for (String source : Labels.DEAD_LETTER_SOURCES) {
            gauge(registry, "dsr.dead.letters.unresolved", "Dead letters not resolved yet, by where they come from",
                    null, m -> fromStore(f -> f.deadLetters().getOrDefault(source, 0L)), "source", source);
        }
        List<String> taskProcessors = new ArrayList<>(names.processors());
        taskProcessors.add(Labels.OTHER_PROCESSOR);
        for (String processor : taskProcessors) {
            for (String status : Labels.OPEN_TASK_STATUSES) {
                gauge(registry, "dsr.processor.tasks", "Processor tasks not completed or closed, by processor and"
                        + " status (\"other\": processors no longer in the processors file)", null,
                        m -> fromStore(f -> tasks(f, processor, status)), "processor", processor, "status", status);
            }
        }
        for (String processor : names.processors()) {
            gauge(registry, "dsr.processor.circuit.state", "Circuit of calls to the processor on this node:"
                    + " 0 closed, 1 open, 2 half-open", null,
                    m -> sources.circuits().state(processor).ordinal(), "processor", processor);
        }
        gauge(registry, "dsr.mailbox.messages", "Mails waiting in the support inbox", null,
                m -> inbox.get().map(i -> (double) i.messages()).orElse(Double.NaN));
        gauge(registry, "dsr.mailbox.oldest.age", "Time since the first mail waiting in the support inbox"
                + " arrived (0: none)", "seconds",
                m -> inbox.get().map(i -> i.oldest() == null ? 0 : ageSeconds(i.oldest())).orElse(Double.NaN));
        gauge(registry, "dsr.intake.leader", "1 while this node reads the support mailbox (it holds the store's"
                + " intake lock), else 0", null, m -> sources.intake().leads() ? 1 : 0, "node", sources.intake().node());
        for (String job : Labels.JOBS) {
            gauge(registry, "dsr.timer.last.run.timestamp", "When a node last ran the timer's slot (0: never)",
                    "seconds", m -> fromStore(f -> epochSeconds(f.timerLastRun().get(job))), "job", job);
        }
        for (String rule : names.retentionRules()) {
            gauge(registry, "dsr.retention.last.success.timestamp", "When the retention rule last ran to its end"
                    + " without error (0: never)", "seconds",
                    m -> fromStore(f -> epochSeconds(f.retentionLastSuccess().get(rule))), "rule", rule);
        }
    }

    private void gauge(MeterRegistry registry, String name, String description, String unit,
            ToDoubleFunction<DsrMetrics> value, String... tags) {
        // Held strongly: the registry would otherwise let these gauges go with the first garbage collection.
        Gauge.Builder<DsrMetrics> gauge = Gauge.builder(name, this, value).description(description).tags(tags)
                .strongReference(true);
        if (unit != null) {
            gauge.baseUnit(unit);
        }
        gauge.register(registry);
    }

    /** The store's figures as of today in the calendar's zone: "due soon" is due today or on the next working day. */
    private Figures readStore() {
        LocalDate today = LocalDate.now(clock.withZone(calendar.zone()));
        return store.read(today, calendar.plusWorkingDays(today, 1));
    }

    private double fromStore(ToDoubleFunction<Figures> value) {
        return figures.get().map(value::applyAsDouble).orElse(Double.NaN);
    }

    private double tasks(Figures f, String processor, String status) {
        long n = 0;
        for (Map.Entry<String, Long> e : f.processorTasks().entrySet()) {
            int bar = e.getKey().indexOf('|');
            String p = e.getKey().substring(0, bar);
            boolean mine = processor.equals(Labels.OTHER_PROCESSOR) ? !processors.contains(p) : processor.equals(p);
            if (mine && status.equals(e.getKey().substring(bar + 1))) {
                n += e.getValue();
            }
        }
        return n;
    }

    private double ageSeconds(Instant since) {
        return Math.max(0, Duration.between(since, clock.instant()).toMillis() / 1000.0);
    }

    private static double epochSeconds(Instant at) {
        return at == null ? 0 : at.toEpochMilli() / 1000.0;
    }

    /** The support inbox as last read in the background (never waits for IMAP); empty before the first reading. */
    public java.util.Optional<MailboxCheck.Inbox> inbox() {
        return inbox.get();
    }

    @Override
    public void close() {
        background.shutdownNow();
        mailbox.close();
    }
}
