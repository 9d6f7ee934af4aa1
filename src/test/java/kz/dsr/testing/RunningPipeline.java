package kz.dsr.testing;

import com.icegreen.greenmail.util.GreenMail;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import kz.dsr.demo.EmbeddedServices;
import kz.dsr.app.Pipeline;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.main.Main;
import org.apache.camel.support.ScheduledPollConsumer;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The real pipeline (config/application.properties, routes/*.yaml) started against the embedded
 * servers with a fresh store database, plus what tests need to feed it and look at the outcome.
 */
public final class RunningPipeline implements AutoCloseable {

    private static final Duration POLL = Duration.ofMillis(50);

    private final EmbeddedServices servers = TestServers.get();
    private final Map<String, String> settings;
    private final JdbcTemplate store;
    private Main main;

    private RunningPipeline(Map<String, String> extra) {
        try {
            servers.mail().purgeEmailFromAllMailboxes();
        } catch (com.icegreen.greenmail.store.FolderException e) {
            throw new IllegalStateException(e);
        }
        String url = servers.newDatabase("dsr_test");
        settings = new HashMap<>(servers.pipelineSettings(url));
        settings.put("dsr.mail.poll-delay-ms", "200");
        settings.put("dsr.outbox.poll-ms", "200");
        settings.put("dsr.outbox.backoff-initial-seconds", "1");
        settings.put("dsr.outbox.backoff-max-seconds", "2");
        // The lifecycle (matching, codes, execution) moves requests on only in the tests about it, which
        // set dsr.flow.poll-ms; intake tests count the mails intake alone sends.
        settings.put("dsr.flow.poll-ms", "3600000");
        // The node takes the intake lock (and would take it over) within 200 ms, not seconds.
        settings.put("dsr.intake.leader-check-ms", "200");
        // A name of its own, not the machine's (which would change what a test sees from host to host).
        settings.put("dsr.node.name", "test-node");
        settings.putAll(extra);
        store = servers.storeJdbc(url);
        // Tables exist before the pipeline starts, so a test can count (or alter them) at any time.
        kz.dsr.store.StoreDatabase.migrate(store.getDataSource());
    }

    /**
     * A second node of the same installation beside {@code first}: the same store database and support
     * mailbox, its own HTTP and management ports, started. {@code extra} wins over the first's settings
     * (its node name, say). The mailbox is not emptied: the first node's mail is this node's mail too.
     */
    public static RunningPipeline startBeside(RunningPipeline first, Map<String, String> extra) {
        RunningPipeline p = new RunningPipeline(first, extra);
        p.startCamel();
        return p;
    }

    private RunningPipeline(RunningPipeline first, Map<String, String> extra) {
        settings = new HashMap<>(first.settings);
        settings.put("camel.server.port", String.valueOf(freePort()));
        settings.put("camel.management.port", String.valueOf(freePort()));
        // Quartz keeps one scheduler per name in a JVM: two nodes in one test JVM would share one. The
        // node beside runs its timers as a scheduler of its own (the timers are not what it is for).
        settings.put("dsr.timers.scheduler-name", first.settings.getOrDefault("dsr.timers.scheduler-name",
                "dsr-pipeline") + "-beside");
        settings.putAll(extra);
        store = first.store;
    }

    private static int freePort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public static RunningPipeline start() {
        return start(Map.of());
    }

    public static RunningPipeline start(Map<String, String> extra) {
        RunningPipeline p = new RunningPipeline(extra);
        p.startCamel();
        return p;
    }

    /** A pipeline on a fresh database that is not started yet (to change the schema first, say). */
    public static RunningPipeline prepare(Map<String, String> extra) {
        return new RunningPipeline(extra);
    }

    private final Map<String, Object> beans = new HashMap<>();

    /** A bean the pipeline uses instead of its own (a clock the test moves); before {@link #startCamel}. */
    public void bind(String name, Object bean) {
        beans.put(name, bean);
    }

    public void startCamel() {
        main = Pipeline.create(Path.of("config/application.properties"), settings);
        beans.forEach(main::bind);
        try {
            main.start();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public void stopCamel() {
        main.stop();
    }

    /**
     * The same pipeline (same database, same mailbox) in a separate JVM, so a test can kill it like a
     * crash (SIGKILL: no shutdown hook, no graceful stop). Its log goes to {@code log}.
     */
    public Process startInChildJvm(Path log) {
        return startInChildJvm(log, Map.of());
    }

    /**
     * As {@link #startInChildJvm(Path)}, with these environment variables set in the child, the way an
     * operator gives the pipeline its secrets (DSR_STORE_PASSWORD, ...). A setting given here must not
     * also be in {@link #settings()}: a -D would win over it.
     */
    public Process startInChildJvm(Path log, Map<String, String> environment) {
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path")));
        settings.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.addAll(List.of("kz.dsr.DsrPipeline", "run"));
        try {
            ProcessBuilder child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            child.environment().putAll(environment);
            return child.start();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public Map<String, String> settings() {
        return settings;
    }

    /** Port of the pipeline's HTTP server (POST /opendsr/callback), free and its own. */
    public int httpPort() {
        return Integer.parseInt(settings.get("camel.server.port"));
    }

    /** Port of the pipeline's management server (GET /observe/health/live, /ready), free and its own. */
    public int managementPort() {
        return Integer.parseInt(settings.get("camel.management.port"));
    }

    /** GET of a path on the management server, as a probe or an operator's curl would ask it. */
    public Health health(String path) {
        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + managementPort() + path)).timeout(Duration.ofSeconds(10)).GET().build();
        try {
            java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient().send(request,
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            return new Health(response.statusCode(), response.body());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** An answer of the health endpoint: the HTTP status and the JSON body, read by check name. */
    public record Health(int status, String body) {

        public com.fasterxml.jackson.databind.JsonNode json() {
            try {
                return new com.fasterxml.jackson.databind.ObjectMapper().readTree(body);
            } catch (java.io.IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }

        /** The named check of the answer, or null when the answer does not list it. */
        public com.fasterxml.jackson.databind.JsonNode check(String name) {
            for (com.fasterxml.jackson.databind.JsonNode c : json().path("checks")) {
                if (name.equals(c.path("name").asText())) {
                    return c;
                }
            }
            return null;
        }

        /** The state of the named check (UP, DOWN, UNKNOWN), or "absent". */
        public String state(String name) {
            com.fasterxml.jackson.databind.JsonNode c = check(name);
            return c == null ? "absent" : c.path("status").asText();
        }

        /** The message of the named check, or "" when it has none. */
        public String message(String name) {
            com.fasterxml.jackson.databind.JsonNode c = check(name);
            return c == null ? "" : c.path("message").asText();
        }
    }

    /** One scrape of the pipeline's /observe/metrics, as Prometheus takes it. */
    public Scrape scrapeMetrics() {
        return Scrape.of("http://127.0.0.1:" + managementPort() + "/observe/metrics");
    }

    public CamelContext context() {
        return main.getCamelContext();
    }

    public JdbcTemplate store() {
        return store;
    }

    public GreenMail mail() {
        return servers.mail();
    }

    /** Puts raw MIME bytes into the support inbox, as a mail server would after delivery. */
    public void deliver(byte[] raw) {
        servers.deliverToSupport(raw);
    }

    /** Message count of a folder of the support mailbox, deleted-flagged ones not counted (0 when absent). */
    public int folderCount(String folder) {
        return onSupportMailbox(imap -> {
            Folder f = imap.getFolder(folder);
            if (!f.exists()) {
                return 0;
            }
            f.open(Folder.READ_ONLY);
            int n = 0;
            for (Message m : f.getMessages()) {
                if (present(m)) {
                    n++;
                }
            }
            f.close(false);
            return n;
        });
    }

    /** Whether a folder of the support mailbox holds the mail with this Message-ID (without brackets). */
    public boolean folderHolds(String folder, String messageId) {
        return onSupportMailbox(imap -> {
            Folder f = imap.getFolder(folder);
            if (!f.exists()) {
                return false;
            }
            f.open(Folder.READ_ONLY);
            try {
                for (Message m : f.getMessages()) {
                    String id = ((MimeMessage) m).getMessageID();
                    if (!m.isSet(jakarta.mail.Flags.Flag.DELETED) && ("<" + messageId + ">").equals(id)) {
                        return true;
                    }
                }
                return false;
            } finally {
                f.close(false);
            }
        });
    }

    /** For each Message-ID, the folders of the support mailbox holding a copy (deleted-flagged ones not counted). */
    public Map<String, List<String>> foldersOfEachMail() {
        return onSupportMailbox(imap -> {
            Map<String, List<String>> out = new HashMap<>();
            for (Folder f : imap.getDefaultFolder().list("*")) {
                if ((f.getType() & Folder.HOLDS_MESSAGES) == 0) {
                    continue;
                }
                f.open(Folder.READ_ONLY);
                for (Message m : f.getMessages()) {
                    String id;
                    try {
                        id = present(m) ? ((MimeMessage) m).getMessageID() : null;
                    } catch (jakarta.mail.MessageRemovedException e) {
                        id = null;
                    }
                    if (id != null) {
                        out.computeIfAbsent(id.substring(1, id.length() - 1), k -> new java.util.ArrayList<>())
                                .add(f.getFullName());
                    }
                }
                f.close(false);
            }
            return out;
        });
    }

    /** Not flagged deleted, and not expunged by the pipeline while the test looks (as a mail client sees it). */
    /**
     * Whether the mail is in the folder, not flagged deleted. A mail the pipeline moved away while this
     * session was counting is gone: Jakarta Mail says so when the server told it, GreenMail instead
     * refuses the fetch of its flags ("No such message").
     */
    private static boolean present(Message m) throws MessagingException {
        try {
            return !m.isSet(jakarta.mail.Flags.Flag.DELETED);
        } catch (jakarta.mail.MessageRemovedException e) {
            return false;
        } catch (MessagingException e) {
            if (String.valueOf(e.getMessage()).contains("No such message")) {
                return false;
            }
            throw e;
        }
    }

    public boolean folderExists(String folder) {
        return onSupportMailbox(imap -> imap.getFolder(folder).exists());
    }

    private interface MailboxQuery<T> {
        T ask(Store imap) throws MessagingException;
    }

    /** Asks the support mailbox something over a fresh IMAP connection, as a mail client would. */
    private <T> T onSupportMailbox(MailboxQuery<T> query) {
        try {
            Store imap = Session.getInstance(new Properties()).getStore("imap");
            imap.connect("127.0.0.1", servers.imapPort(), EmbeddedServices.SUPPORT_LOGIN,
                    EmbeddedServices.SUPPORT_PASSWORD);
            try {
                return query.ask(imap);
            } finally {
                imap.close();
            }
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Mails received by an address on the embedded server (our replies). */
    public List<MimeMessage> received(String address) {
        return List.of(servers.mail().getReceivedMessagesForDomain(address));
    }

    /** Our mails to an address about a request (its reference in the subject), in the order received. */
    public List<MimeMessage> mailsAbout(String address, String reference) {
        List<MimeMessage> out = new java.util.ArrayList<>();
        for (MimeMessage m : received(address)) {
            try {
                if (m.getSubject() != null && m.getSubject().contains(reference)) {
                    out.add(m);
                }
            } catch (MessagingException e) {
                throw new IllegalStateException(e);
            }
        }
        return out;
    }

    /** The newest of our mails to an address about a request; fails when there is none. */
    public MimeMessage lastMailAbout(String address, String reference) {
        List<MimeMessage> all = mailsAbout(address, reference);
        if (all.isEmpty()) {
            throw new AssertionError("no mail to " + address + " about " + reference);
        }
        return all.get(all.size() - 1);
    }

    /** A reply to one of our mails as a mail client writes it: In-Reply-To and References name it. */
    public static TestMail replyTo(MimeMessage ours, String from, String body) {
        try {
            String id = ours.getMessageID();
            return TestMail.mail().from(from).subject("Re: " + ours.getSubject()).body(body)
                    .header("In-Reply-To", id).header("References", id);
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Sends {@code body} from {@code from} as a reply to our newest mail to that address about the request. */
    public void replyToLast(String from, String reference, String body) {
        deliver(replyTo(lastMailAbout(from, reference), from, body).bytes());
    }

    public int count(String sql, Object... args) {
        Integer n = store.queryForObject(sql, Integer.class, args);
        return n == null ? 0 : n;
    }

    /** Delivers the mail and waits until it opened (or joined) a request; returns the request's id. */
    public long requestOf(TestMail m, Duration timeout) {
        deliver(m.bytes());
        await("request for " + m.messageId(), timeout, () -> count("select count(*) from inbound_message where"
                + " message_key = ? and request_id is not null", m.messageId()) == 1);
        return store.queryForObject("select request_id from inbound_message where message_key = ?", Long.class,
                m.messageId());
    }

    public String status(long requestId) {
        return store.queryForObject("select status from request where id = ?", String.class, requestId);
    }

    public String reference(long requestId) {
        return store.queryForObject("select reference from request where id = ?", String.class, requestId);
    }

    /** Waits for the request's status; on time-out the failure shows its timeline. */
    public void awaitStatus(long requestId, String want, Duration timeout) {
        try {
            await("request " + requestId + " to be " + want, timeout, () -> want.equals(status(requestId)));
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; timeline: " + store.queryForList("select kind || ' ' ||"
                    + " details from request_event where request_id = ? order by id", String.class, requestId), e);
        }
    }

    /**
     * Waits until the condition holds, polling it every 50 ms on this thread; fails the test with the
     * description after the timeout (an AssertionError, so a test can add what it knows to the message).
     */
    public static void await(String what, Duration timeout, BooleanSupplier condition) {
        try {
            Awaitility.await(what).atMost(timeout).pollDelay(Duration.ZERO).pollInterval(POLL).pollInSameThread()
                    .until(condition::getAsBoolean);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("Timed out after " + timeout.toSeconds() + " s waiting for: " + what, e);
        }
    }

    /**
     * Waits until the route has finished {@code runs} more exchanges, counted from now: for a timer
     * route, that many more runs, so whatever was due before this call has had its chance to happen.
     * The parts a split makes of a run are not counted as runs.
     */
    public void awaitRouteRuns(String routeId, int runs, Duration timeout) {
        NotifyBuilder done = new NotifyBuilder(context()).fromRoute(routeId)
                .filter(e -> e.getProperty(org.apache.camel.Exchange.SPLIT_INDEX) == null).whenDone(runs).create();
        try {
            if (!done.matches(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("Timed out after " + timeout.toSeconds() + " s waiting for " + runs
                        + " more runs of route " + routeId);
            }
        } finally {
            done.destroy();
        }
    }

    /**
     * Waits until the polling consumer of the route (the mailbox) has completed {@code polls} more polls,
     * counted from now, mail or no mail: what a test waits for before saying "it did not come back".
     */
    public void awaitPolls(String routeId, int polls, Duration timeout) {
        ScheduledPollConsumer consumer = (ScheduledPollConsumer) context().getRoute(routeId).getConsumer();
        // The counter goes up when a poll starts: one more than asked for means the last one asked for ended.
        long until = consumer.getCounter() + polls + 1;
        await(polls + " more polls of route " + routeId, timeout, () -> consumer.getCounter() >= until);
    }

    @Override
    public void close() {
        if (main != null) {
            main.stop();
        }
    }
}
