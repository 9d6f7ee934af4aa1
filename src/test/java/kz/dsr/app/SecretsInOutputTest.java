package kz.dsr.app;

import static kz.dsr.testing.RunningPipeline.await;
import static kz.dsr.testing.TestMail.mail;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import kz.dsr.testing.OperatorCommands;
import kz.dsr.testing.RunningPipeline;
import kz.dsr.testing.TestServers;
import org.junit.jupiter.api.Test;

/**
 * An operator's log must never hold a secret: whatever reads the log (a log shipper, a support ticket
 * with a pasted start-up, a colleague) would otherwise hold the keys to the mailbox, the databases and
 * the hashes of erased data. The real pipeline runs as {@code DsrPipeline run} in its own JVM with a
 * distinctive value for every secret it reads, and its whole output (Camel's start-up summary, the
 * work, the shutdown; or a failed start) is searched for each value in every form it could take.
 */
class SecretsInOutputTest {

    /** Secrets given in the environment, as in production: variable name -> value. */
    private static final Map<String, String> ENVIRONMENT = new LinkedHashMap<>();
    /** Secrets given as -D settings: key -> value. */
    private static final Map<String, String> PROPERTIES = new LinkedHashMap<>();

    static {
        // Each value has a core of letters and digits found nowhere else, so a cut or re-encoded copy is
        // still caught; and characters that URL-encoding changes, so an encoded copy differs from it.
        ENVIRONMENT.put("DSR_DATAMAP_HASH_SECRET", "hashCoreQ7Zx+key/value=&with-more-than-32-bytes");
        ENVIRONMENT.put("DSR_DATAMAP_PREVIOUS_HASH_SECRET", "prevHashCoreD3Lu+old/key=&with-more-than-32-bytes");
        ENVIRONMENT.put("DSR_MAIL_IMAP_PASSWORD", "imapCoreW3Kp+pass/word=&x");
        ENVIRONMENT.put("DSR_STORE_PASSWORD", "storeCoreT5Nb+pass/word=&z");
        ENVIRONMENT.put("DSR_SMS_TOKEN", "smsCoreG6Df+token/x=&y");
        ENVIRONMENT.put("DSR_PROCESSOR_PAYBOX_TOKEN", "payboxCoreM1Ys+token/x=&y");
        ENVIRONMENT.put("DSR_PROCESSOR_APPMETRICA_SECRET", "appmetricaCoreB5Wn+hmac/x=&y");
        PROPERTIES.put("dsr.mail.smtp.password", "smtpCoreR8Vm+pass/word=&y");
        PROPERTIES.put("dsr.app-db.password", "appdbCoreH2Jc+pass/word=&q");
    }

    /** The password inside each JDBC URL (password=...), a form some operators use. */
    private static final String STORE_URL_PASSWORD = "storeUrlCoreK8Fd+pw/x=&y";
    private static final String APP_URL_PASSWORD = "appUrlCoreZ2Rt+pw/x=&y";

    private static final String IMAP_LOGIN = "secrets-in";
    private static final String SMTP_LOGIN = "secrets-out";

    @Test
    void aRunThatAnswersAMailPrintsNoSecretInAnyForm() throws Exception {
        // Mailbox logins of their own, whose passwords are the distinctive ones (the mail server checks them).
        TestServers.get().mail().setUser(IMAP_LOGIN + "@dsr.test", IMAP_LOGIN, ENVIRONMENT.get("DSR_MAIL_IMAP_PASSWORD"));
        TestServers.get().mail().setUser(SMTP_LOGIN + "@dsr.test", SMTP_LOGIN, PROPERTIES.get("dsr.mail.smtp.password"));
        try (RunningPipeline pipeline = RunningPipeline.prepare(Map.of(
                "dsr.mail.imap.username", IMAP_LOGIN, "dsr.mail.smtp.username", SMTP_LOGIN,
                // The shipped processors, whose tokens and HMAC secrets come from the environment; every
                // call would go to a local port (no request is carried out in this test anyway).
                "dsr.processors.file", kz.dsr.demo.LocalProcessor.pointedAt(Path.of("config/processors.yaml"),
                        java.net.URI.create("http://127.0.0.1:9"), Files.createTempDirectory("dsr-secrets")).toString()))) {
            Map<String, String> settings = pipeline.settings();
            // Given in the environment instead: a -D would win over it.
            settings.remove("dsr.datamap.hash-secret");
            settings.remove("dsr.mail.imap.password");
            settings.remove("dsr.store.password");
            settings.putAll(PROPERTIES);
            settings.put("dsr.store.url", withPassword(settings.get("dsr.store.url"), STORE_URL_PASSWORD));
            settings.put("dsr.app-db.url", withPassword(settings.get("dsr.app-db.url"), APP_URL_PASSWORD));
            deliverTo(IMAP_LOGIN, mail().from("secrets-subject@example.kz").bytes());

            Path log = Files.createDirectories(Path.of("target", "secrets")).resolve("run.log");
            Process run = pipeline.startInChildJvm(log, ENVIRONMENT);
            try {
                // Work done with every connection: the mail read (IMAP), its request stored, its
                // acknowledgement sent (SMTP).
                await("the mail acknowledged", Duration.ofSeconds(90), () -> !run.isAlive()
                        || pipeline.count("select count(*) from outbox where status = 'SENT'") == 1);
                assertTrue(run.isAlive(), "the pipeline stopped by itself; its output: " + tail(log));
            } finally {
                run.destroy();
                assertTrue(run.waitFor(60, TimeUnit.SECONDS), "the pipeline did not stop on SIGTERM");
            }
            String output = Files.readString(log, StandardCharsets.UTF_8);
            assertTrue(output.contains("Started"), "the log holds Camel's start-up: " + tail(log));
            assertNoSecret(output);
        }
    }

