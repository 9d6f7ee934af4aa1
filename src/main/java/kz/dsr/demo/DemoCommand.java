package kz.dsr.demo;

import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import kz.dsr.app.Pipeline;
import kz.dsr.processors.ProcessorsLoader;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;
import org.springframework.jdbc.core.JdbcTemplate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code demo}: the pipeline end to end on embedded PostgreSQL and an embedded mail server. Sample mails
 * go into the support inbox, the real routes handle them, and a table shows what became of each.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the pipeline on embedded PostgreSQL and an embedded mail server with sample mails.")
public final class DemoCommand implements Callable<Integer> {

    @Option(names = "--config", defaultValue = "config/application.properties",
            description = "Configuration file (default: ${DEFAULT-VALUE}); mailbox and database keys are replaced by the embedded servers.")
    Path config;

    @Option(names = "--keep-running", description = "Keep the pipeline and the embedded servers up after the demo (Ctrl+C stops).")
    boolean keepRunning;

    @Option(names = "--timeout-seconds", defaultValue = "120", description = "Give up waiting after this long (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    private final PrintStream out = System.out;

    @Override
    public Integer call() throws Exception {
        Path work = Files.createTempDirectory("dsr-demo-");
        out.println("Starting embedded PostgreSQL and mail server (files under " + work + ") ...");
        try (EmbeddedServices servers = EmbeddedServices.start(work);
                LocalProcessor processors = LocalProcessor.start()) {
            String storeUrl = servers.newDatabase("dsr_demo");
            Map<String, String> settings = new HashMap<>(servers.pipelineSettings(storeUrl));
            settings.put("dsr.mail.poll-delay-ms", "500");
            settings.put("dsr.outbox.poll-ms", "300");
            settings.put("dsr.flow.poll-ms", "300");
            tellTheLocalProcessor(settings, processors, work);
            String consolePassword = consoleOperator(settings, work);
            JdbcTemplate store = servers.storeJdbc(storeUrl);

            List<byte[]> samples = samples();
            samples.forEach(servers::deliverToSupport);
            out.println("Delivered " + samples.size() + " sample mails to " + EmbeddedServices.SUPPORT_ADDRESS
                    + "; starting the pipeline ...");

            Main main = Pipeline.create(config, settings);
            main.start();
            try {
                Duration timeout = Duration.ofSeconds(timeoutSeconds);
                int expected = samples.size();
                waitFor("the samples to be recorded and answered", timeout, () ->
                        count(store, "select count(*) from inbound_message") >= expected && allSent(store));

                // Mail that only makes sense once our replies exist: a reply in one thread, an
                // out-of-office answer to another.
                List<MimeMessage> replies = ourReplies(servers);
                servers.deliverToSupport(threadReply(replies.get(0)));
                servers.deliverToSupport(outOfOffice(replies.get(1)));
                waitFor("the follow-up mails to be recorded", timeout, () ->
                        count(store, "select count(*) from inbound_message") >= expected + 2 && allSent(store));

                DemoExecution execution = new DemoExecution(out, servers);
                execution.inService(store, timeout);
                waitFor("every reply to be sent", timeout, () -> allSent(store));
                printReport(store, ourReplies(servers).size());
                whereToLook(main.getCamelContext(), storeUrl, servers.imapPort()).forEach(out::println);
                out.println("  console   http://127.0.0.1:" + settings.get("camel.server.port") + "/console  (sign in as "
                        + DEMO_OPERATOR + " / " + consolePassword + ": an admin made for this run only)");
                execution.inji(work, settings.get("dsr.datamap.hash-secret"));
                if (keepRunning) {
                    out.println("\n--keep-running: pipeline and servers stay up; Ctrl+C stops them.");
                    Thread.currentThread().join();
                }
            } finally {
                main.stop();
            }
        }
        return 0;
    }

    static final String DEMO_OPERATOR = "demo";

    /**
     * The console's one account for this run, an admin with a password made up now (printed with the other
     * places to look), in an accounts file of the run's own.
     */
    private static String consoleOperator(Map<String, String> settings, Path work) {
        byte[] random = new byte[12];
        new java.security.SecureRandom().nextBytes(random);
        String password = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        Path file = work.resolve("operators.yaml");
        new kz.dsr.console.Operators(file).put(new kz.dsr.console.Operators.Account(DEMO_OPERATOR,
                kz.dsr.console.Role.ADMIN, "en", kz.dsr.console.Operators.hash(password, 10)));
        settings.put("dsr.console.operators-file", file.toString());
        return password;
    }

    /**
     * inService's processors (config/processors.yaml: paybox over OpenDSR, appmetrica's own API) played
     * by one local receiver: every call goes there (a copy of the file pointing at it), and it confirms paybox's
     * requests by a callback to our /opendsr/callback, signed with a certificate for paybox's domain that a
     * CA made for this run issued; the pipeline trusts that CA alone (dsr.processors.trust-store). The
     * secrets are made up for this run.
     */
    private void tellTheLocalProcessor(Map<String, String> settings, LocalProcessor processors, Path work)
            throws IOException {
        DemoCa ca = DemoCa.create("dsr-pipeline demo CA");
        processors.signingAs(ca.issue("opendsr.paybox.example", "EC")).callingBack();
        settings.put("dsr.processors.trust-store", ca.writeTrustStore(work.resolve("demo-ca.pem")).toString());
        for (String name : List.of("DSR_PROCESSOR_PAYBOX_TOKEN", "DSR_PROCESSOR_APPMETRICA_SECRET")) {
            if (ProcessorsLoader.fromEnvironment(name) == null) {
                System.setProperty(name, "demo-only-" + java.util.UUID.randomUUID() + java.util.UUID.randomUUID());
            }
        }
        String callback = "http://127.0.0.1:" + settings.get("camel.server.port") + "/opendsr/callback";
        settings.put("dsr.processors.file", LocalProcessor.pointedAt(Path.of("config/processors.yaml"),
                processors.openDsrBase(), work).toString());
        settings.put("dsr.processors.callback-url", callback);
    }

    private void printReport(JdbcTemplate store, int replies) {
        out.println();
        out.println("Requests");
        String rowFormat = "%-16s %-24s %-28s %-18s %-5s %-12s %-10s%n";
        out.printf(rowFormat, "REFERENCE", "SENDER", "SUBJECT", "TYPE", "LANG", "STATUS", "DUE");
        store.query("select r.reference, r.requester_email, coalesce(nullif(m.subject, ''), '(no subject)'), r.type, "
                + "r.language, r.status, r.due_date from request r "
                + "join inbound_message m on m.request_id = r.id and m.disposition = 'NEW_REQUEST' order by r.id", rs -> {
                    out.printf(rowFormat, rs.getString(1), cut(rs.getString(2), 24), cut(rs.getString(3), 28),
                            rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7));
                });
        out.println();
        out.println("Other mail (recorded, not a new request, never answered automatically)");
        String otherFormat = "%-30s %-40s %-13s %-17s%n";
        out.printf(otherFormat, "SENDER", "SUBJECT", "BECAME", "OF REQUEST");
        store.query("select m.sender, m.subject, coalesce(m.noise_kind, m.disposition), r.reference "
                + "from inbound_message m left join request r on r.id = m.request_id "
                + "where m.disposition <> 'NEW_REQUEST' order by m.id", rs -> {
                    out.printf(otherFormat, cut(rs.getString(1), 30), cut(rs.getString(2), 40), rs.getString(3),
                            rs.getString(4) == null ? "-" : rs.getString(4));
                });
        out.println();
        out.println(replies + " mails sent over SMTP (acknowledgements, codes, replies); "
                + count(store, "select count(*) from request_event") + " events in the timeline; "
                + count(store, "select count(*) from dead_letter") + " dead letters.");
    }

