package kz.dsr.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import kz.dsr.secrets.Secrets;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.function.Executable;

/**
 * The operator's properties file as the pipeline reads it: a missing or misspelt key, or a value out of
 * range, is answered with the file and line (or the -D) to fix; a secret never shows in what is printed.
 */
class SettingsTest {

    @TempDir
    Path dir;

    private DefaultCamelContext context;

    @AfterEach
    void closeContext() throws Exception {
        if (context != null) {
            context.close();
        }
    }

    /** Settings over a properties file with these lines (line 1 is a comment). */
    private Settings settings(String... lines) throws Exception {
        Path file = dir.resolve("application.properties");
        Files.write(file, List.of(prepend("# the operator's configuration", lines)));
        context = new DefaultCamelContext();
        context.getPropertiesComponent().setLocation("file:" + file.toAbsolutePath());
        return new Settings(context, file);
    }

    private static String[] prepend(String first, String[] rest) {
        String[] all = new String[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

    private Path file() {
        return dir.resolve("application.properties");
    }

    private static String error(Executable action) {
        return assertThrows(IllegalArgumentException.class, action).getMessage();
    }

    @Test
    void valuesAreReadTrimmedAndListsSplit() throws Exception {
        Settings s = settings("dsr.outbox.poll-ms =   1500  ", "dsr.mail.imap.username = support@example.kz",
                "dsr.sms.token =", "dsr.mail.own-aliases = a.kz, b.kz ,,c.kz");
        assertEquals(1500, s.integerAtLeast("dsr.outbox.poll-ms", 100));
        assertEquals("support@example.kz", s.string("dsr.mail.imap.username"));
        assertTrue(s.optional("dsr.sms.token").isEmpty(), "an empty value is no value");
        assertTrue(s.optional("dsr.sms.url").isEmpty(), "an absent optional key is no value");
        assertEquals(List.of("a.kz", "b.kz", "c.kz"), s.list("dsr.mail.own-aliases"));
    }

    @Test
    void aMissingKeyIsNamedWithWhereItWouldBeSet() throws Exception {
        Settings s = settings("dsr.outbox.poll-ms = 200");
        String message = error(() -> s.string("dsr.outbox.max-attempts"));
        assertEquals(file() + " (or the environment/-D): dsr.outbox.max-attempts is missing. Every key is listed,"
                + " with its meaning, in the shipped config/application.properties.", message);
    }

    @Test
    void aNumberOutOfRangeOrNotANumberNamesTheFileAndLine() throws Exception {
        Settings s = settings("dsr.outbox.poll-ms = 200", "dsr.outbox.max-attempts = 0",
                "dsr.intake.flood.max-requests-per-hour = 5/h");
        assertEquals(file() + ":3: dsr.outbox.max-attempts = 0 is below the minimum 1",
                error(() -> s.integerAtLeast("dsr.outbox.max-attempts", 1)));
        assertEquals(file() + ":4: dsr.intake.flood.max-requests-per-hour = '5/h' is not a whole number (write digits"
                + " only, e.g. dsr.intake.flood.max-requests-per-hour = 30)",
                error(() -> s.integerAtLeast("dsr.intake.flood.max-requests-per-hour", 1)));
    }

    @Test
    void aValueGivenWithMinusDIsBlamedOnTheMinusDNotTheFile() throws Exception {
        Settings s = settings("dsr.outbox.max-attempts = 8");
        System.setProperty("dsr.outbox.max-attempts", "-1");
        try {
            assertEquals("-Ddsr.outbox.max-attempts: dsr.outbox.max-attempts = -1 is below the minimum 1",
                    error(() -> s.integerAtLeast("dsr.outbox.max-attempts", 1)));
        } finally {
            System.clearProperty("dsr.outbox.max-attempts");
        }
    }

    @Test
    void aMisspeltKeyIsRefusedWithItsLineAndTheKeyMeant() throws Exception {
        Settings s = settings("dsr.outbox.poll-ms = 200", "", "# dsr.commented.out = 1",
                "camel.main.name = not ours to check", "dsr.outbox.max-atempts = 3");
        assertEquals(file() + ":6: unknown key 'dsr.outbox.max-atempts' (did you mean 'dsr.outbox.max-attempts'?)."
                + " Remove it or correct its name.", error(s::refuseUnknownKeys));
    }

    @Test
    void anUnknownKeyLikeNothingKnownIsRefusedWithoutAGuess() throws Exception {
        Settings s = settings("dsr.webhook.target-url = https://example.kz/hook");
        assertEquals(file() + ":2: unknown key 'dsr.webhook.target-url'. Remove it or correct its name.",
                error(s::refuseUnknownKeys));
    }

    @Test
    void aKeyOfAnOlderConfigurationSaysWhatReplacedIt() throws Exception {
        Settings s = settings("dsr.deadline.calendar-days.ERASURE = 30");
        assertEquals(file() + ":2: unknown key 'dsr.deadline.calendar-days.ERASURE': replaced by dsr.deadline.ERASURE"
                + " = N calendar-days (or N working-days)", error(s::refuseUnknownKeys));
    }

    @Test
    void everySecretOfTheFileIsMaskedInWhatIsPrintedAndNothingElseIs() throws Exception {
        Settings s = settings("dsr.store.password = storePwSettingsT9q",
                "dsr.datamap.hash-secret = hashSecretSettingsK4v/with+slash",
                "dsr.sms.token = smsTokenSettingsR2w",
                "dsr.app-db.url = jdbc:postgresql://db.internal:5432/app?user=app&password=urlPwSettingsM7x",
                "dsr.mail.imap.username = support@example.kz");
        s.maskSecrets();
        String printed = Secrets.mask("store storePwSettingsT9q, hash hashSecretSettingsK4v/with+slash encoded "
                + "hashSecretSettingsK4v%2Fwith%2Bslash, sms smsTokenSettingsR2w, url password urlPwSettingsM7x, "
                + "user support@example.kz on db.internal");
        for (String secret : List.of("storePwSettingsT9q", "hashSecretSettingsK4v", "smsTokenSettingsR2w",
                "urlPwSettingsM7x")) {
            assertFalse(printed.contains(secret), secret + " shown in: " + printed);
        }
        assertTrue(printed.contains("user support@example.kz on db.internal"), "what is no secret stays: " + printed);
    }

    @Test
    void secretKeysAreKnownByTheirNameAndCamelIsToldTheOnesItDoesNotKnow() {
        assertTrue(Settings.isSecret("dsr.store.password"));
        assertTrue(Settings.isSecret("dsr.sms.token"));
        assertTrue(Settings.isSecret("dsr.datamap.hash-secret"));
        assertFalse(Settings.isSecret("dsr.mail.imap.username"));
        assertFalse(Settings.isSecret("dsr.outbox.max-attempts"));
        assertTrue(List.of(Settings.camelSensitiveKeywords().split(",")).contains("hashsecret"),
                Settings.camelSensitiveKeywords());
    }
}
