package kz.dsr.app;

import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.HashSet;
import java.util.Locale;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import kz.dsr.classify.Classifier;
import kz.dsr.datamap.DataMap;
import kz.dsr.datamap.DataMapLoader;
import kz.dsr.datamap.SchemaCheck;
import kz.dsr.execute.AppDatabase;
import kz.dsr.execute.DataActions;
import kz.dsr.execute.KeyedHash;
import kz.dsr.execute.RequestExecution;
import kz.dsr.notify.Replies;
import kz.dsr.processors.CallbackReplays;
import kz.dsr.processors.CircuitBreakers;
import kz.dsr.processors.Notices;
import kz.dsr.processors.ProcessorCallbacks;
import kz.dsr.processors.ProcessorPolls;
import kz.dsr.processors.ProcessorClient;
import kz.dsr.processors.ProcessorDelivery;
import kz.dsr.processors.ProcessorTasks;
import kz.dsr.processors.Processors;
import kz.dsr.processors.ProcessorsLoader;
import kz.dsr.notify.SmsGateway;
import kz.dsr.request.Lifecycle;
import kz.dsr.subject.AddressProof;
import kz.dsr.subject.Matching;
import kz.dsr.subject.RequestFlow;
import kz.dsr.subject.SubjectFinder;
import kz.dsr.subject.Verification;
import kz.dsr.timers.ClusteredQuartz;
import kz.dsr.timers.DeadlineWatch;
import kz.dsr.timers.TimerRuns;
import kz.dsr.timers.Retention;
import kz.dsr.timers.RetentionJob;
import kz.dsr.timers.RetentionRuns;
import kz.dsr.timers.StorePurge;
import kz.dsr.store.SubjectBlocks;
import kz.dsr.request.RequestType;
import kz.dsr.intake.MailIntake;
import kz.dsr.intake.MailLimits;
import kz.dsr.intake.MailParser;
import kz.dsr.intake.MailboxAdapter;
import kz.dsr.intake.NoiseDetector;
import kz.dsr.notify.MailComposer;
import kz.dsr.notify.SmtpSender;
import kz.dsr.notify.Templates;
import kz.dsr.request.Deadlines;
import kz.dsr.store.DeadLetters;
import kz.dsr.store.EventLog;
import kz.dsr.store.InboundStore;
import kz.dsr.store.Outbox;
import kz.dsr.store.RequestStore;
import kz.dsr.store.StoreDatabase;
import kz.dsr.timers.WorkingCalendar;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.Registry;
import org.apache.camel.spring.spi.SpringTransactionPolicy;
import org.apache.camel.support.service.ServiceSupport;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Binds the beans the routes in {@code routes/} call, built from {@code config/application.properties}.
 * Bean names here are the names routes use.
 */
