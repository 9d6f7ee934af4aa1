package kz.dsr.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.search.HeaderTerm;
import jakarta.mail.search.RecipientStringTerm;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import kz.dsr.demo.EmbeddedServices;
import kz.dsr.testing.ChildJvm;
import kz.dsr.testing.TestServers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The run that docs/operations.md ("Running against a real mailbox and database") tells a new user to
 * type, typed: its second code block is run with bash as written, against the real Postfix and Dovecot
 * of src/test/mailstack/mailstack.sh (IMAPS with the stack's self-signed certificate) and PostgreSQL
 * databases of the embedded server. Only what the block marks as the reader's own is replaced: its
 * "Yours" lines (the mailbox cli@dsr.test, which this test alone uses, and the two databases), and the
 * jar (`mvn test` has no jar yet: `-jar target/dsr-pipeline.jar` becomes the same main class on the
 * classes Maven compiled; `mvn package` is left out). The ports of the callback and health servers
 * come from the environment ({@code DSR_HTTP_PORT}, {@code DSR_MANAGEMENT_PORT}), not the block.
 *
 * <p>Then it does what the doc says to check: a request mailed to the mailbox is moved to its
 * Processed folder and acknowledged to the sender (the stack delivers every other address to sink@).
 */
class DocumentedRunTest {

    private static final Path DOC = Path.of("docs/operations.md");
    private static final String SECTION = "## Running against a real mailbox and database";
    private static final String MAILBOX = "cli@dsr.test";
    private static final String SINK = "sink@dsr.test";
    private static final String STACK_PASSWORD = "secret";
    private static final String HOST = "127.0.0.1";
    private static final int SMTP = 10025;
    private static final int IMAP = 10143;
    private static final String JAR = "-jar target/dsr-pipeline.jar";

    @TempDir
    Path dir;

    private Process run;

    @AfterEach
    void killTheRun() {
        if (run != null) {
            run.descendants().forEach(ProcessHandle::destroyForcibly);
            run.destroyForcibly();
        }
    }

    /** The code blocks of the section, in order. */
    static List<String> blocks() throws IOException {
        String doc = Files.readString(DOC, StandardCharsets.UTF_8);
        int start = doc.indexOf(SECTION);
        assertTrue(start >= 0, DOC + " has no section '" + SECTION + "'");
        int end = doc.indexOf("\n## ", start + SECTION.length());
        String section = doc.substring(start, end < 0 ? doc.length() : end);
        List<String> blocks = new ArrayList<>();
        Matcher m = Pattern.compile("(?s)```sh\n(.*?)```").matcher(section);
        while (m.find()) {
            blocks.add(m.group(1));
        }
        return blocks;
    }

    /**
     * The block as this test runs it: the "Yours" assignments given these values, the build line left out,
     * the jar replaced by the compiled classes; every other line exactly as the doc has it.
     */
    static String asRun(String block, Map<String, String> yours) {
        List<String> lines = new ArrayList<>(block.lines().toList());
        assertEquals("mvn -q package -DskipTests", lines.get(0), "the block starts with the build");
        lines.remove(0);
        Map<String, String> left = new LinkedHashMap<>(yours);
        Pattern assignment = Pattern.compile("^(export )?([A-Z_]+)=(\\S*)$");
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = assignment.matcher(lines.get(i));
            if (m.matches() && left.containsKey(m.group(2))) {
                lines.set(i, (m.group(1) == null ? "" : m.group(1)) + m.group(2) + "='" + left.remove(m.group(2)) + "'");
            }
        }
        assertTrue(left.isEmpty(), "the block assigns each of these on a line of its own: " + left.keySet());
        String script = String.join("\n", lines) + "\n";
        int jars = script.split(Pattern.quote(JAR), -1).length - 1;
        assertEquals(2, jars, "the block runs the jar twice (samples create, run)");
        return script.replace(JAR, "-cp \"$DSR_TEST_CLASSPATH\" kz.dsr.DsrPipeline");
    }

    @Test
    void theDocumentedCommandsRunThePipelineThatAnswersARequest() throws Exception {
        assertStackRuns();
        List<String> blocks = blocks();
        assertEquals(2, blocks.size(), "a block before the first run, then the run");
        EmbeddedServices servers = TestServers.get();
        Map<String, String> yours = new LinkedHashMap<>();
        yours.put("MAILBOX", MAILBOX);
        yours.put("DB_USER", "postgres");
        yours.put("STORE_URL", withoutUser(servers.newDatabase("documented_store")));
        yours.put("APP_URL", withoutUser(servers.newDatabase("documented_app")));
        yours.put("DSR_STORE_PASSWORD", "store-password-of-the-test");
        yours.put("DSR_APP_DB_PASSWORD", "app-password-of-the-test");
        String script = asRun(blocks.get(1), yours);
        Files.writeString(dir.resolve("documented-run.sh"), script);

        emptyInbox();
        String sender = "newcomer-" + System.nanoTime() + "@dsr.test";
        String messageId = "<documented-run-" + System.nanoTime() + "@dsr.test>";
        send(sender, messageId);

        Path log = dir.resolve("run.log");
        ProcessBuilder bash = new ProcessBuilder("bash", "-e", dir.resolve("documented-run.sh").toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = bash.environment();
        env.put("DSR_TEST_CLASSPATH", System.getProperty("java.class.path"));
        // This JVM's java and keytool first on the path: the block calls them by name.
        env.put("PATH", Path.of(ChildJvm.java()).getParent() + java.io.File.pathSeparator + env.get("PATH"));
        env.put("DSR_HTTP_PORT", String.valueOf(freePort()));
        env.put("DSR_MANAGEMENT_PORT", String.valueOf(freePort()));
        env.put("DSR_EXPORT_DIR", dir.resolve("exports").toString());
        run = bash.start();

        Duration patience = Duration.ofMinutes(4);
        String ack = awaitMail(log, patience, () -> acknowledgementTo(sender));
        assertTrue(ack.contains("We have received your request and registered it as DSR-"), ack);
        awaitMail(log, patience, () -> inProcessed(messageId));
        String output = Files.readString(log);
        assertTrue(output.contains("Created the inservice sample in " + yours.get("APP_URL")), output);
    }

    private static String withoutUser(String url) {
        return url.substring(0, url.indexOf('?'));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void assertStackRuns() {
        for (int port : new int[] {SMTP, IMAP, 10993}) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(HOST, port), 2000);
            } catch (IOException e) {
                throw new AssertionError("The mail stack is not running on " + HOST + ":" + port
                        + ": start it with `bash src/test/mailstack/mailstack.sh start` (as .ci/run does)", e);
            }
        }
    }

    private interface Look {
        String find() throws Exception;
    }

    /** Polls until {@code look} finds something; fails at once, with the run's output, if the run ended. */
    private String awaitMail(Path log, Duration patience, Look look) throws Exception {
        String[] found = new String[1];
        try {
            org.awaitility.Awaitility.await().atMost(patience).pollInterval(Duration.ofMillis(500))
                    .failFast("the documented commands ended before the mail was answered", () -> !run.isAlive())
                    .until(() -> (found[0] = look.find()) != null);
        } catch (org.awaitility.core.ConditionTimeoutException | org.awaitility.core.TerminalFailureException e) {
            throw new AssertionError(e.getMessage() + "; the run printed:\n" + Files.readString(log), e);
        }
        return found[0];
    }

    /** The text of a mail: its body, or its first part's. */
    private static String text(jakarta.mail.Part part) throws Exception {
        Object content = part.getContent();
        if (content instanceof jakarta.mail.Multipart multipart) {
            return text(multipart.getBodyPart(0));
        }
        return String.valueOf(content);
    }

    private static Store store(String user) throws MessagingException {
        Properties p = new Properties();
        p.put("mail.imap.connectiontimeout", "5000");
        p.put("mail.imap.timeout", "10000");
        Store store = Session.getInstance(p).getStore("imap");
        store.connect(HOST, IMAP, user, STACK_PASSWORD);
        return store;
    }

    /** Leftovers of an earlier run would be read first: the mailbox is this test's alone. */
    private static void emptyInbox() throws MessagingException {
        try (Store store = store(MAILBOX)) {
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_WRITE);
            for (Message m : inbox.getMessages()) {
                m.setFlag(jakarta.mail.Flags.Flag.DELETED, true);
            }
            inbox.close(true);
        }
    }

    private static void send(String from, String messageId) throws MessagingException {
        Properties p = new Properties();
        p.put("mail.smtp.host", HOST);
        p.put("mail.smtp.port", String.valueOf(SMTP));
        MimeMessage mail = new MimeMessage(Session.getInstance(p)) {
            @Override
            protected void updateMessageID() throws MessagingException {
                setHeader("Message-ID", messageId);
            }
        };
        mail.setFrom(new InternetAddress(from));
        mail.setRecipient(Message.RecipientType.TO, new InternetAddress(MAILBOX));
        mail.setSubject("Delete my account");
        mail.setText("Hello, please delete my account and all the personal data you keep about me. Thank you.",
                "UTF-8");
        Transport.send(mail);
    }

    /** The body of our acknowledgement to {@code sender} in sink@'s inbox (other tests' mail is there too); null if none yet. */
    private static String acknowledgementTo(String sender) throws Exception {
        try (Store store = store(SINK)) {
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            try {
                for (Message m : inbox.search(new RecipientStringTerm(Message.RecipientType.TO, sender))) {
                    if (m.getSubject() != null && m.getSubject().startsWith("Re: Delete my account [DSR-")) {
                        return text(m);
                    }
                }
                return null;
            } finally {
                inbox.close(false);
            }
        }
    }

    /** "found" once the mail is in the mailbox's Processed folder; null before. */
    private static String inProcessed(String messageId) throws Exception {
        try (Store store = store(MAILBOX)) {
            Folder processed = store.getFolder("Processed");
            if (!processed.exists()) {
                return null;
            }
            processed.open(Folder.READ_ONLY);
            try {
                return processed.search(new HeaderTerm("Message-ID", messageId)).length > 0 ? "found" : null;
            } finally {
                processed.close(false);
            }
        }
    }
}
