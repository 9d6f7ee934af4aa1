package kz.dsr.secrets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import kz.dsr.request.LogReference;
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

    @Test
    void asJsonEachEventIsOneMaskedObjectWithTheRequestReference() throws Exception {
        // A quote and a backslash: JSON escapes them, so masking after escaping would miss this secret.
        String secret = "jsonLayoutCoreF3Tz\"q\\b";
        Secrets.add(secret);
        // The running context: it holds the MDC that LogReference writes to.
        LoggerContext context = (LoggerContext) org.slf4j.LoggerFactory.getILoggerFactory();
        MaskingLayout layout = new MaskingLayout();
        layout.setContext(context);
        layout.setPattern("%msg%n");
        layout.setFormat("json");
        layout.start();

        LoggingEvent event;
        try (LogReference ignored = LogReference.of("DSR-2026-000042")) {
            event = new LoggingEvent("test", context.getLogger("kz.dsr.test"), Level.WARN,
                    "Login with {} refused\nsecond line", new IllegalStateException("password " + secret + " wrong"),
                    new Object[] {secret});
            event.prepareForDeferredProcessing();
        }
        String line = layout.doLayout(event);

        assertTrue(line.endsWith("\n") && line.indexOf('\n') == line.length() - 1, "one line: " + line);
        JsonNode json = new ObjectMapper().readTree(line);
        assertEquals("WARN", json.path("level").asText());
        assertEquals("kz.dsr.test", json.path("logger").asText());
        assertEquals("Login with *** refused\nsecond line", json.path("message").asText());
        assertEquals("DSR-2026-000042", json.path("reference").asText());
        assertTrue(json.path("exception").asText().startsWith("java.lang.IllegalStateException: password *** wrong"),
                json.path("exception").asText());
        assertTrue(json.path("timestamp").asText().matches("\\d{4}-\\d\\d-\\d\\dT.*Z"), line);
        assertFalse(line.contains("jsonLayoutCore"), line);
    }

    @Test
    void anUnknownFormatLogsAsText() {
        LoggerContext context = new LoggerContext();
        MaskingLayout layout = new MaskingLayout();
        layout.setContext(context);
        layout.setPattern("%-5level %msg%n");
        layout.setFormat("xml");
        layout.start();
        LoggingEvent event = new LoggingEvent("test", context.getLogger("kz.dsr.test"), Level.INFO, "hello", null, null);
        assertEquals("INFO  hello\n", layout.doLayout(event));
        assertTrue(context.getStatusManager().getCopyOfStatusList().stream()
                .anyMatch(s -> s.getMessage().contains("'xml' is neither text nor json")));
    }

    @Test
    void aReferenceIsOnlyOnTheLinesLoggedWhileItsRequestIsHandled() {
        try (LogReference outer = LogReference.of("DSR-2026-000001")) {
            try (LogReference inner = LogReference.of("DSR-2026-000002")) {
                assertEquals("DSR-2026-000002", org.slf4j.MDC.get(LogReference.KEY));
            }
            assertEquals("DSR-2026-000001", org.slf4j.MDC.get(LogReference.KEY));
        }
        assertEquals(null, org.slf4j.MDC.get(LogReference.KEY));
    }
}