public final class PipelineConfiguration implements CamelConfiguration {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PipelineConfiguration.class);

    private final Path configFile;

    public PipelineConfiguration(Path configFile) {
        this.configFile = configFile;
    }

    @Override
    public void configure(CamelContext context) throws Exception {
        Settings settings = new Settings(context, configFile);
        // First of all: from here on no log line, error or summary shows a secret of the configuration.
        settings.maskSecrets();
        settings.refuseUnknownKeys();
        Registry registry = context.getRegistry();
        // Time is a bean: tests bind their own clock as "clock" to move requests past their deadlines.
        Clock clock = java.util.Optional.ofNullable(registry.lookupByNameAndType("clock", Clock.class))
                .orElse(Clock.systemUTC());
        // The calendar and the deadlines first: a typo in either stops the start before any connection.
        WorkingCalendar calendar = WorkingCalendar.load(Path.of(settings.string("dsr.calendar.file")));
        Deadlines deadlines = Deadlines.configured(settings, calendar);
        // The calendar's zone, for the cron triggers in routes/ ({{dsr.calendar.zone}}): one place for the zone.
        context.getPropertiesComponent().addOverrideProperty("dsr.calendar.zone", calendar.zone().getId());
        int year = java.time.LocalDate.now(calendar.zone()).getYear();
        for (int y = year; y <= year + 1; y++) {
            if (!calendar.kurbanAitYears().contains(y)) {
                LOG.warn("{}: kurban-ait has no date for {}: that year's due dates in working days do not skip"
                        + " the first day of Kurban Ait. Add it from the official announcement.",
                        settings.string("dsr.calendar.file"), y);
            }
        }

        HikariDataSource store = StoreDatabase.open(settings.string("dsr.store.url"),
                settings.string("dsr.store.username"), settings.string("dsr.store.password"),
                settings.integer("dsr.store.pool-size", 2));
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() {
                store.close();
            }
        });
        registry.bind("dsrStore", store);

        // One transaction manager over the store: `transacted: {ref: required}` in a route joins it,
        // and every JdbcTemplate below takes part in the route's transaction.
        DataSourceTransactionManager transactions = new DataSourceTransactionManager(store);
        SpringTransactionPolicy required = new SpringTransactionPolicy(transactions);
        required.setPropagationBehaviorName("PROPAGATION_REQUIRED");
        registry.bind("transactionManager", transactions);
        registry.bind("required", required);

        JdbcTemplate jdbc = new JdbcTemplate(store);
        DeadLetters deadLetters = new DeadLetters(jdbc);
        Outbox outbox = new Outbox(jdbc, deadLetters, new Outbox.RetryPolicy(
                settings.integer("dsr.outbox.max-attempts", 1),
                Duration.ofSeconds(settings.integer("dsr.outbox.backoff-initial-seconds", 1)),
                Duration.ofSeconds(settings.integer("dsr.outbox.backoff-max-seconds", 1)),
                Duration.ofSeconds(settings.integer("dsr.outbox.lease-seconds", 1))));
        MailComposer composer = new MailComposer(new Templates(Path.of(settings.string("dsr.templates.dir"))),
                settings.string("dsr.mail.support-address"), settings.string("dsr.mail.support-name"),
                settings.string("dsr.mail.message-id-domain"));

        Set<String> ownAddresses = new HashSet<>();
        ownAddresses.add(settings.string("dsr.mail.support-address").toLowerCase(Locale.ROOT));
        settings.list("dsr.mail.own-aliases").forEach(a -> ownAddresses.add(a.toLowerCase(Locale.ROOT)));

        MailParser parser = new MailParser(MailLimits.configured(settings));
        // The company's database and its data map, checked against the live schema: a typo stops the start here.
        HikariDataSource app = AppDatabase.open(settings.string("dsr.app-db.url"), settings.string("dsr.app-db.username"),
                settings.string("dsr.app-db.password"), settings.integer("dsr.app-db.pool-size", 1));
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() {
                app.close();
            }
        });
        DataMap map = SchemaCheck.check(DataMapLoader.load(Path.of(settings.string("dsr.datamap.file"))), app);
        // Written with the current secret; the previous one (a rotation, docs/security.md) only still
        // verifies the one-time codes sent before it.
        KeyedHash hash = new KeyedHash(settings.string("dsr.datamap.hash-secret"),
                settings.optional("dsr.datamap.previous-hash-secret").orElse(null));
        if (hash.hasPrevious()) {
            LOG.warn("dsr.datamap.previous-hash-secret is set: one-time codes sent before the hash secret was rotated"
                    + " are still accepted. Remove it (and DSR_DATAMAP_PREVIOUS_HASH_SECRET) {} hours after the"
                    + " rotation, when those codes have expired.", settings.integer("dsr.verification.code-valid-hours", 1));
        }
        DataActions actions = DataActions.of(map, new AppDatabase(app), hash, new SubjectBlocks(jdbc),
                Clock.systemUTC());
        registry.bind("dataActions", actions);
        ZoneId zone = calendar.zone();
        MailIntake.Operator operator = new MailIntake.Operator(settings.string("dsr.operator.address"),
                settings.string("dsr.operator.language"));
        EventLog events = new EventLog(jdbc);
        RequestStore requestStore = new RequestStore(jdbc);
        Lifecycle lifecycle = new Lifecycle(jdbc, events);
        Replies replies = new Replies(composer, outbox, new InboundStore(jdbc), operator, map, zone);
        SubjectFinder subjects = new SubjectFinder(map, new AppDatabase(app));
        Map<RequestType, Verification.Tier> tiers = new EnumMap<>(RequestType.class);
        for (RequestType type : RequestType.values()) {
            if (type != RequestType.NOT_DSR && type != RequestType.UNKNOWN) {
                tiers.put(type, tier(settings, "dsr.verification.tier." + type.name()));
            }
        }
        AddressProof proofs = new AddressProof(map, requestStore, subjects);
        Verification verification = new Verification(jdbc, lifecycle, events, replies, hash, Clock.systemUTC(),
                Duration.ofHours(settings.integer("dsr.verification.code-valid-hours", 1)),
                settings.integer("dsr.verification.max-tries", 1), tiers,
                new Verification.Limits(settings.integer("dsr.verification.max-open-per-account", 1),
                        settings.integer("dsr.verification.max-codes-per-account-per-day", 1)), proofs);
        Matching matching = new Matching(subjects, map.subject().identities().keySet(), requestStore, lifecycle,
                verification, replies);
        registry.bind("requestFlow", new RequestFlow(jdbc, requestStore, lifecycle, matching, verification, events,
                Clock.systemUTC(), Duration.ofSeconds(settings.integer("dsr.flow.executing-lease-seconds", 10)),
                Duration.ofMinutes(settings.integer("dsr.flow.hold-recheck-minutes", 1))));
        // Processors (payment, analytics): told of each carried-out request; a typo stops the start here.
        String processorsFile = settings.string("dsr.processors.file");
        Processors processors = processorsFile.isBlank() ? new Processors(java.util.List.of())
                : ProcessorsLoader.load(Path.of(processorsFile), map.categories(), ProcessorsLoader::fromEnvironment)
                        .redirectedTo(settings.string("dsr.processors.redirect-to"));
        // Callbacks and polls report in their own short transactions, outside any route's: a poll's HTTP
        // call must not hold a store connection. A report from the relay (no route transaction) gets one too.
        TransactionTemplate reportTransaction = new TransactionTemplate(transactions);
        ProcessorTasks processorTasks = new ProcessorTasks(jdbc, reportTransaction, processors,
                new Notices(composer, settings.string("dsr.processors.callback-url")), outbox, events, lifecycle,
                composer, operator, clock);
        registry.bind("processorTasks", processorTasks);
        if (!processors.all().isEmpty()) {
            LOG.info("Processors told of carried-out requests: {}", processors.all().stream()
                    .map(p -> p.name() + " (" + p.kind().name().toLowerCase(Locale.ROOT) + ")").toList());
        }
        // (Processor beans of the relay, the callback endpoint and the follow-up timer are bound below them.)
        CallbackReplays callbackReplays = new CallbackReplays(jdbc, clock,
                Duration.ofHours(settings.integer("dsr.processors.callback-replay-hours", 1)));
        registry.bind("callbackReplays", callbackReplays);
        registry.bind("processorCallbacks", new ProcessorCallbacks(processorTasks, callbackReplays,
                reportTransaction, settings.integer("camel.server.max-body-size", 1024)));
        ProcessorClient processorClient = new ProcessorClient(processors, processorTasks, outbox);
        registry.bind("processorPolls", new ProcessorPolls(processorTasks, reportTransaction,
                processorClient));
        // The relay's calls to processors' APIs, each processor behind its own circuit breaker.
        registry.bind("processorDelivery", new ProcessorDelivery(processorClient,
                new CircuitBreakers(settings.integer("dsr.processors.breaker.failures", 1),
                        Duration.ofSeconds(settings.integer("dsr.processors.breaker.open-seconds", 1)), clock),
                outbox, processorTasks));
        registry.bind("requestExecution", new RequestExecution(actions, requestStore, events, lifecycle, replies,
                subjects, Path.of(settings.string("dsr.export.dir")), processorTasks, map, verification, proofs));
        registry.bind("smsGateway", new SmsGateway(settings.string("dsr.sms.url"), settings.string("dsr.sms.token"),
                settings.string("dsr.sms.sender"), Duration.ofMillis(settings.integer("dsr.sms.timeout-ms", 100))));

        MailIntake intake = new MailIntake(new InboundStore(jdbc), new RequestStore(jdbc), new EventLog(jdbc), outbox,
                composer, new NoiseDetector(ownAddresses),
                Classifier.fromFile(Path.of(settings.string("dsr.classifier.rules"))),
                operator,
                deadlines,
                jdbc, Clock.systemUTC(), settings.integer("dsr.intake.flood.max-requests-per-hour", 1),
                Duration.ofDays(settings.integer("dsr.store.raw-mail-retention-days", 1)),
                kz.dsr.intake.ThreadReplies.both(verification, processorTasks));

        // Timers: Quartz on the store, clustered (each job fires on one node), cron from the config.
        org.apache.camel.component.quartz.QuartzComponent quartz =
                context.getComponent("quartz", org.apache.camel.component.quartz.QuartzComponent.class);
        quartz.setPrefixInstanceName(false);
        quartz.setProperties(ClusteredQuartz.properties(store, settings.string("dsr.timers.scheduler-name"),
                settings.integer("dsr.timers.threads", 1), settings.integer("dsr.timers.checkin-ms", 1000)));
        registry.bind("timerRuns", new TimerRuns(jdbc));
        int retentionBatch = settings.integer("dsr.retention.batch-size", 100);
        RetentionRuns retentionRuns = new RetentionRuns(jdbc, clock);
        registry.bind("retentionJob", new RetentionJob(
                new Retention(map, new AppDatabase(app), hash, retentionRuns, retentionBatch),
                new StorePurge(jdbc, retentionRuns, Path.of(settings.string("dsr.export.dir")), retentionBatch,
                        new StorePurge.Periods(settings.integer("dsr.retention.exports-days", 1),
                                settings.integer("dsr.retention.codes-days", 1),
                                settings.integer("dsr.retention.dead-letters-days", 1),
                                settings.integer("dsr.retention.outbox-days", 1)))));
        registry.bind("deadlineWatch", new DeadlineWatch(jdbc, events, outbox, composer, operator, clock, zone,
                new DeadlineWatch.Points(settings.integer("dsr.deadline.remind-percent-gone", 1) / 100.0,
                        settings.integer("dsr.deadline.remind-days-left", 0)), calendar::workingDaysBetween));

        registry.bind("mailParser", parser);
        registry.bind("mailboxAdapter", new MailboxAdapter(deadLetters));
        registry.bind("mailIntake", intake);
        registry.bind("mailComposer", composer);
        registry.bind("outbox", outbox);
        SmtpSender smtp = new SmtpSender(settings.string("dsr.mail.smtp.protocol"), settings.string("dsr.mail.smtp.host"),
                settings.integer("dsr.mail.smtp.port", 1), settings.string("dsr.mail.smtp.username"),
                settings.string("dsr.mail.smtp.password"), settings.integer("dsr.mail.smtp.timeout-ms", 1000));
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() {
                smtp.close();
            }
        });
        registry.bind("smtpSender", smtp);
    }

    private static Verification.Tier tier(Settings settings, String key) {
        String value = settings.string(key).toUpperCase(java.util.Locale.ROOT);
        try {
            return Verification.Tier.valueOf(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(settings.where(key) + ": " + key + " = '" + settings.string(key)
                    + "' is not a risk tier (expected code, sender or review)");
        }
    }
}
