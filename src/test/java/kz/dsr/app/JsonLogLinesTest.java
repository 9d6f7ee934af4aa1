package kz.dsr.app;

import static kz.dsr.testing.RunningPipeline.await;
import static kz.dsr.testing.TestMail.mail;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import kz.dsr.testing.RunningPipeline;
import org.junit.jupiter.api.Test;

/**
 * With DSR_LOG_FORMAT=json a log shipper reads one JSON object per line: it can search a request's
 * whole story by its reference without parsing text, and the secret mask still applies to every value.
 * The real pipeline runs as {@code DsrPipeline run} in its own JVM, answers a mail, and its whole output
 * is read back line by line.
 */
class JsonLogLinesTest {

    /** The store's password, written into its URL: a quote and a backslash, which JSON escapes. */
    private static final String URL_PASSWORD = "jsonCoreP7Lx\"quote\\back";
    private static final String ENV_PASSWORD = "jsonEnvCoreW2Qa\"env\\pw";

    @Test
    void everyLineIsAJsonObjectTheRequestsLinesCarryItsReferenceAndSecretsStayMasked() throws Exception {
        try (RunningPipeline pipeline = RunningPipeline.prepare(Map.of())) {
            Map<String, String> settings = pipeline.settings();
            settings.remove("dsr.store.password");
            String url = settings.get("dsr.store.url");
            settings.put("dsr.store.url", url + (url.contains("?") ? "&" : "?") + "password="
                    + URLEncoder.encode(URL_PASSWORD, StandardCharsets.UTF_8));
            pipeline.deliver(mail().from("json-log@example.kz").bytes());

            Path log = Files.createDirectories(Path.of("target", "json-log")).resolve("run.log");
            Process run = pipeline.startInChildJvm(log, Map.of("DSR_LOG_FORMAT", "json",
                    "DSR_STORE_PASSWORD", ENV_PASSWORD));
            try {
                await("the mail acknowledged", Duration.ofSeconds(90), () -> !run.isAlive()
                        || pipeline.count("select count(*) from outbox where status = 'SENT'") == 1);
                assertTrue(run.isAlive(), "the pipeline stopped by itself: " + Files.readString(log));
            } finally {
                run.destroy();
                assertTrue(run.waitFor(60, TimeUnit.SECONDS), "the pipeline did not stop on SIGTERM");
            }
            String reference = pipeline.store().queryForObject("select reference from request", String.class);

            String output = Files.readString(log, StandardCharsets.UTF_8);
            ObjectMapper json = new ObjectMapper();
            List<JsonNode> lines = new ArrayList<>();
            for (String line : output.split("\n")) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode node;
                try {
                    node = json.readTree(line);
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new AssertionError("not a JSON line: " + line, e);
                }
                assertTrue(node.isObject(), line);
                for (String field : List.of("timestamp", "level", "logger", "message")) {
                    assertTrue(node.hasNonNull(field), "no " + field + " in " + line);
                }
                lines.add(node);
            }
            assertTrue(lines.stream().anyMatch(n -> n.path("message").asText().contains("Started")),
                    "Camel's start-up is in the log");
            List<JsonNode> ofRequest = lines.stream().filter(n -> reference.equals(n.path("reference").asText())).toList();
            assertFalse(ofRequest.isEmpty(), "no line carries \"reference\": \"" + reference + "\"");
            assertTrue(ofRequest.stream().anyMatch(n -> n.path("message").asText().startsWith("Mail recorded: NEW_REQUEST")),
                    "the intake's line about the mail carries its request's reference: " + ofRequest);

            for (String secret : List.of(URL_PASSWORD, ENV_PASSWORD)) {
                String core = secret.substring(0, secret.indexOf('"'));
                assertFalse(output.contains(core), "a secret (" + core + "…) is in the log: " + lineWith(output, core));
            }
            // Wherever the store's URL is logged (Camel's summaries print what they were given), its password
            // is masked.
            lines.stream().map(n -> n.path("message").asText()).filter(m -> m.contains("password="))
                    .forEach(m -> assertTrue(m.contains("password=***"), "a URL logged with its password: " + m));
        }
    }

    private static String lineWith(String output, String text) {
        return output.lines().filter(l -> l.contains(text)).findFirst().orElse("");
    }
}
