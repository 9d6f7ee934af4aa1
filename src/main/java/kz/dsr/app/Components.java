package kz.dsr.app;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import kz.dsr.classify.Classifier;
import kz.dsr.cluster.AdvisoryLock;
import kz.dsr.cluster.Leadership;
import kz.dsr.datamap.DataMap;
import kz.dsr.datamap.DataMapLoader;
import kz.dsr.datamap.SchemaCheck;
import kz.dsr.execute.AppDatabase;
import kz.dsr.execute.DataActions;
import kz.dsr.execute.KeyedHash;
import kz.dsr.execute.RequestExecution;
import kz.dsr.health.CircuitsCheck;
import kz.dsr.health.DataMapCheck;
import kz.dsr.health.DatabaseCheck;
import kz.dsr.health.HealthChecks;
import kz.dsr.health.IntakeLeaderCheck;
import kz.dsr.health.MailboxCheck;
import kz.dsr.health.SmtpCheck;
import kz.dsr.intake.LeaderOnlyPolls;
import kz.dsr.intake.MailIntake;
import kz.dsr.intake.MailLimits;
import kz.dsr.intake.MailParser;
import kz.dsr.intake.MailboxAdapter;
import kz.dsr.intake.MailboxErrors;
import kz.dsr.intake.MailboxLeaderPolicy;
import kz.dsr.intake.NoiseDetector;
import kz.dsr.intake.StoreOutage;
import kz.dsr.intake.ThreadReplies;
import kz.dsr.metrics.ClosedRequests;
import kz.dsr.metrics.DsrMetrics;
import kz.dsr.metrics.EventCounters;
import kz.dsr.metrics.RetentionCounters;
import kz.dsr.metrics.StoreFigures;
import kz.dsr.notify.MailComposer;
import kz.dsr.notify.Replies;
import kz.dsr.notify.SmsGateway;
import kz.dsr.notify.SmtpSender;
import kz.dsr.notify.Templates;
import kz.dsr.processors.CallbackReplays;
import kz.dsr.processors.CertificateAlerts;
import kz.dsr.processors.CertificateCheck;
import kz.dsr.processors.CircuitBreakers;
import kz.dsr.processors.Notices;
import kz.dsr.processors.ProcessorCallbacks;
import kz.dsr.processors.ProcessorCertificates;
import kz.dsr.processors.ProcessorClient;
import kz.dsr.processors.ProcessorDelivery;
import kz.dsr.processors.ProcessorPolls;
import kz.dsr.processors.ProcessorTasks;
import kz.dsr.processors.Processors;
import kz.dsr.processors.ProcessorsLoader;
import kz.dsr.request.Deadlines;
import kz.dsr.request.Lifecycle;
import kz.dsr.request.RequestType;
import kz.dsr.store.DeadLetters;
import kz.dsr.store.EventLog;
import kz.dsr.store.InboundStore;
import kz.dsr.store.Outbox;
import kz.dsr.store.RequestStore;
import kz.dsr.store.SentMarks;
import kz.dsr.store.StoreDatabase;
import kz.dsr.store.SubjectBlocks;
import kz.dsr.subject.AddressProof;
import kz.dsr.subject.Matching;
import kz.dsr.subject.RequestFlow;
import kz.dsr.subject.SubjectFinder;
import kz.dsr.subject.Verification;
import kz.dsr.timers.DeadlineWatch;
import kz.dsr.timers.Retention;
import kz.dsr.timers.RetentionJob;
import kz.dsr.timers.RetentionRuns;
import kz.dsr.timers.StorePurge;
import kz.dsr.timers.TimerRuns;
import kz.dsr.timers.WorkingCalendar;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The one place the pipeline's parts are built from the configuration: one method per part, each
 * made once, on first use, from {@link Settings}. The running pipeline ({@link PipelineConfiguration}
 * binds what the routes call), the demo and every operator command take their parts from here, so a
 * part is built one way whoever asks, and a command opens only what it uses (the {@code requests}
 * command never connects to the company's database). One {@link Clock} for all of them.
 *
 * <p>Closing releases what was opened (database pools, the SMTP connection), last opened first.
 */
public final class Components implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Components.class);

    private final Settings settings;
    private final Clock clock;
    private final Map<String, Object> made = new HashMap<>();
    private final Deque<AutoCloseable> opened = new ArrayDeque<>();
    /** Where counters and gauges go; null (operator commands, metrics turned off): nothing is counted. */
    private MeterRegistry meters;

    public Components(Settings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    /** The parts of the configuration file {@code config}, with the system clock (operator commands). */
    public static Components fromFile(Path config) {
        return new Components(Settings.fromFile(config), Clock.systemUTC());
    }

    @SuppressWarnings("unchecked")
    private synchronized <T> T once(String name, Supplier<T> make) {
        Object part = made.get(name);
        if (part == null) {
            part = make.get();
            made.put(name, part);
        }
        return (T) part;
    }

    private <T extends AutoCloseable> T opened(T resource) {
        synchronized (this) {
            opened.push(resource);
        }
        return resource;
    }

    public Settings settings() {
        return settings;
    }

    /**
     * Counts what the parts do into this registry (the one Camel serves on /observe/metrics). Given before
     * any part is made, so every part that counts is made counting.
     */
    public synchronized void recordMetricsIn(MeterRegistry registry) {
        if (!made.isEmpty()) {
            throw new IllegalStateException("the metrics registry is given before any part is made, not after "
                    + made.keySet());
        }
        meters = registry;
    }

    public Clock clock() {
        return clock;
    }

    /**
     * This node's name in logs, health and metrics: dsr.node.name, else the HOSTNAME environment variable
     * (a pod's name), else the host's name.
     */
    public String nodeName() {
        return once("nodeName", () -> settings.optional("dsr.node.name")
                .or(() -> java.util.Optional.ofNullable(System.getenv("HOSTNAME")).filter(h -> !h.isBlank()))
                .orElseGet(() -> {
                    try {
                        return java.net.InetAddress.getLocalHost().getHostName();
                    } catch (java.io.IOException e) {
                        return "unnamed";
                    }
                }));
    }

    // ---- calendar and deadlines ----------------------------------------------------------------

    public WorkingCalendar calendar() {
        return once("calendar", () -> WorkingCalendar.load(Path.of(settings.string("dsr.calendar.file"))));
    }

    public Deadlines deadlines() {
        return once("deadlines", () -> Deadlines.configured(settings, calendar()));
    }

    // ---- the store -----------------------------------------------------------------------------

    public HikariDataSource storeDataSource() {
        return once("storeDataSource", () -> opened(StoreDatabase.open(settings.string("dsr.store.url"),
                settings.string("dsr.store.username"), settings.string("dsr.store.password"),
                settings.integerAtLeast("dsr.store.pool-size", 2))));
    }

    /** Every store access goes through this template, so it joins the transaction of the route that runs it. */
    public JdbcTemplate store() {
        return once("store", () -> new JdbcTemplate(storeDataSource()));
    }

    public DataSourceTransactionManager transactions() {
        return once("transactions", () -> new DataSourceTransactionManager(storeDataSource()));
    }

    /** A store transaction of its own, outside any route's (callbacks, polls, operator decisions). */
    public TransactionTemplate transaction() {
        return once("transaction", () -> new TransactionTemplate(transactions()));
    }

    public DeadLetters deadLetters() {
        return once("deadLetters", () -> new DeadLetters(store()));
    }

    public Outbox outbox() {
        return once("outbox", () -> new Outbox(store(), deadLetters(), new Outbox.RetryPolicy(
                settings.integerAtLeast("dsr.outbox.max-attempts", 1),
                Duration.ofSeconds(settings.integerAtLeast("dsr.outbox.backoff-initial-seconds", 1)),
                Duration.ofSeconds(settings.integerAtLeast("dsr.outbox.backoff-max-seconds", 1)),
                Duration.ofSeconds(settings.integerAtLeast("dsr.outbox.lease-seconds", 1)))));
    }

    /**
     * The relay's mark of a message that left: in a transaction of its own, tried again while the store
     * is away for dsr.outbox.mark-sent-retry-seconds, which must end before the message's lease does.
     */
    public SentMarks sentMarks() {
        return once("sentMarks", () -> {
            int retry = settings.integerAtLeast("dsr.outbox.mark-sent-retry-seconds", 1);
            int lease = settings.integerAtLeast("dsr.outbox.lease-seconds", 1);
            if (retry >= lease) {
                throw new IllegalArgumentException(settings.where("dsr.outbox.mark-sent-retry-seconds")
                        + ": dsr.outbox.mark-sent-retry-seconds = " + retry + " is not below dsr.outbox.lease-seconds = "
                        + lease + ": a sent message still waiting for its mark could be taken and sent again by"
                        + " another node. Lower it, or raise the lease.");
            }
            return new SentMarks(outbox(), transactions(), processorTasks()::left, Duration.ofSeconds(retry),
                    Duration.ofSeconds(lease));
        });
    }

    /** The requests' timelines; with metrics on, what is written there is also counted (received, verified, ...). */
    public EventLog events() {
        return once("events", () -> meters == null ? new EventLog(store())
                : new EventLog(store(), new EventCounters(meters)));
    }

    public RequestStore requests() {
        return once("requests", () -> new RequestStore(store()));
    }

    public InboundStore inbound() {
        return once("inbound", () -> new InboundStore(store()));
    }

    public Lifecycle lifecycle() {
        return once("lifecycle", () -> new Lifecycle(store(), events()));
    }

    public SubjectBlocks subjectBlocks() {
        return once("subjectBlocks", () -> new SubjectBlocks(store()));
    }

    // ---- mail out ------------------------------------------------------------------------------

    public MailComposer composer() {
        return once("composer", () -> new MailComposer(new Templates(Path.of(settings.string("dsr.templates.dir"))),
                settings.string("dsr.mail.support-address"), settings.string("dsr.mail.support-name"),
                settings.string("dsr.mail.message-id-domain")));
    }

    /**
     * Who is told about requests that need a person, and in which language. There is no default address:
     * one that nobody reads loses every review, and the support address would feed the mails back into
     * intake, where mail from ourselves is recorded as noise and read by no one.
     */
    public MailIntake.Operator operator() {
        return once("operator", () -> {
            String key = "dsr.operator.address";
            String address = settings.optional(key).orElseThrow(() -> new kz.dsr.config.ConfigurationError(
                    settings.where(key) + ": " + key + " is empty: set it to the mailbox of the person who decides"
                            + " requests that need review (-D" + key + "=... or DSR_OPERATOR_ADDRESS)"));
            if (ownAddresses().contains(address.toLowerCase(Locale.ROOT))) {
                throw new kz.dsr.config.ConfigurationError(settings.where(key) + ": " + key + " = " + address
                        + " is one of our own addresses (dsr.mail.support-address, dsr.mail.own-aliases): mail to it"
                        + " would come back into intake as our own mail and never reach a person. Give another mailbox");
            }
            return new MailIntake.Operator(address, settings.string("dsr.operator.language"));
        });
    }

    /** The replies a request's lifecycle sends; the data map only loaded (texts of holds and categories). */
    public Replies replies() {
        return once("replies", () -> new Replies(composer(), outbox(), inbound(), operator(), loadedDataMap(),
                calendar().zone()));
    }

    public SmtpSender smtp() {
        return once("smtp", () -> opened(new SmtpSender(settings.string("dsr.mail.smtp.protocol"),
                settings.string("dsr.mail.smtp.host"), settings.integerAtLeast("dsr.mail.smtp.port", 1),
                settings.string("dsr.mail.smtp.username"), settings.string("dsr.mail.smtp.password"),
                settings.integerAtLeast("dsr.mail.smtp.timeout-ms", 1000))));
    }

    public SmsGateway smsGateway() {
        return once("smsGateway", () -> new SmsGateway(settings.string("dsr.sms.url"), settings.string("dsr.sms.token"),
                settings.string("dsr.sms.sender"), Duration.ofMillis(settings.integerAtLeast("dsr.sms.timeout-ms", 100))));
    }

    // ---- mail in -------------------------------------------------------------------------------

    public MailParser mailParser() {
        return once("mailParser", () -> new MailParser(MailLimits.configured(settings)));
    }

    public MailboxAdapter mailboxAdapter() {
        return once("mailboxAdapter", () -> new MailboxAdapter(deadLetters()));
    }

    /** Moves each poll's recorded mail to its folders when the poll ends (the consumer's postProcessAction). */
    public kz.dsr.intake.MailFiling mailFiling() {
        return once("mailFiling", kz.dsr.intake.MailFiling::new);
    }

    /** The mail consumer's per-mail key, without a round trip per mail (and the poll's flags in one). */
    public kz.dsr.intake.MailboxKeys mailboxKeys() {
        return once("mailboxKeys", () -> new kz.dsr.intake.MailboxKeys(settings.integerAtLeast("dsr.mail.max-per-poll", 1)));
    }

    /** The mailbox consumer's poll strategy: mail waits in the inbox while the store is out of reach. */
    public kz.dsr.intake.MailServerLost mailServerLost() {
        return once("mailServerLost", kz.dsr.intake.MailServerLost::new);
    }

    public StoreOutage storeOutage() {
        return once("storeOutage", () -> new StoreOutage(storeDataSource()));
    }

    /**
     * Which node reads the support mailbox: the one holding the store's intake lock, on a connection of its
     * own (not the pool's). Checked every dsr.intake.leader-check-ms from the moment it is made.
     */
    public Leadership intakeLeadership() {
        return once("intakeLeadership", () -> opened(new Leadership(new AdvisoryLock(settings.string("dsr.store.url"),
                settings.string("dsr.store.username"), settings.string("dsr.store.password"), nodeName(),
                AdvisoryLock.INTAKE_MAILBOX), nodeName(), "the support mailbox",
                Duration.ofMillis(settings.integerAtLeast("dsr.intake.leader-check-ms", 100)))).start());
    }

    /** The mailbox route's policy: it runs on the node that reads the mailbox and on no other. */
    public MailboxLeaderPolicy mailboxLeaderPolicy() {
        return once("mailboxLeaderPolicy", () -> new MailboxLeaderPolicy(intakeLeadership()));
    }

    /** The mailbox consumer's poll strategy: only the leading node polls; the store outage's handling within. */
    public LeaderOnlyPolls leaderOnlyPolls() {
        return once("leaderOnlyPolls", () -> new LeaderOnlyPolls(intakeLeadership(), mailFiling(), storeOutage()));
    }

    /** The mailbox consumer's own errors: a mail another node filed meanwhile is none. */
    public MailboxErrors mailboxErrors() {
        return once("mailboxErrors", MailboxErrors::new);
    }

    public Classifier classifier() {
        return once("classifier", () -> Classifier.fromFile(Path.of(settings.string("dsr.classifier.rules"))));
    }

    /** Our own addresses: mail from them is never answered. */
    public NoiseDetector noiseDetector() {
        return once("noiseDetector", () -> new NoiseDetector(ownAddresses()));
    }

    /** The support address and its aliases, lower case. */
    private Set<String> ownAddresses() {
        Set<String> own = new HashSet<>();
        own.add(settings.string("dsr.mail.support-address").toLowerCase(Locale.ROOT));
        settings.list("dsr.mail.own-aliases").forEach(a -> own.add(a.toLowerCase(Locale.ROOT)));
        return own;
    }

    public MailIntake mailIntake() {
        return once("mailIntake", () -> new MailIntake(inbound(), requests(), events(), outbox(), composer(),
                noiseDetector(), classifier(), operator(), deadlines(), store(), clock,
                settings.integerAtLeast("dsr.intake.flood.max-requests-per-hour", 1),
                Duration.ofDays(settings.integerAtLeast("dsr.store.raw-mail-retention-days", 1)),
                ThreadReplies.both(verification(), processorTasks())));
    }

    // ---- the company's database ----------------------------------------------------------------

    public HikariDataSource appDataSource() {
        return once("appDataSource", () -> opened(AppDatabase.open(settings.string("dsr.app-db.url"),
                settings.string("dsr.app-db.username"), settings.string("dsr.app-db.password"),
                settings.integerAtLeast("dsr.app-db.pool-size", 1))));
    }

    public AppDatabase appDatabase() {
        return once("appDatabase", () -> new AppDatabase(appDataSource()));
    }

    /** The data map as written, not yet checked against a database (for what only needs its texts). */
    public DataMap loadedDataMap() {
        if (made.containsKey("dataMap")) {
            return dataMap();
        }
        return once("loadedDataMap", () -> DataMapLoader.load(Path.of(settings.string("dsr.datamap.file"))));
    }

    /** The data map checked against the live schema of the company's database: a typo stops here. */
    public DataMap dataMap() {
        return once("dataMap", () -> SchemaCheck.check(DataMapLoader.load(Path.of(settings.string("dsr.datamap.file"))),
                appDataSource()));
    }

    /**
     * The keyed hash: written with the current secret; the previous one (after a rotation, see
     * docs/security.md) only still verifies the one-time codes sent before it.
     */
    public KeyedHash hash() {
        return once("hash", () -> {
            KeyedHash hash = new KeyedHash(settings.string("dsr.datamap.hash-secret"),
                    settings.optional("dsr.datamap.previous-hash-secret").orElse(null));
            if (hash.hasPrevious()) {
                LOG.warn("dsr.datamap.previous-hash-secret is set: one-time codes sent before the hash secret was"
                        + " rotated are still accepted. Remove it (and DSR_DATAMAP_PREVIOUS_HASH_SECRET) {} hours"
                        + " after the rotation, when those codes have expired.",
                        settings.integerAtLeast("dsr.verification.code-valid-hours", 1));
            }
            return hash;
        });
    }

    public DataActions dataActions() {
        return once("dataActions", () -> DataActions.of(dataMap(), appDatabase(), hash(), subjectBlocks(), clock));
    }

    // ---- matching, verification, the lifecycle -----------------------------------------------

    public SubjectFinder subjects() {
        return once("subjects", () -> new SubjectFinder(dataMap(), appDatabase()));
    }

    public AddressProof addressProof() {
        return once("addressProof", () -> new AddressProof(dataMap(), requests(), subjects()));
    }

    /** The risk tier of each request type: a typo names the key, the file and the line. */
    public Map<RequestType, Verification.Tier> tiers() {
        return once("tiers", () -> {
            Map<RequestType, Verification.Tier> tiers = new EnumMap<>(RequestType.class);
            for (RequestType type : RequestType.values()) {
                if (type != RequestType.NOT_DSR && type != RequestType.UNKNOWN) {
                    String key = "dsr.verification.tier." + type.name();
                    try {
                        tiers.put(type, Verification.Tier.valueOf(settings.string(key).toUpperCase(Locale.ROOT)));
                    } catch (IllegalArgumentException e) {
                        throw new kz.dsr.config.ConfigurationError(settings.where(key) + ": " + key + " = '"
                                + settings.string(key) + "' is not a risk tier (expected code, sender or review)");
                    }
                }
            }
            return tiers;
        });
    }

    public Verification verification() {
        return once("verification", () -> new Verification(store(), lifecycle(), events(), replies(), hash(), clock,
                Duration.ofHours(settings.integerAtLeast("dsr.verification.code-valid-hours", 1)),
                settings.integerAtLeast("dsr.verification.max-tries", 1), tiers(),
                new Verification.Limits(settings.integerAtLeast("dsr.verification.max-open-per-account", 1),
                        settings.integerAtLeast("dsr.verification.max-codes-per-account-per-day", 1)),
                addressProof()));
    }

    public Matching matching() {
        return once("matching", () -> new Matching(subjects(), dataMap().subject().identities().keySet(), requests(),
                lifecycle(), verification(), replies()));
    }

    public RequestFlow requestFlow() {
        return once("requestFlow", () -> new RequestFlow(store(), requests(), lifecycle(), matching(), verification(),
                events(), clock, Duration.ofSeconds(settings.integerAtLeast("dsr.flow.executing-lease-seconds", 10)),
                Duration.ofMinutes(settings.integerAtLeast("dsr.flow.hold-recheck-minutes", 1))));
    }

    public RequestExecution requestExecution() {
        return once("requestExecution", () -> new RequestExecution(dataActions(), requests(), events(), lifecycle(),
                replies(), subjects(), Path.of(settings.string("dsr.export.dir")), processorTasks(), dataMap(),
                verification(), addressProof()));
    }

    // ---- processors ----------------------------------------------------------------------------

    /** The processors file, checked against the data map's categories: a typo stops here. */
    public Processors processors() {
        return once("processors", () -> {
            String file = settings.string("dsr.processors.file");
            if (file.isBlank()) {
                return new Processors(List.of());
            }
            return ProcessorsLoader.load(Path.of(file), loadedDataMap().categories(), ProcessorsLoader::fromEnvironment);
        });
    }

    public ProcessorTasks processorTasks() {
        return once("processorTasks", () -> new ProcessorTasks(store(), transaction(), processors(),
                new Notices(composer(), settings.string("dsr.processors.callback-url")), outbox(), events(), lifecycle(),
                composer(), operator(), clock));
    }

    /**
     * The processor tasks as the store keeps them, for operator decisions that call no processor (closing
     * a request): the processors file and the secrets it names are not read.
     */
    public ProcessorTasks processorTasksInStore() {
        return once("processorTasksInStore", () -> new ProcessorTasks(store(), transaction(),
                new Processors(List.of()), new Notices(composer(), ""), outbox(), events(), lifecycle(), composer(),
                operator(), clock));
    }

    public CallbackReplays callbackReplays() {
        return once("callbackReplays", () -> new CallbackReplays(store(), clock,
                Duration.ofHours(settings.integerAtLeast("dsr.processors.callback-replay-hours", 1))));
    }

    public ProcessorCallbacks processorCallbacks() {
        return once("processorCallbacks", () -> new ProcessorCallbacks(processorTasks(), processorCertificates(),
                callbackReplays(), transaction(), settings.integerAtLeast("camel.server.max-body-size", 1024),
                settings.string("dsr.processors.callback-url")));
    }

    /** The OpenDSR processors' signing certificates, from their discovery, checked against the trust store. */
    public ProcessorCertificates processorCertificates() {
        return once("processorCertificates", () -> {
            String trustStore = settings.string("dsr.processors.trust-store");
            CertificateCheck check = trustStore.isBlank() ? CertificateCheck.jdkTrustStore()
                    : CertificateCheck.pemFile(Path.of(trustStore));
            return new ProcessorCertificates(processors(), check,
                    new CertificateAlerts(composer(), outbox(), operator(), clock), clock,
                    Duration.ofHours(settings.integerAtLeast("dsr.processors.discovery-hours", 1)),
                    Duration.ofSeconds(settings.integerAtLeast("dsr.processors.certificate-retry-seconds", 0)));
        });
    }

    public ProcessorClient processorClient() {
        return once("processorClient", () -> new ProcessorClient(processors(), processorTasks(), outbox(),
                processorCertificates()));
    }

    public ProcessorPolls processorPolls() {
        return once("processorPolls", () -> new ProcessorPolls(processorTasks(), transaction(), processorClient(),
                processorCertificates()));
    }

    /** One circuit breaker per processor (the relay's calls go through them; the health check reads them). */
    public CircuitBreakers circuitBreakers() {
        return once("circuitBreakers", () -> new CircuitBreakers(settings.integerAtLeast("dsr.processors.breaker.failures", 1),
                Duration.ofSeconds(settings.integerAtLeast("dsr.processors.breaker.open-seconds", 1)), clock));
    }

    /** The relay's calls to processors' APIs, each processor behind its own circuit breaker. */
    public ProcessorDelivery processorDelivery() {
        return once("processorDelivery", () -> new ProcessorDelivery(processorClient(), circuitBreakers(),
                outbox(), processorTasks()));
    }

    // ---- timers --------------------------------------------------------------------------------

    public TimerRuns timerRuns() {
        return once("timerRuns", () -> new TimerRuns(store()));
    }

    public RetentionJob retentionJob() {
        return once("retentionJob", () -> {
            int batch = settings.integerAtLeast("dsr.retention.batch-size", 100);
            RetentionRuns runs = meters == null ? new RetentionRuns(store(), clock)
                    : new RetentionRuns(store(), clock, new RetentionCounters(meters, retentionRules()));
            return new RetentionJob(new Retention(dataMap(), appDatabase(), hash(), runs, batch),
                    new StorePurge(store(), runs, Path.of(settings.string("dsr.export.dir")), batch,
                            new StorePurge.Periods(settings.integerAtLeast("dsr.retention.exports-days", 1),
                                    settings.integerAtLeast("dsr.retention.codes-days", 1),
                                    settings.integerAtLeast("dsr.retention.dead-letters-days", 1),
                                    settings.integerAtLeast("dsr.retention.outbox-days", 1))));
        });
    }

    public DeadlineWatch deadlineWatch() {
        return once("deadlineWatch", () -> new DeadlineWatch(store(), events(), outbox(), composer(), operator(), clock,
                calendar().zone(), new DeadlineWatch.Points(
                        settings.integerAtLeast("dsr.deadline.remind-percent-gone", 1) / 100.0,
                        settings.integerAtLeast("dsr.deadline.remind-days-left", 0)),
                calendar()::workingDaysBetween));
    }

    // ---- health ------------------------------------------------------------------------------

    /**
     * The readiness checks of what the pipeline works with (served on the management port): the two
     * databases, the mail servers, the data map against the live schema, the processors' circuits.
     */
    public HealthChecks healthChecks() {
        return once("healthChecks", () -> {
            Duration timeout = Duration.ofMillis(settings.integerAtLeast("dsr.health.timeout-ms", 100));
            return opened(new HealthChecks(List.of(
                    new DatabaseCheck("store", "the store database", storeDataSource(), settings.string("dsr.store.url"),
                            settings.string("dsr.store.username"), settings.string("dsr.store.password"),
                            "dsr.store.url, dsr.store.username and DSR_STORE_PASSWORD", timeout, clock),
                    new DatabaseCheck("app-db", "the application database", appDataSource(),
                            settings.string("dsr.app-db.url"), settings.string("dsr.app-db.username"),
                            settings.string("dsr.app-db.password"),
                            "dsr.app-db.url, dsr.app-db.username and DSR_APP_DB_PASSWORD", timeout, clock),
                    new MailboxCheck("intake-mailbox", settings.string("dsr.mail.imap.protocol"),
                            settings.string("dsr.mail.imap.host"), settings.integerAtLeast("dsr.mail.imap.port", 1),
                            settings.string("dsr.mail.imap.username"), settings.string("dsr.mail.folder.inbox"),
                            intakeLeadership()),
                    new IntakeLeaderCheck(intakeLeadership()),
                    new SmtpCheck(settings.string("dsr.mail.smtp.protocol"), settings.string("dsr.mail.smtp.host"),
                            settings.integerAtLeast("dsr.mail.smtp.port", 1), timeout,
                            Duration.ofSeconds(settings.integerAtLeast("dsr.health.smtp-check-seconds", 0)), clock),
                    new DataMapCheck(dataMap(), settings.string("dsr.datamap.file"), appDataSource(),
                            Duration.ofMinutes(settings.integerAtLeast("dsr.health.datamap-check-minutes", 1)), clock),
                    new CircuitsCheck(processors(), circuitBreakers()))));
        });
    }

    /** Every retention rule's name (the data map's, then the store's own) and its action: delete or anonymise. */
    public Map<String, String> retentionRules() {
        return once("retentionRules", () -> {
            Map<String, String> rules = new LinkedHashMap<>();
            loadedDataMap().retention().forEach(r -> rules.put(r.name(),
                    r.action() == kz.dsr.datamap.DataMap.TableErasure.DELETE ? "delete" : "anonymise"));
            StorePurge.RULES.forEach(r -> rules.put(r, "delete"));
            return rules;
        });
    }

    // ---- operator console ----------------------------------------------------------------------

    /** The console's accounts (config/operators.yaml), read again whenever the file changes. */
    public kz.dsr.console.Operators consoleOperators() {
        return once("consoleOperators", () -> new kz.dsr.console.Operators(
                Path.of(settings.string("dsr.console.operators-file"))));
    }

    public kz.dsr.console.Sessions consoleSessions() {
        return once("consoleSessions", () -> new kz.dsr.console.Sessions(
                Duration.ofMinutes(settings.integerAtLeast("dsr.console.idle-minutes", 1)), clock));
    }

    public kz.dsr.console.SignIns consoleSignIns() {
        return once("consoleSignIns", () -> new kz.dsr.console.SignIns(
                settings.integerAtLeast("dsr.console.lockout-failures", 1),
                Duration.ofMinutes(settings.integerAtLeast("dsr.console.lockout-minutes", 1)), clock));
    }

    /** What the console shows, read through the same store classes as the operator commands. */
    public kz.dsr.console.Desk consoleDesk() {
        return once("consoleDesk", () -> new kz.dsr.console.Desk(this));
    }

    /** The operator decisions (the `requests` commands' own code) for the console. */
    public kz.dsr.operator.Decisions decisions() {
        return once("decisions", () -> new kz.dsr.operator.Decisions(this));
    }

    public kz.dsr.console.Pages consolePages() {
        return once("consolePages", kz.dsr.console.Pages::new);
    }

    public kz.dsr.console.Report consoleReport() {
        return once("consoleReport", () -> new kz.dsr.console.Report(store(), calendar().zone()));
    }

    /** The web console under /console (routes/console.yaml). */
    public kz.dsr.console.Console console() {
        return once("console", () -> new kz.dsr.console.Console(consoleOperators(), consoleSessions(),
                consoleSignIns(), consoleDesk(), decisions(), operatorIntake(), consolePages(),
                consoleReport(), Boolean.parseBoolean(settings.string("dsr.console.secure-cookie")),
                settings.integerAtLeast("dsr.console.page-size", 1), deadLetters()));
    }

    /** Support mails made requests and dead letters retried or discarded, each in one transaction. */
    public kz.dsr.intake.OperatorIntake operatorIntake() {
        return once("operatorIntake", () -> new kz.dsr.intake.OperatorIntake(mailIntake(), mailParser(), deadLetters(),
                transaction()));
    }

    // ---- metrics -------------------------------------------------------------------------------

    /** The pipeline's gauges in the registry given to {@link #recordMetricsIn}. */
    public DsrMetrics metrics() {
        return once("metrics", () -> {
            if (meters == null) {
                throw new IllegalStateException("no metrics registry: camel.metrics.enabled is false");
            }
            kz.dsr.metrics.MailboxCheck mailbox = new kz.dsr.metrics.MailboxCheck(settings.string("dsr.mail.imap.protocol"),
                    settings.string("dsr.mail.imap.host"), settings.integerAtLeast("dsr.mail.imap.port", 1),
                    settings.string("dsr.mail.imap.username"), settings.string("dsr.mail.imap.password"),
                    settings.string("dsr.mail.folder.inbox"));
            List<String> rules = List.copyOf(retentionRules().keySet());
            return opened(new DsrMetrics(meters,
                    new DsrMetrics.Sources(new StoreFigures(store(), DsrMetrics.TIMER_JOBS, rules),
                            new ClosedRequests(store()), mailbox, circuitBreakers(), intakeLeadership()),
                    new DsrMetrics.Names(processors().all().stream().map(p -> p.name()).toList(), rules), clock,
                    calendar(), Duration.ofSeconds(settings.integerAtLeast("dsr.metrics.cache-seconds", 1)),
                    Duration.ofSeconds(settings.integerAtLeast("dsr.metrics.closed-requests-refresh-seconds", 1))));
        });
    }

    @Override
    public synchronized void close() {
        while (!opened.isEmpty()) {
            try {
                opened.pop().close();
            } catch (Exception e) {
                LOG.warn("Closing {} failed: {}", e.getClass().getSimpleName(), e.getMessage());
            }
        }
    }
}