    @Test
    void aStartThatCannotReachTheStorePrintsNoSecret() throws Exception {
        try (RunningPipeline pipeline = RunningPipeline.prepare(Map.of())) {
            Map<String, String> settings = pipeline.settings();
            settings.remove("dsr.datamap.hash-secret");
            settings.remove("dsr.mail.imap.password");
            settings.remove("dsr.store.password");
            settings.putAll(PROPERTIES);
            // Nobody listens there: the start fails on the store, and says which URL it tried.
            settings.put("dsr.store.url", withPassword("jdbc:postgresql://127.0.0.1:" + closedPort() + "/dsr",
                    STORE_URL_PASSWORD));
            Path log = Files.createDirectories(Path.of("target", "secrets")).resolve("failed-start.log");
            Process run = pipeline.startInChildJvm(log, ENVIRONMENT);
            assertTrue(run.waitFor(90, TimeUnit.SECONDS), "the start did not fail: " + tail(log));
            String output = Files.readString(log, StandardCharsets.UTF_8);
            assertTrue(output.contains("Cannot connect to the store database"), "the operator is told why: " + tail(log));
            assertNoSecret(output);
        }
    }

    @Test
    void operatorCommandsThatCannotReachADatabasePrintNoSecret() throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "secrets"));
        String closed = "jdbc:postgresql://127.0.0.1:" + closedPort() + "/dsr";
        OperatorCommands.Run list = OperatorCommands.configured(dir.resolve("store-closed.properties"),
                withPassword(closed, STORE_URL_PASSWORD), null).run("requests", "list");
        assertTrue(list.err().contains("Cannot connect to the store database"), list.err());
        assertNoSecret(list.out() + list.err());
        OperatorCommands.Run plan = OperatorCommands.configured(dir.resolve("app-closed.properties"), null,
                withPassword(closed, APP_URL_PASSWORD)).run("plan", "--type", "ERASURE", "--email", "a@example.kz");
        assertTrue(plan.err().contains("Cannot connect to the application database"), plan.err());
        assertNoSecret(plan.out() + plan.err());
    }

    /** Fails with every secret found, the form it was in and the line (the secret itself blanked). */
    private static void assertNoSecret(String output) {
        Map<String, String> secrets = new LinkedHashMap<>();
        ENVIRONMENT.forEach((k, v) -> secrets.put("$" + k, v));
        PROPERTIES.forEach(secrets::put);
        secrets.put("password in dsr.store.url", STORE_URL_PASSWORD);
        secrets.put("password in dsr.app-db.url", APP_URL_PASSWORD);
        List<String> found = new ArrayList<>();
        String[] lines = output.split("\n");
        secrets.forEach((name, value) -> {
            for (Map.Entry<String, String> form : forms(value).entrySet()) {
                for (int i = 0; i < lines.length; i++) {
                    if (lines[i].contains(form.getValue())) {
                        found.add(name + " (" + form.getKey() + ") on line " + (i + 1) + ": "
                                + abbreviate(lines[i].replace(form.getValue(), "<" + name + ">")));
                        break;
                    }
                }
            }
        });
        assertFalse(output.isBlank(), "the run printed nothing");
        assertTrue(found.isEmpty(), "secrets in the output:\n" + String.join("\n", found));
    }

    /** A secret as it could be printed: as it is, URL-encoded, Base64 (Basic auth), or its core alone. */
    private static Map<String, String> forms(String value) {
        Map<String, String> forms = new LinkedHashMap<>();
        forms.put("as it is", value);
        forms.put("URL-encoded", URLEncoder.encode(value, StandardCharsets.UTF_8));
        forms.put("URL-encoded, %20 for space", URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20"));
        forms.put("Base64", Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)));
        forms.put("its core", value.substring(0, value.indexOf('+')));
        return forms;
    }

    private static String withPassword(String url, String password) {
        return url + (url.contains("?") ? "&" : "?") + "password=" + URLEncoder.encode(password, StandardCharsets.UTF_8);
    }

    private static void deliverTo(String login, byte[] raw) throws Exception {
        TestServers.get().mail().getUserManager().getUser(login).deliver(
                new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(raw)));
    }

    private static int closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String abbreviate(String line) {
        return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (java.io.IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