    /**
     * Where to look at the running pipeline: the store, the mailbox, and the management server's health
     * checks and metrics at the address it listens on (what a probe, Prometheus or an operator's curl asks).
     */
    static List<String> whereToLook(CamelContext context, String storeUrl, int imapPort) {
        String host = context.resolvePropertyPlaceholders("{{camel.management.host}}").strip();
        // A server on every interface answers on loopback too; 0.0.0.0 is no address to open.
        String reachable = host.isEmpty() || host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host;
        String management = "http://" + reachable + ":" + context.resolvePropertyPlaceholders("{{camel.management.port}}")
                + context.resolvePropertyPlaceholders("{{camel.management.path:/observe}}");
        return List.of("",
                "Where to look (while --keep-running):",
                "  store     " + storeUrl + "  (user postgres, schema dsr: request, request_event, inbound_message, outbox)",
                "  mailbox   imap://127.0.0.1:" + imapPort + "  user " + EmbeddedServices.SUPPORT_LOGIN + " / "
                        + EmbeddedServices.SUPPORT_PASSWORD + "  (folders INBOX, Processed, Support, Failed)",
                "  health    " + management + "/health/live  (the process runs)  " + management
                        + "/health/ready  (it can do its work; each check with its message)",
                "  metrics   " + management + "/metrics  (Prometheus: dsr_* and Camel's route figures)",
                "  routes    routes/*.yaml      config  config/application.properties, config/templates/");
    }

