package kz.dsr.app;

import kz.dsr.demo.EmbeddedServices;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import kz.dsr.testing.TestServers;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** A configuration mistake stops the start with a message that names the file, the line and the fix. */
class ConfigurationErrorsTest {

    @TempDir
    Path dir;

    private String startupError(String replace, String with) throws Exception {
        String shipped = Files.readString(Path.of("config/application.properties"));
        assertTrue(shipped.contains(replace), replace);
        Path config = dir.resolve("application.properties");
        Files.writeString(config, shipped.replace(replace, with));
        EmbeddedServices servers = TestServers.get();
        Main main = Pipeline.create(config, servers.pipelineSettings(servers.newDatabase("dsr_config")));
        Exception e = assertThrows(Exception.class, main::start);
        main.stop();
        StringBuilder messages = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            messages.append(t.getMessage()).append('\n');
        }
        return messages.toString();
    }

    private static int lineOf(Path file, String text) throws Exception {
        var lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(text)) {
                return i + 1;
            }
        }
        throw new AssertionError(text);
    }

    @Test
    void aMisspeltKeyIsRefusedWithItsLineAndTheLikelyIntendedKey() throws Exception {
        String error = startupError("dsr.intake.max-mail-bytes =", "dsr.intake.max-mail-byte =");
        Path config = dir.resolve("application.properties");
        int line = lineOf(config, "dsr.intake.max-mail-byte =");
        assertTrue(error.contains(config + ":" + line + ": unknown key 'dsr.intake.max-mail-byte'"), error);
        assertTrue(error.contains("did you mean 'dsr.intake.max-mail-bytes'"), error);
    }

    @Test
    void aValueThatIsNotANumberNamesTheKeyFileAndLine() throws Exception {
        String error = startupError("dsr.intake.flood.max-requests-per-hour = 5", "dsr.intake.flood.max-requests-per-hour = five");
        Path config = dir.resolve("application.properties");
        int line = lineOf(config, "dsr.intake.flood.max-requests-per-hour");
        assertTrue(error.contains(config + ":" + line + ": dsr.intake.flood.max-requests-per-hour = 'five' is not a whole number"),
                error);
    }

    @Test
    void aSentMarkRetriedAsLongAsTheLeaseIsRefusedNamingBothKeys() throws Exception {
        String error = startupError("dsr.outbox.mark-sent-retry-seconds = 20", "dsr.outbox.mark-sent-retry-seconds = 60");
        Path config = dir.resolve("application.properties");
        int line = lineOf(config, "dsr.outbox.mark-sent-retry-seconds");
        assertTrue(error.contains(config + ":" + line + ": dsr.outbox.mark-sent-retry-seconds = 60 is not below"
                + " dsr.outbox.lease-seconds = 60"), error);
    }

    @Test
    void aDeadlineThatIsNotATermStopsTheStartWithItsLine() throws Exception {
        String error = startupError("dsr.deadline.CONSENT_WITHDRAWAL = 15 working-days",
                "dsr.deadline.CONSENT_WITHDRAWAL = 15 workdays");
        Path config = dir.resolve("application.properties");
        int line = lineOf(config, "dsr.deadline.CONSENT_WITHDRAWAL");
        assertTrue(error.contains(config + ":" + line + ": dsr.deadline.CONSENT_WITHDRAWAL = '15 workdays' is not a deadline"),
                error);
    }

    @Test
    void aMistakeInTheCalendarStopsTheStartWithItsFileAndLine() throws Exception {
        Path calendar = dir.resolve("calendar.yaml");
        Files.writeString(calendar, Files.readString(Path.of("config/calendar.yaml")).replace("  - 2028-05-05", "  - 2028-05-32"));
        String error = startupError("dsr.calendar.file = config/calendar.yaml", "dsr.calendar.file = " + calendar);
        int line = lineOf(calendar, "  - 2028-05-32");
        assertTrue(error.contains(calendar + ", line " + line + ": kurban-ait: '2028-05-32' is not a date"), error);
    }

    @Test
    void anUnreachableStoreSaysWhichUrlAndWhatToCheck() throws Exception {
        Path config = dir.resolve("application.properties");
        Files.copy(Path.of("config/application.properties"), config);
        EmbeddedServices servers = TestServers.get();
        Map<String, String> settings = new java.util.HashMap<>(servers.pipelineSettings("jdbc:postgresql://127.0.0.1:1/none"));
        Main main = Pipeline.create(config, settings);
        Exception e = assertThrows(Exception.class, main::start);
        main.stop();
        StringBuilder messages = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            messages.append(t.getMessage()).append('\n');
        }
        assertTrue(messages.toString().contains("Cannot connect to the store database jdbc:postgresql://127.0.0.1:1/none"),
                messages.toString());
        assertTrue(messages.toString().contains("DSR_STORE_PASSWORD"), messages.toString());
    }

    @Test
    void aDataMapThatDoesNotFitTheDatabaseStopsTheStartWithItsFileAndLine() throws Exception {
        Path map = dir.resolve("datamap.yaml");
        String shipped = Files.readString(Path.of("config/datamap.yaml"));
        Files.writeString(map, shipped.replace("  trip_points:\n", "  trip_pointz:\n"));
        String error = startupError("dsr.datamap.file = config/datamap.yaml", "dsr.datamap.file = " + map);
        int line = lineOf(map, "  trip_pointz:");
        assertTrue(error.contains(map + ", line " + line + ": table 'trip_pointz' does not exist"), error);
        assertTrue(error.contains("did you mean 'trip_points'"), error);
    }

    /** The start's error messages (each cause's) with the shipped configuration file and these settings changed. */
    private String startupErrorWith(Map<String, String> changed) throws Exception {
        Path config = dir.resolve("application.properties");
        Files.copy(Path.of("config/application.properties"), config, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        EmbeddedServices servers = TestServers.get();
        Map<String, String> settings = new java.util.HashMap<>(servers.pipelineSettings(servers.newDatabase("dsr_config")));
        settings.putAll(changed);
        Main main = Pipeline.create(config, settings);
        Exception e = assertThrows(Exception.class, main::start);
        main.stop();
        StringBuilder messages = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            messages.append(t.getMessage()).append('\n');
        }
        return messages.toString();
    }

    @Test
    void aTimerScheduleThatIsNotACronStopsTheStartInsteadOfBeingRetriedForEver() throws Exception {
        // Routes are started under supervision (retried with backoff); a mistake in the configuration
        // must still stop the start with its message, not leave a timer silently never running.
        String messages = startupErrorWith(Map.of("dsr.timers.retention.cron", "0 30 3 * *"));
        assertTrue(messages.contains("CronExpression '0 30 3 * *' is invalid"), messages);
    }

    @Test
    void aProcessorsTrustStoreThatCannotBeReadStopsTheStartNamingIt() throws Exception {
        String messages = startupErrorWith(Map.of("dsr.processors.trust-store", "target/no-such-ca.pem"));
        assertTrue(messages.contains("the trust store target/no-such-ca.pem cannot be read"), messages);
    }

    @Test
    void aMissingHashSecretSaysWhichVariableToSet() throws Exception {
        String messages = startupErrorWith(Map.of("dsr.datamap.hash-secret", "short"));
        assertTrue(messages.contains("DSR_DATAMAP_HASH_SECRET"), messages);
        assertTrue(!messages.contains("short"), "the secret itself is never printed: " + messages);
    }

    @Test
    void aProcessorSecretMissingFromTheEnvironmentStopsTheStartWithItsFileAndLine() throws Exception {
        String messages = startupErrorWith(Map.of("dsr.processors.file", "config/processors.yaml"));
        int line = lineOf(Path.of("config/processors.yaml"), "    auth: { scheme: bearer, token-env: DSR_PROCESSOR_PAYBOX_TOKEN }");
        assertTrue(messages.contains("config/processors.yaml, line " + line + ": processor paybox: the"
                + " environment variable DSR_PROCESSOR_PAYBOX_TOKEN (token-env) is not set"), messages);
    }

    // ---- the start as an operator sees it: `run` in a JVM of its own -----------------------------------

    /** The settings of the embedded servers, made once: each start below changes one thing in them. */
    private static Map<String, String> embedded;

    private static synchronized Map<String, String> embedded() {
        if (embedded == null) {
            EmbeddedServices servers = TestServers.get();
            embedded = Map.copyOf(servers.pipelineSettings(servers.newDatabase("dsr_refusal")));
        }
        return embedded;
    }

    /** A refused start: what is changed, and the words its one line must hold. */
    record Refusal(String what, Map<String, String> changed, String line) {
        @Override
        public String toString() {
            return what;
        }
    }

    static java.util.stream.Stream<Refusal> refusals() throws Exception {
        int tokenLine = lineOf(Path.of("config/processors.yaml"),
                "    auth: { scheme: bearer, token-env: DSR_PROCESSOR_PAYBOX_TOKEN }");
        return java.util.stream.Stream.of(
                new Refusal("no operator address", Map.of("dsr.operator.address", ""),
                        "-Ddsr.operator.address: dsr.operator.address is empty: set it to the mailbox of the person"),
                new Refusal("the operator is our own support address",
                        Map.of("dsr.operator.address", EmbeddedServices.SUPPORT_ADDRESS),
                        "dsr.operator.address = support@dsr.test is one of our own addresses"),
                new Refusal("a processor's token not in the environment", Map.of("dsr.processors.file", "config/processors.yaml"),
                        "config/processors.yaml, line " + tokenLine + ": processor paybox: the environment variable"
                                + " DSR_PROCESSOR_PAYBOX_TOKEN (token-env) is not set."),
                new Refusal("the store unreachable", Map.of("dsr.store.url", "jdbc:postgresql://127.0.0.1:1/none"),
                        "Cannot connect to the store database jdbc:postgresql://127.0.0.1:1/none as user 'postgres'"),
                new Refusal("the application database unreachable", Map.of("dsr.app-db.url", "jdbc:postgresql://127.0.0.1:1/app"),
                        "Cannot connect to the application database jdbc:postgresql://127.0.0.1:1/app as user 'postgres'"),
                new Refusal("a timer that is not a cron", Map.of("dsr.timers.retention.cron", "0 30 3 * *"),
                        "A route cannot start: Failed to resolve endpoint: quartz://dsr/retention?cron=0+30+3+*+*"),
                new Refusal("an application database with no tables yet",
                        Map.of("dsr.app-db.url", TestServers.get().newDatabase("app_empty")),
                        " has no tables in schema public, and the data map config/datamap.yaml describes a company's:"
                                + " check dsr.app-db.url, or for a first run fill it with a sample"),
                new Refusal("a hash secret too short", Map.of("dsr.datamap.hash-secret", "short"),
                        "(environment variable DSR_DATAMAP_HASH_SECRET) must be set and at least 32 bytes long"));
    }

    /**
     * {@code run} with the embedded settings and these changed, the passwords in the environment as an
     * operator gives them (the embedded server's "postgres" would be masked wherever it is printed, a
     * user name and every JDBC URL included).
     */
    private static kz.dsr.testing.ChildJvm.Result start(Map<String, String> changed) {
        Map<String, String> settings = new java.util.HashMap<>(embedded());
        settings.keySet().removeIf(k -> k.endsWith("password"));
        settings.putAll(changed);
        return kz.dsr.testing.ChildJvm.run(settings, Map.of("DSR_STORE_PASSWORD", "store-password-of-the-test",
                "DSR_APP_DB_PASSWORD", "app-password-of-the-test",
                "DSR_MAIL_IMAP_PASSWORD", EmbeddedServices.SUPPORT_PASSWORD,
                "DSR_MAIL_SMTP_PASSWORD", EmbeddedServices.SUPPORT_PASSWORD), java.time.Duration.ofSeconds(120), "run");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void aRefusedStartIsOneLineWithoutAStackTraceAndExitCode2(Refusal refusal) {
        kz.dsr.testing.ChildJvm.Result run = start(refusal.changed());
        java.util.List<String> lines = run.output().lines().filter(l -> l.contains(refusal.line())).toList();
        assertTrue(lines.size() == 1, "one line with '" + refusal.line() + "', got:\n" + run.output());
        assertTrue(run.stackTraceLines().isEmpty(), "no stack trace:\n" + run.output());
        org.junit.jupiter.api.Assertions.assertEquals(2, run.exitCode(), run.output());
    }

    @Test
    void aPortAnotherProgramHasStopsTheStartInOneLine() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            kz.dsr.testing.ChildJvm.Result run = start(Map.of("camel.server.port", String.valueOf(taken.getLocalPort())));
            String line = "-Dcamel.server.port: camel.server.port " + taken.getLocalPort()
                    + " on 127.0.0.1 cannot be listened on";
            assertTrue(run.output().lines().filter(l -> l.startsWith(line)).count() == 1, run.output());
            assertTrue(run.output().contains("give another port (DSR_HTTP_PORT)"), run.output());
            assertTrue(run.stackTraceLines().isEmpty(), "no stack trace:\n" + run.output());
            org.junit.jupiter.api.Assertions.assertEquals(2, run.exitCode(), run.output());
        }
    }
}
