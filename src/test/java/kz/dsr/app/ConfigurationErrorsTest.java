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
}
