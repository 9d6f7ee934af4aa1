package kz.dsr.app;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Locale;
import kz.dsr.timers.ClusteredQuartz;
import kz.dsr.timers.WorkingCalendar;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.apache.camel.component.quartz.QuartzComponent;
import org.apache.camel.spi.Registry;
import org.apache.camel.spring.spi.SpringTransactionPolicy;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds the beans the routes in {@code routes/} call, by the names the routes use, each taken from the
 * one {@link Components} built from {@code config/application.properties}. What is checked at start
 * (calendar, deadlines, the data map against the live schema, processors, templates) is built here
 * first, so a mistake in any of them stops the start with its file and line before a route runs.
 */
public final class PipelineConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(PipelineConfiguration.class);

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
        // Camel's HTTP servers only log a port they cannot bind and start without it: callbacks and health
        // probes would go unanswered while the pipeline runs on.
        refuseBusyPort(settings, "camel.server", "DSR_HTTP_PORT");
        refuseBusyPort(settings, "camel.management", "DSR_MANAGEMENT_PORT");
        Registry registry = context.getRegistry();
        // Time is a bean: tests bind their own clock as "clock" to move requests past their deadlines.
        Clock clock = java.util.Optional.ofNullable(registry.lookupByNameAndType("clock", Clock.class))
                .orElse(Clock.systemUTC());
        Components parts = new Components(settings, clock);
        // Metrics before any part is made: the parts that count (intake, verification, retention) are made counting.
        boolean metrics = Boolean.parseBoolean(settings.optional("camel.metrics.enabled").orElse("false"));
        if (metrics) {
            parts.recordMetricsIn(meterRegistry(registry));
        }
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() {
                parts.close();
            }
        });
        registry.bind("components", parts);

        // The calendar and the deadlines first: a typo in either stops the start before any connection.
        WorkingCalendar calendar = parts.calendar();
        parts.deadlines();
        // Whoever decides the requests that need a person: without one the start stops here, not at the first review.
        parts.operator();
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

        registry.bind("dsrStore", parts.storeDataSource());
        // One transaction manager over the store: `transacted: {ref: required}` in a route joins it, and
        // every part's store access takes part in the route's transaction.
        SpringTransactionPolicy required = new SpringTransactionPolicy(parts.transactions());
        required.setPropagationBehaviorName("PROPAGATION_REQUIRED");
        registry.bind("transactionManager", parts.transactions());
        registry.bind("required", required);

        // The company's database and its data map, checked against the live schema: a typo stops the start here.
        parts.dataMap();
        parts.hash();
        if (!parts.processors().all().isEmpty()) {
            LOG.info("Processors told of carried-out requests: {}", parts.processors().all().stream()
                    .map(p -> p.name() + " (" + p.kind().name().toLowerCase(Locale.ROOT) + ")").toList());
        }

        // Mail in: read by the node that holds the store's intake lock, and by no other.
        registry.bind("mailboxLeader", parts.mailboxLeaderPolicy());
        registry.bind("leaderOnlyPolls", parts.leaderOnlyPolls());
        registry.bind("mailboxErrors", parts.mailboxErrors());
        registry.bind("mailboxAdapter", parts.mailboxAdapter());
        registry.bind("mailFiling", parts.mailFiling());
        registry.bind("mailboxKeys", parts.mailboxKeys());
        registry.bind("storeOutage", parts.storeOutage());
        registry.bind("mailServerLost", parts.mailServerLost());
        registry.bind("mailParser", parts.mailParser());
        registry.bind("mailIntake", parts.mailIntake());
        // Requests moving on, and carried out.
        registry.bind("requestFlow", parts.requestFlow());
        registry.bind("dataActions", parts.dataActions());
        registry.bind("requestExecution", parts.requestExecution());
        // Mail, SMS and processor calls out.
        registry.bind("mailComposer", parts.composer());
        registry.bind("outbox", parts.outbox());
        registry.bind("sentMarks", parts.sentMarks());
        registry.bind("smtpSender", parts.smtp());
        registry.bind("smsGateway", parts.smsGateway());
        registry.bind("processorTasks", parts.processorTasks());
        registry.bind("processorDelivery", parts.processorDelivery());
        registry.bind("callbackReplays", parts.callbackReplays());
        registry.bind("processorCallbacks", parts.processorCallbacks());
        registry.bind("processorPolls", parts.processorPolls());
        registry.bind("processorCertificates", parts.processorCertificates());
        registry.bind("openApiDocument", new kz.dsr.processors.OpenApiDocument());
        // Timers: Quartz on the store, clustered (each job fires on one node), cron from the config.
        QuartzComponent quartz = context.getComponent("quartz", QuartzComponent.class);
        quartz.setPrefixInstanceName(false);
        quartz.setProperties(ClusteredQuartz.properties(parts.storeDataSource(),
                settings.string("dsr.timers.scheduler-name"), settings.integerAtLeast("dsr.timers.threads", 1),
                settings.integerAtLeast("dsr.timers.checkin-ms", 1000)));
        registry.bind("timerRuns", parts.timerRuns());
        registry.bind("retentionJob", parts.retentionJob());
        registry.bind("deadlineWatch", parts.deadlineWatch());
        // The operator console (routes/console.yaml), on the HTTP server of the callbacks.
        registry.bind("consoleHeaders", new kz.dsr.console.ConsoleHeaders());
        if (Boolean.parseBoolean(settings.string("dsr.console.enabled"))) {
            registry.bind("console", parts.console());
            if (parts.consoleOperators().all().isEmpty()) {
                LOG.warn("The console has no operator yet ({} is missing or empty): add one with `dsr-pipeline operators"
                        + " add NAME --role admin`.", parts.consoleOperators().file());
            }
        }
        // Readiness checks of what the pipeline works with, beside Camel's own (management port, /observe/health).
        parts.healthChecks().bindTo(context);
        if (metrics) {
            parts.metrics();
        }
    }

    /** Stops the start when the server {@code prefix}.host:port (if enabled) cannot listen: another program has it. */
    private static void refuseBusyPort(Settings settings, String prefix, String portVariable) {
        if (!Boolean.parseBoolean(settings.optional(prefix + ".enabled").orElse("false"))) {
            return;
        }
        String host = settings.optional(prefix + ".host").orElse("0.0.0.0");
        int port = settings.integerAtLeast(prefix + ".port", 0);
        if (port == 0) {
            return;
        }
        try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new java.net.InetSocketAddress(host, port));
        } catch (java.io.IOException e) {
            throw new kz.dsr.config.ConfigurationError(settings.where(prefix + ".port") + ": " + prefix + ".port "
                    + port + " on " + host + " cannot be listened on (" + e.getMessage() + "): another program has"
                    + " it. Stop that program, or give another port (" + portVariable + ").", e);
        }
    }

    /**
     * The registry Camel's metrics service serves on /observe/metrics: the one it made already, or one
     * made here under the name it looks for, so that it serves this one (ours and Camel's in one scrape).
     */
    private static MeterRegistry meterRegistry(Registry registry) {
        MeterRegistry found = registry.lookupByNameAndType(MicrometerConstants.METRICS_REGISTRY_NAME, MeterRegistry.class);
        if (found != null) {
            return found;
        }
        PrometheusMeterRegistry made = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.bind(MicrometerConstants.METRICS_REGISTRY_NAME, made);
        return made;
    }
}