    private static List<byte[]> samples() throws IOException {
        List<byte[]> mails = new ArrayList<>();
        for (String name : resource("index.txt").lines().map(String::strip).filter(s -> !s.isEmpty()).toList()) {
            mails.add(resource(name).getBytes(StandardCharsets.ISO_8859_1));
        }
        return mails;
    }

    /** A sample as bytes (read as ISO-8859-1 so 8-bit bodies survive unchanged). */
    private static String resource(String name) throws IOException {
        try (InputStream in = DemoCommand.class.getResourceAsStream("/demo/mail/" + name)) {
            if (in == null) {
                throw new IOException("demo sample " + name + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    /** The mails the pipeline sent (GreenMail also lists the inbox): they carry our reference header. */
    private static List<MimeMessage> ourReplies(EmbeddedServices servers) throws Exception {
        List<MimeMessage> ours = new ArrayList<>();
        for (MimeMessage m : servers.mail().getReceivedMessages()) {
            if (m.getHeader("X-DSR-Reference") != null) {
                ours.add(m);
            }
        }
        return ours;
    }

    private static byte[] threadReply(MimeMessage ours) throws Exception {
        String to = ours.getAllRecipients()[0].toString();
        return ("From: " + to + "\r\nTo: support@dsr.test\r\nSubject: Re: " + ours.getSubject() + "\r\n"
                + "Message-ID: <demo-thread-reply@example.kz>\r\nIn-Reply-To: " + ours.getMessageID() + "\r\n"
                + "References: " + ours.getMessageID() + "\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n\r\nThank you, I am waiting for the code.\r\n\r\n"
                + "> earlier text that is quoted\r\n").getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] outOfOffice(MimeMessage ours) throws Exception {
        String to = ours.getAllRecipients()[0].toString();
        return ("From: " + to + "\r\nTo: support@dsr.test\r\nSubject: Automatic reply: " + ours.getSubject() + "\r\n"
                + "Message-ID: <demo-out-of-office@example.kz>\r\nAuto-Submitted: auto-replied\r\n"
                + "In-Reply-To: " + ours.getMessageID() + "\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n\r\nI am out of the office until Monday.\r\n")
                .getBytes(StandardCharsets.UTF_8);
    }



    private static boolean allSent(JdbcTemplate store) {
        return count(store, "select count(*) from outbox where status <> 'SENT'") == 0;
    }

    private static int count(JdbcTemplate store, String sql) {
        try {
            Integer n = store.queryForObject(sql, Integer.class);
            return n == null ? 0 : n;
        } catch (org.springframework.jdbc.BadSqlGrammarException e) {
            return 0; // tables not created yet: the pipeline is still starting
        }
    }

    private void waitFor(String what, Duration timeout, BooleanSupplier done) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new IllegalStateException("Gave up after " + timeout.toSeconds() + " s waiting for " + what
                        + ". The log above says why; --timeout-seconds waits longer.");
            }
            Thread.sleep(200);
        }
    }

    private static String cut(String s, int n) {
        if (s == null) {
            return "-";
        }
        return s.length() <= n ? s : s.substring(0, n - 1) + "…";
    }
}
