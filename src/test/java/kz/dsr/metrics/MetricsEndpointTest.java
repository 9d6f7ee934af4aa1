package kz.dsr.metrics;

import static kz.dsr.testing.RunningPipeline.await;
import static kz.dsr.testing.TestMail.mail;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.Optional;
import java.util.regex.Pattern;
import kz.dsr.testing.RunningPipeline;
import kz.dsr.testing.Scrape;
import kz.dsr.testing.TestMail;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * What an operator's Prometheus sees on /observe/metrics of a running pipeline (management server),
 * after real mail went through it.
 */
class MetricsEndpointTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    /** Seven or more digits in a row once spaces, dashes, dots, brackets and plus signs are taken out. */
    private static final Pattern PHONE_LIKE = Pattern.compile("\\d{7,}");
    private static RunningPipeline pipeline;

    @BeforeAll
    static void start() throws Exception {
        // One processor (never called here: requests are not carried out in this test), so its series exist.
        Path processors = Files.createDirectories(Path.of("target", "processors-files")).resolve("metrics-test.yaml");
        Files.writeString(processors, """
                processors:
                  - name: paybox
                    kind: opendsr
                    types: [ERASURE]
                    confirm-within-days: 14
                    identities:
                      - { from: email, type: email, format: sha256 }
                    url: http://127.0.0.1:9/opendsr
                    poll-minutes: 60
                """);
        // Store figures re-read at most every second, so a test sees a change without waiting 15 s.
        pipeline = RunningPipeline.start(Map.of("dsr.metrics.cache-seconds", "1",
                "dsr.processors.file", processors.toString()));
    }

    @AfterAll
    static void stop() {
        pipeline.close();
    }

    @Test
    void aReceivedAndAcknowledgedRequestIsCountedWithItsStatusTypeAndLanguage() {
        TestMail m = mail().from("aigerim.nurlanovna@example.kz").subject("Удаление аккаунта")
                .body("Здравствуйте! Прошу удалить мой аккаунт и все мои персональные данные.\n"
                        + "Мой телефон +7 701 234 56 78, ИИН 900101300123.");
        long id = pipeline.requestOf(m, WAIT);
        await("the acknowledgement was sent", WAIT, () -> pipeline.count(
                "select count(*) from outbox where request_id = ? and status = 'SENT'", id) == 1);
        Map<String, Object> r = pipeline.store().queryForMap("select status, type, language from request where id = ?", id);
        assertEquals("CLASSIFIED", r.get("status"));
        assertEquals("ERASURE", r.get("type"));
        assertEquals("ru", r.get("language"));

        Map<String, String> statusAndType = Map.of("status", "CLASSIFIED", "type", "ERASURE");
        await("dsr_requests shows the request as CLASSIFIED ERASURE", WAIT, () ->
                pipeline.scrapeMetrics().value("dsr_requests", statusAndType).orElse(0.0) == 1.0);
        Scrape scrape = pipeline.scrapeMetrics();
        assertEquals(Optional.of(1.0), scrape.value("dsr_requests_received_total", Map.of("type", "ERASURE", "language", "ru")),
                "received counter with type and language");
        assertEquals(Optional.of(0.0), scrape.value("dsr_requests_received_total", Map.of("type", "ACCESS", "language", "ru")),
                "other types are served at 0, not left out");
        assertEquals(Optional.of(0.0), scrape.value("dsr_requests_overdue", statusAndType), "due in 15 working days");
        assertTrue(scrape.value("dsr_outbox_backlog", Map.of("channel", "MAIL")).isPresent(), "outbox backlog served");
        assertTrue(scrape.names().stream().anyMatch(n -> n.startsWith("camel_exchanges")), "Camel's route metrics: "
                + scrape.names());

        // Nothing that identifies the sender reaches a label: values come from fixed sets only.
        assertFalse(scrape.text().contains("aigerim"), "no part of the address");
        for (Scrape.Sample s : scrape.samples()) {
            s.labels().forEach((label, value) -> {
                assertFalse(value.contains("@"), s + ": an address-like label value");
                if (!label.equals("le") && !label.equals("quantile")) {
                    assertFalse(PHONE_LIKE.matcher(value.replaceAll("[\\s\\-().+]", "")).find(),
                            s + ": a phone-like digit run in a label value");
                }
            });
        }
    }

    @Test
    void aMessageWaitingInTheOutboxShowsAsBacklogWithTheAgeOfTheOldest() {
        pipeline.store().update("insert into outbox (channel, event_key, recipient, subject, body, message_id, status,"
                + " next_attempt_at, created_at) values ('SMS', 'test:waiting', '+77012345678', 'code', 'code',"
                + " '<waiting@dsr.test>', 'PENDING', now() + interval '1 hour', now() - interval '40 minutes')");
        await("the SMS waiting 40 minutes shows", WAIT, () ->
                pipeline.scrapeMetrics().value("dsr_outbox_backlog", Map.of("channel", "SMS")).orElse(0.0) == 1.0);
        double age = pipeline.scrapeMetrics().value("dsr_outbox_oldest_age_seconds", Map.of("channel", "SMS")).orElseThrow();
        assertTrue(age >= 40 * 60 && age < 45 * 60, "age of the oldest waiting SMS: " + age);
    }

    @Test
    void anUnresolvedDeadLetterAndAnOpenCircuitShow() {
        pipeline.store().update("insert into dead_letter (source, item_key, error) values ('intake', 'test-key',"
                + " 'could not be recorded')");
        await("the dead letter shows", WAIT, () ->
                pipeline.scrapeMetrics().value("dsr_dead_letters_unresolved", Map.of("source", "intake")).orElse(0.0) == 1.0);

        Map<String, String> paybox = Map.of("processor", "paybox");
        assertEquals(Optional.of(0.0), pipeline.scrapeMetrics().value("dsr_processor_circuit_state", paybox), "closed");
        // The relay's own breaker (bound in the running pipeline), told of failed calls as the relay tells it.
        kz.dsr.processors.CircuitBreakers circuits = pipeline.context().getRegistry()
                .lookupByNameAndType("components", kz.dsr.app.Components.class).circuitBreakers();
        for (int i = 0; i < 5; i++) {
            circuits.failed("paybox");
        }
        assertEquals(Optional.of(1.0), pipeline.scrapeMetrics().value("dsr_processor_circuit_state", paybox), "open");
        circuits.succeeded("paybox");
        assertEquals(Optional.of(0.0), pipeline.scrapeMetrics().value("dsr_processor_circuit_state", paybox), "closed again");
    }

    /** A metric name in a PromQL expression: ours, Camel's, the JVM's. */
    private static final Pattern METRIC = Pattern.compile("\\b((?:dsr|camel|jvm|process|system)_[a-zA-Z0-9_]+)\\b");

    @Test
    void everyMetricTheAlertsAndTheDashboardUseIsServed() throws Exception {
        List<String> expressions = new ArrayList<>();
        Object alerts = new Load(LoadSettings.builder().build()).loadFromString(Files.readString(Path.of("deploy/alerts.yaml")));
        for (Object group : (List<?>) ((Map<?, ?>) alerts).get("groups")) {
            for (Object rule : (List<?>) ((Map<?, ?>) group).get("rules")) {
                expressions.add("alerts.yaml " + ((Map<?, ?>) rule).get("alert") + ": " + ((Map<?, ?>) rule).get("expr"));
            }
        }
        int alertRules = expressions.size();
        JsonNode dashboard = new ObjectMapper().readTree(Path.of("deploy/grafana-dsr.json").toFile());
        for (JsonNode expr : dashboard.findValues("expr")) {
            expressions.add("grafana-dsr.json: " + expr.asText());
        }
        assertTrue(alertRules >= 6, "the six alerts asked for: " + alertRules);
        assertTrue(expressions.size() - alertRules >= 8, "a dashboard with its panels: " + (expressions.size() - alertRules));

        Set<String> served = pipeline.scrapeMetrics().names();
        Set<String> missing = new TreeSet<>();
        int referenced = 0;
        for (String e : expressions) {
            Matcher m = METRIC.matcher(e.substring(e.indexOf(':') + 1));
            while (m.find()) {
                referenced++;
                if (!served.contains(m.group(1))) {
                    missing.add(m.group(1) + " (" + e + ")");
                }
            }
        }
        assertTrue(referenced > 0, "the files reference metrics");
        assertTrue(missing.isEmpty(), "referenced but not served by /observe/metrics: " + missing);
    }
}
