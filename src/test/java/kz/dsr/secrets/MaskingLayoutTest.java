package kz.dsr.secrets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import org.junit.jupiter.api.Test;

/**
 * The log layout of logback.xml: a secret that reaches a log line by any road (the message, an
 * argument, an exception's message deep in the stack trace, a URL-encoded copy) is printed as ***.
 */
class MaskingLayoutTest {

    private static final String SECRET = "layoutCoreJ4Vw+secret/value=&x";

    @Test
    void aSecretInTheMessageInAnArgumentOrInAStackTraceIsMasked() {
        Secrets.add(SECRET);
        Secrets.addCredentialsIn("jdbc:postgresql://db:5432/app?user=app&password=urlCoreN6Hs%2Bx");
        LoggerContext context = new LoggerContext();
        MaskingLayout layout = new MaskingLayout();
        layout.setContext(context);
        layout.setPattern("%-5level %logger - %msg%n");
        layout.start();

        LoggingEvent event = new LoggingEvent("test", context.getLogger("kz.dsr.test"), Level.ERROR,
                "Cannot log in with {} to {}", new IllegalStateException("connection to "
                        + "jdbc:postgresql://db:5432/app?user=app&password=urlCoreN6Hs%2Bx refused",
                        new RuntimeException("token " + SECRET.replace("+", "%2B").replace("/", "%2F")
                                .replace("=", "%3D").replace("&", "%26"))),
                new Object[] {SECRET, "imap://mail.example.kz"});
        String line = layout.doLayout(event);

        assertTrue(line.startsWith("ERROR kz.dsr.test - Cannot log in with *** to imap://mail.example.kz"), line);
        assertTrue(line.contains("password=*** refused"), line);
        assertTrue(line.contains("Caused by: java.lang.RuntimeException: token ***"), line);
        assertFalse(line.contains("layoutCore"), line);
        assertFalse(line.contains("urlCore"), line);
    }

    @Test
    void shortOrEmptyValuesAreNotMaskedAndTextWithoutSecretsIsUnchanged() {
        Secrets.add("");
        Secrets.add("abc");
        String text = "Mail recorded: NEW_REQUEST DSR-2026-000001 (abc)";
        assertEquals(text, Secrets.mask(text));
    }
}
