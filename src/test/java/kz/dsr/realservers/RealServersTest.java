package kz.dsr.realservers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import kz.dsr.demo.Sample;
import kz.dsr.demo.SampleDatabase;
import kz.dsr.store.StoreDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The pipeline as an operator runs it — its own JVM, {@code run} with config/application.properties —
 * against a real Postfix + Dovecot and a PostgreSQL server that is restarted under it, reading the labelled
 * corpus (209 mails in ru, kk and en: requests, support questions, mixed MIME) delivered by Postfix.
 * The clean run is the yardstick: after a SIGKILL, a database restart, the mail servers gone for 30
 * seconds, or two nodes of which one is killed, every mail must end in the same folder as in the clean
 * run, once, with the same requests, the same acknowledgements (each sent once) and no dead letter.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RealServersTest {

    private static final Path WORK = Path.of("target", "real-servers");
    private static final Path CORPUS = Path.of("src", "test", "resources", "classify", "dev");
    private static final String SUPPORT = "support@dsr.test";
    private static final Duration DONE_WITHIN = Duration.ofSeconds(180);

    private static RestartablePostgres postgres;
    private static String appDbUrl;
    private static List<byte[]> corpus;
    /** What the clean run gave: the yardstick of the others. */
    private static Outcome clean;

    @BeforeAll
    static void servers() throws IOException {
        MailStack.ensureRunning();
        postgres = RestartablePostgres.start(WORK.resolve("pg"));
        appDbUrl = postgres.newDatabase("app");
        SampleDatabase.create(postgres.dataSource(appDbUrl), Sample.INSERVICE, 20, 1);
        corpus = new ArrayList<>();
        try (var files = Files.list(CORPUS)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".eml")).sorted().toList()) {
                corpus.add(Files.readAllBytes(p));
            }
        }
    }

    @AfterAll
    static void stopServers() {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    @Order(1)
    void aCleanRunFilesEveryMailOnceAndAnswersEveryRequestOnce() {
        Run run = new Run("clean");
        try (PipelineNode node = run.node("node-a").start()) {
            clean = run.awaitDone(List.of(node));
        }
        clean.print("clean");
        assertEquals(corpus.size(), clean.filed(), "every mail in exactly one folder: " + clean);
        assertEquals(0, clean.inFolder("Failed"), clean.toString());
        assertEquals(0, clean.deadLetters(), clean.toString());
        assertTrue(clean.inFolder("Processed") > 0 && clean.inFolder("Support") > 0, clean.toString());
        assertEquals(clean.requests(), clean.acksDistinct(), "one acknowledgement per request: " + clean);
        assertEquals(0, clean.acksRepeated(), "no acknowledgement sent twice: " + clean);
        assertEquals(0, clean.acksSubmittedAgain(), "no acknowledgement submitted twice: " + clean);
    }

    @Test
    @Order(2)
    void aNodeKilledMidRunAndStartedAgainLosesNothingAndAnswersOnce() {
        Run run = new Run("sigkill");
        PipelineNode node = run.node("node-a").start();
        run.awaitRecorded(corpus.size() / 3);
        node.kill();
        int recordedAtKill = run.count("select count(*) from inbound_message");
        assertTrue(recordedAtKill < corpus.size(), "the kill came too late to test anything (every mail recorded)");
        try (PipelineNode again = node.start()) {
            Outcome after = run.awaitDone(List.of(again));
            after.print("SIGKILL after " + recordedAtKill + " of " + corpus.size() + " mails recorded");
            assertSameAsClean(after);
            // A kill between the SMTP server's "250 OK" and the commit of "sent" is the one moment no
            // program can close: that one acknowledgement goes again, with the same Message-ID.
            assertTrue(after.acksSubmittedAgain() <= 1 && after.acksRepeated() <= 1,
                    "at most the one in flight sent again: " + after);
        }
    }

    @Test
    @Order(3)
    void aDatabaseRestartMidRunLeavesMailInTheInboxAndSendsNothingTwice() {
        Run run = new Run("pgrestart");
        try (PipelineNode node = run.node("node-a").start()) {
            run.awaitRecorded(corpus.size() / 3);
            postgres.stop();
            PipelineNode.sleep(5000);
            postgres.restart();
            Outcome after = run.awaitDone(List.of(node));
            after.print("PostgreSQL restarted (down 5 s)");
            assertSameAsClean(after);
            assertEquals(0, after.acksSubmittedAgain(), "no acknowledgement submitted twice: " + after);
            assertEquals(0, after.acksRepeated(), "no acknowledgement sent twice: " + after);
            assertTrue(node.isAlive(), "the node outlived the database restart");
        }
    }

    @Test
    @Order(4)
    void theMailServersGoneFor30SecondsDelayButLoseNothing() {
        Run run = new Run("mailstack");
        try (PipelineNode node = run.node("node-a").start()) {
            run.awaitRecorded(corpus.size() / 3);
            MailStack.stop();
            try {
                PipelineNode.sleep(30_000);
            } finally {
                MailStack.start();
            }
            Outcome after = run.awaitDone(List.of(node));
            after.print("Postfix and Dovecot stopped for 30 s");
            assertSameAsClean(after);
            // Submitted once each, but for the one whose "250 OK" the stop cut off: Postfix had kept it, the
            // pipeline never heard so and sends it again, with the same Message-ID. Postfix itself delivers
            // again what the stop interrupted on its way to Dovecot: those copies are the mail servers'.
            assertTrue(after.acksSubmittedAgain() <= 1, "at most the one in flight at the stop submitted again: " + after);
            assertTrue(after.acksRepeated() <= after.acksSubmittedAgain() + after.acksRedeliveredByPostfix(),
                    "every copy is one submitted again or delivered again by Postfix: " + after);
            assertTrue(node.isAlive(), "the node outlived the mail servers' absence");
        }
    }

    @Test
    @Order(5)
    void twoNodesOfWhichOneIsKilledFileEachMailOnceAndRunEachTimerSlotOnce() {
        // Two thirds now, the rest once one node is dead: the survivor has mail of its own to read.
        Run run = new Run("twonodes", corpus.size() * 2 / 3);
        Map<String, String> timers = Map.of(
                "dsr.timers.deadline-watch.cron", "0/2 * * * * ?",
                "dsr.timers.checkin-ms", "1000");
        PipelineNode a = run.node("node-a", timers).start();
        try (PipelineNode b = run.node("node-b", timers).start()) {
            run.awaitRecorded(corpus.size() / 3);
            // Each node's metrics and health say which node it is and whether it reads the mailbox.
            PipelineNode killed = readsTheMailbox(a) ? a : b;
            PipelineNode survivor = killed == a ? b : a;
            assertTrue(readsTheMailbox(killed) && !readsTheMailbox(survivor), "exactly one node reads the mailbox");
            assertTrue(survivor.get("/observe/health/ready?data=true").body().contains(killed.name()),
                    "the standing-by node's health names the reading node");
            java.time.Instant killedAt = java.time.Instant.now();
            killed.kill();
            run.deliverRest();
            await("the survivor takes the mailbox over", Duration.ofSeconds(30), () -> readsTheMailbox(survivor));
            Outcome after = run.awaitDone(List.of(survivor));
            after.print("two nodes, " + killed.name() + " (reading the mailbox) SIGKILLed");
            assertEquals(200, survivor.get("/observe/health/ready").status(), "the survivor is ready");
            assertSameAsClean(after);
            assertTrue(after.acksSubmittedAgain() <= 1 && after.acksRepeated() <= 1,
                    "at most the one in flight at the kill sent again: " + after);

            // The timers go on on the survivor; each 2-second slot ran on one node, none twice, few lost.
            await("the survivor runs the timers", Duration.ofSeconds(60), () -> run.count("select count(*) from timer_run"
                    + " where job = 'deadline-watch' and scheduled_for > now() - interval '4 seconds'") > 0);
            PipelineNode.sleep(6000);
            List<Map<String, Object>> slots = run.store.queryForList("select scheduled_for, node from timer_run"
                    + " where job = 'deadline-watch' and scheduled_for is not null order by scheduled_for");
            long distinct = slots.stream().map(r -> r.get("scheduled_for")).distinct().count();
            assertEquals(slots.size(), distinct, "a slot ran twice: " + slots);
            java.time.Instant first = ((java.sql.Timestamp) slots.get(0).get("scheduled_for")).toInstant();
            java.time.Instant last = ((java.sql.Timestamp) slots.get(slots.size() - 1).get("scheduled_for")).toInstant();
            long periods = Duration.between(first, last).toSeconds() / 2 + 1;
            System.out.printf("real servers, two nodes: %d deadline-watch slots of 2 s from %s to %s ran (%d periods),"
                    + " by nodes %s; node killed at %s%n", slots.size(), first, last, periods,
                    slots.stream().map(r -> r.get("node")).distinct().toList(), killedAt);
            // A slot that fell due while the killed node held it is recovered or skipped once its check-in lapses.
            assertTrue(periods - slots.size() <= 5, "slots lost: " + (periods - slots.size()) + " of " + periods);
            assertTrue(survivor.isAlive());
        } finally {
            a.kill();
        }
    }

    /** The node's own gauge: {@code dsr_intake_leader{node="its name"} 1}. */
    private static boolean readsTheMailbox(PipelineNode node) {
        String metrics = node.get("/observe/metrics").body();
        return metrics.lines().anyMatch(l -> l.startsWith("dsr_intake_leader{") && l.contains("node=\"" + node.name() + "\"")
                && l.strip().endsWith(" 1.0"));
    }

    private static void assertSameAsClean(Outcome after) {
        assertTrue(clean != null, "the clean run (the yardstick) did not run first");
        assertEquals(corpus.size(), after.filed(), "every mail in exactly one folder: " + after);
        assertEquals(clean.folderOf(), after.folderOf(), "each mail in the folder the clean run chose");
        assertEquals(clean.requests(), after.requests(), "requests");
        assertEquals(clean.acksDistinct(), after.acksDistinct(), "distinct acknowledgements");
        assertEquals(clean.operatorNotes(), after.operatorNotes(), "notes to the operator");
        assertEquals(0, after.deadLetters(), "dead letters: " + after);
        assertEquals(0, after.inFolder("Failed"), "Failed folder: " + after);
    }

    /** One scenario: a fresh store database, an empty support mailbox, the corpus delivered by Postfix. */
    private static final class Run {

        private static final String TO_OPERATOR = "select count(*) from outbox where status = 'SENT' and"
                + " (event_key like 'review:%' or event_key like 'deadline-%' or event_key like 'digest:%')";

        private final String scenario;
        private final String tag;
        private final String storeUrl;
        private final JdbcTemplate store;

        Run(String scenario) {
            this(scenario, corpus.size());
        }

        private int delivered;

        /** Delivers the first {@code deliverNow} mails of the corpus; {@link #deliverRest} the others. */
        Run(String scenario, int deliverNow) {
            // Unique across runs too: sink@ keeps the acknowledgements of earlier runs.
            this.scenario = scenario;
            this.tag = scenario + Long.toString(System.currentTimeMillis(), 36);
            MailStack.mailbox(SUPPORT).clear();
            MailStack.mailbox("ops@dsr.test").clear();
            storeUrl = postgres.newDatabase("store_" + scenario);
            store = postgres.store(storeUrl);
            StoreDatabase.migrate(postgres.dataSource(storeUrl));
            deliver(deliverNow);
            await("Postfix delivered " + deliverNow + " mails to Dovecot", Duration.ofSeconds(60),
                    () -> MailStack.mailbox(SUPPORT).count("INBOX") == deliverNow);
        }

        private void deliver(int upTo) {
            List<byte[]> mails = new ArrayList<>();
            for (int i = delivered; i < upTo; i++) {
                mails.add(withMessageId(corpus.get(i), id(i)));
            }
            MailStack.send(SUPPORT, mails);
            delivered = upTo;
        }

        void deliverRest() {
            deliver(corpus.size());
        }

        String id(int i) {
            return tag + "-" + i + "@corpus.dsr.test";
        }

        PipelineNode node(String name) {
            return node(name, Map.of());
        }

        PipelineNode node(String name, Map<String, String> extra) {
            Map<String, String> s = new LinkedHashMap<>(MailStack.pipelineSettings(SUPPORT));
            s.put("dsr.mail.own-aliases", "noreply@dsr.test");
            s.put("dsr.mail.message-id-domain", "dsr.test");
            s.put("dsr.operator.address", "ops@dsr.test");
            s.put("dsr.mail.poll-delay-ms", "1000");
            s.put("dsr.store.url", storeUrl);
            s.put("dsr.store.username", "postgres");
            s.put("dsr.store.password", "postgres");
            s.put("dsr.app-db.url", appDbUrl);
            s.put("dsr.app-db.username", "postgres");
            s.put("dsr.app-db.password", "postgres");
            s.put("dsr.datamap.hash-secret", "real-servers-test-only-0123456789abcdef0123456789");
            s.put("dsr.export.dir", WORK.resolve("exports").toString());
            s.put("dsr.processors.file", "");
            // Retries spaced for a test: seconds, not the half-hours of production; as many as cover a minute.
            s.put("dsr.outbox.backoff-initial-seconds", "1");
            s.put("dsr.outbox.backoff-max-seconds", "4");
            s.put("dsr.outbox.max-attempts", "30");
            s.put("dsr.outbox.lease-seconds", "15");
            s.put("dsr.outbox.mark-sent-retry-seconds", "10");
            // Intake only: the lifecycle (codes, execution) would add mails of its own to the counts.
            s.put("dsr.flow.poll-ms", "3600000");
            s.put("dsr.node.name", scenario + "-" + name);
            s.putAll(extra);
            return new PipelineNode(scenario + "-" + name, s, WORK.resolve("logs"));
        }

        void awaitRecorded(int atLeast) {
            await(atLeast + " mails recorded", Duration.ofSeconds(120), () -> count("select count(*) from inbound_message") >= atLeast);
        }

        /** Waits until the inbox is empty and every queued message has ended; then reads the outcome. */
        Outcome awaitDone(List<PipelineNode> nodes) {
            long[] flushed = {System.nanoTime()};
            try {
                await("inbox drained and outbox sent", DONE_WITHIN, () -> flushEvery5s(flushed)
                        && MailStack.mailbox(SUPPORT).count("INBOX") == 0
                        && count("select count(*) from outbox where status in ('PENDING', 'SENDING', 'HELD')") == 0
                        && acks().size() >= count("select count(*) from outbox where event_key like 'ack:%' and status = 'SENT'")
                        && toOperatorDelivered().stream().distinct().count() >= count(TO_OPERATOR));
            } catch (AssertionError e) {
                StringBuilder why = new StringBuilder(e.getMessage()).append("; inbox ")
                        .append(MailStack.mailbox(SUPPORT).count("INBOX")).append(", outbox by status ")
                        .append(store.queryForList("select status, count(*) from outbox group by status"))
                        .append(", acknowledgements in sink@ ").append(acks().size());
                for (PipelineNode n : nodes) {
                    why.append("\n--- ").append(n.name()).append(":\n").append(n.tail());
                }
                throw new AssertionError(why.toString(), e);
            }
            return outcome();
        }

        private static boolean flushEvery5s(long[] last) {
            if (System.nanoTime() - last[0] > 5_000_000_000L) {
                MailStack.flushQueue();
                last[0] = System.nanoTime();
            }
            return true;
        }

        int count(String sql) {
            try {
                Integer n = store.queryForObject(sql, Integer.class);
                return n == null ? 0 : n;
            } catch (org.springframework.dao.DataAccessException e) {
                return -1; // the database is restarting: not yet
            }
        }

        /** The Message-IDs of the mails in the operator's inbox, one entry per mail (copies repeat). */
        List<String> toOperatorDelivered() {
            return MailStack.mailbox("ops@dsr.test").headerValues("INBOX", "Message-ID").stream()
                    .map(id -> id.replaceAll("[<>]", "")).toList();
        }

        /** The acknowledgements of this run in sink@'s inbox: In-Reply-To → Message-IDs sent. */
        Map<String, List<String>> acks() {
            MailStack.Mailbox sink = MailStack.mailbox("sink@dsr.test");
            List<String> inReplyTo = sink.headerValues("INBOX", "In-Reply-To");
            List<String> ids = sink.headerValues("INBOX", "Message-ID");
            Map<String, List<String>> out = new HashMap<>();
            for (int i = 0; i < inReplyTo.size(); i++) {
                String irt = inReplyTo.get(i).replaceAll("[<>]", "");
                if (irt.startsWith(tag + "-") && irt.endsWith("@corpus.dsr.test")) {
                    out.computeIfAbsent(irt, k -> new ArrayList<>()).add(ids.get(i));
                }
            }
            return out;
        }

        Outcome outcome() {
            Map<String, String> folderOf = new TreeMap<>();
            Map<String, Integer> perFolder = new TreeMap<>();
            int filed = 0;
            int copies = 0;
            for (var e : MailStack.mailbox(SUPPORT).messageIdsByFolder().entrySet()) {
                perFolder.put(e.getKey(), e.getValue().size());
                for (String id : e.getValue()) {
                    String key = id.replaceAll("[<>]", "").replace(tag + "-", "");
                    if (folderOf.put(key, e.getKey()) != null) {
                        copies++;
                    } else {
                        filed++;
                    }
                }
            }
            Map<String, List<String>> acks = acks();
            int distinct = acks.values().stream().mapToInt(l -> (int) l.stream().distinct().count()).sum();
            int total = acks.values().stream().mapToInt(List::size).sum();
            List<String> ackIds = acks.values().stream().flatMap(List::stream).map(id -> id.replaceAll("[<>]", ""))
                    .distinct().toList();
            MailStack.PostfixLog postfix = MailStack.postfixLog(ackIds);
            // Notes to the operator that intake wrote (the timers' reminders come on top in some scenarios),
            // and whether the operator's mailbox holds every mail sent to the operator, once.
            int reviewNotes = count("select count(*) from outbox where event_key like 'review:%' and status = 'SENT'");
            int toOperator = count(TO_OPERATOR);
            List<String> delivered = toOperatorDelivered();
            List<String> distinctIds = delivered.stream().distinct().toList();
            assertEquals(toOperator, distinctIds.size(), "every mail to the operator arrived: " + delivered);
            // A copy with the same Message-ID is the mail servers' (a "250 OK" a stop cut off, or Postfix
            // delivering again what a stop interrupted); a second mail with an ID of its own would be ours.
            MailStack.PostfixLog opsPostfix = MailStack.postfixLog(distinctIds);
            assertTrue(delivered.size() - distinctIds.size() <= opsPostfix.submittedAgain() + opsPostfix.handedOnAgain(),
                    "every copy in the operator's mailbox is one submitted again or delivered again by Postfix: "
                            + delivered + ", " + opsPostfix);
            return new Outcome(folderOf, perFolder, copies == 0 ? filed : -copies, count("select count(*) from request"),
                    distinct, total - distinct, postfix.submittedAgain(), postfix.handedOnAgain(), reviewNotes,
                    count("select count(*) from dead_letter"));
        }
    }

    /**
     * What a run left: each corpus mail's folder (by its index), mails per folder, mails filed once
     * (negative: the number of extra copies found), requests, acknowledgements (distinct Message-IDs and
     * repeats), operator notes, dead letters.
     */
    record Outcome(Map<String, String> folderOf, Map<String, Integer> perFolder, int filed, int requests,
            int acksDistinct, int acksRepeated, int acksSubmittedAgain, int acksRedeliveredByPostfix, int operatorNotes,
            int deadLetters) {

        int inFolder(String folder) {
            return perFolder.getOrDefault(folder, 0);
        }

        void print(String scenario) {
            System.out.printf("real servers, %-45s folders %s, requests %d, acknowledgements %d (+%d copies; +%d"
                            + " submitted again; +%d handed on again by Postfix), operator notes %d, dead letters %d%n",
                    scenario + ":", perFolder, requests, acksDistinct, acksRepeated, acksSubmittedAgain,
                    acksRedeliveredByPostfix, operatorNotes, deadLetters);
        }

        @Override
        public String toString() {
            return "folders " + perFolder + ", filed " + filed + ", requests " + requests + ", acks " + acksDistinct
                    + " (+" + acksRepeated + " copies, +" + acksSubmittedAgain + " submitted again, +"
                    + acksRedeliveredByPostfix + " handed on again by Postfix), notes " + operatorNotes
                    + ", dead letters " + deadLetters;
        }
    }

    private static final Pattern MESSAGE_ID = Pattern.compile("(?im)^Message-ID:[^\\r\\n]*\\r?\\n");

    /** The raw mail with its Message-ID header replaced (or added): every run's mails are its own. */
    static byte[] withMessageId(byte[] raw, String id) {
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n") >= 0 ? text.indexOf("\r\n\r\n") : text.indexOf("\n\n");
        String head = text.substring(0, end);
        String rest = text.substring(end);
        String nl = head.contains("\r\n") ? "\r\n" : "\n";
        Matcher m = MESSAGE_ID.matcher(head + nl);
        String newHead = m.find() ? m.replaceFirst(Matcher.quoteReplacement("Message-ID: <" + id + ">" + nl)).stripTrailing()
                : head + nl + "Message-ID: <" + id + ">";
        return (newHead + rest).getBytes(StandardCharsets.ISO_8859_1);
    }

    static void await(String what, Duration within, BooleanSupplier done) {
        long until = System.nanoTime() + within.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > until) {
                throw new AssertionError("not within " + within.toSeconds() + " s: " + what);
            }
            PipelineNode.sleep(500);
        }
    }
}
