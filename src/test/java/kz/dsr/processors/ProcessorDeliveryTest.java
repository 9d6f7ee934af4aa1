package kz.dsr.processors;

import kz.dsr.secrets.Hmac;
import kz.dsr.demo.LocalProcessor;
import static kz.dsr.testing.RunningPipeline.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import kz.dsr.request.RequestType;
import kz.dsr.store.Json;
import kz.dsr.store.RequestStore.Request;
import kz.dsr.testing.RunningPipeline;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Processors are told of a carried-out request through the outbox, over real HTTP, by the real
 * pipeline, against a local OpenDSR processor: once, with the idempotency key on every attempt,
 * retried when it fails or is slow, not retried when it refuses (the operator is mailed instead).
 */
class ProcessorDeliveryTest {

    private static final String TOKEN_ENV = "DSR_TEST_PAYBOX_TOKEN";
    private static final String TOKEN = "paybox-test-token";
    private static final String SUBJECT_EMAIL = "Subject.One@Example.kz";
    private static final String OPERATOR = kz.dsr.demo.EmbeddedServices.OPERATOR_ADDRESS;
    private static final Duration WAIT = Duration.ofSeconds(15);

    private final LocalProcessor paybox = LocalProcessor.start(TestProcessors.identity("paybox.test"));

    @AfterEach
    void stopProcessor() {
        paybox.close();
    }

    @Test
    void theProcessorGetsTheRequestOnceWithItsIdHashedIdentityAndToken() throws Exception {
        try (RunningPipeline pipeline = RunningPipeline.start(withPaybox(1000))) {
            Request r = tell(pipeline);
            UUID id = awaitTask(pipeline, r, TaskStatus.SENT);
            await("the outbox row is sent", WAIT, () -> outboxStatus(pipeline, r).equals("SENT"));
            waitSomeRelayRuns(pipeline);

            assertEquals(1, requestCalls().size(), "one call: " + paybox.calls());
            assertEquals(1, paybox.accepted().size());
            JsonNode body = Json.mapper().readTree(paybox.accepted().get(0).body());
            assertEquals(id.toString(), body.path("subject_request_id").asText());
            assertTrue(id.toString().matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"),
                    "a lowercase UUID v4: " + id);
            assertEquals("erasure", body.path("subject_request_type").asText());
            JsonNode identity = body.path("subject_identities").get(0);
            assertEquals("email", identity.path("identity_type").asText());
            assertEquals("sha256", identity.path("identity_format").asText());
            assertEquals(SubjectIdentities.sha256("subject.one@example.kz"), identity.path("identity_value").asText());
            assertFalse(paybox.accepted().get(0).body().toLowerCase().contains("subject.one"), "no raw e-mail sent");

            Map<String, String> headers = requestCalls().get(0).headers();
            assertEquals("Bearer " + TOKEN, headers.get("authorization"));
            assertEquals(id.toString(), headers.get("idempotency-key"));
            assertTrue(headers.get("content-type").startsWith("application/json"));
            assertTrue(paybox.calls().stream().anyMatch(c -> c.path().endsWith("/opendsr/opencompliance_requests")),
                    paybox.calls().toString());
            assertFalse(pipeline.store().queryForObject("select body from outbox where request_id = ? and channel = 'HTTP'", String.class,
                    r.id()).contains(identity.path("identity_value").asText()), "the identities leave the store once sent");
        }
    }

    @Test
    void aServerErrorIsRetriedWithTheSameKeyAndTheProcessorTakesOneRequest() throws Exception {
        paybox.failNext(1, 500);
        try (RunningPipeline pipeline = RunningPipeline.start(withPaybox(1000))) {
            Request r = tell(pipeline);
            UUID id = awaitTask(pipeline, r, TaskStatus.SENT);
            await("the outbox row is sent", WAIT, () -> outboxStatus(pipeline, r).equals("SENT"));

            List<LocalProcessor.Call> calls = requestCalls();
            assertEquals(List.of(500, 201), calls.stream().map(LocalProcessor.Call::status).toList());
            assertEquals(Set.of(id.toString()), Set.copyOf(calls.stream().map(c -> c.headers().get("idempotency-key"))
                    .toList()), "the same idempotency key on both attempts");
            assertEquals(1, paybox.accepted().size());
            assertEquals(2, pipeline.count("select attempts from outbox where request_id = ? and channel = 'HTTP'", r.id()));
        }
    }

    @Test
    void aSlowAnswerTimesOutAndALaterAttemptDeliversWithoutASecondRequest() throws Exception {
        paybox.delayNext(1, Duration.ofMillis(1500));
        try (RunningPipeline pipeline = RunningPipeline.start(withPaybox(300))) {
            Request r = tell(pipeline);
            await("the first attempt timed out", WAIT, () -> pipeline.count("select count(*) from outbox where"
                    + " request_id = ? and last_error like '%did not answer within 300 ms%'", r.id()) == 1
                    || outboxStatus(pipeline, r).equals("SENT"));
            awaitTask(pipeline, r, TaskStatus.SENT);
            await("the outbox row is sent", WAIT, () -> outboxStatus(pipeline, r).equals("SENT"));
            await("both calls seen", WAIT, () -> requestCalls().size() == 2);

            assertEquals(2, pipeline.count("select attempts from outbox where request_id = ? and channel = 'HTTP'", r.id()));
            assertEquals(1, paybox.accepted().size(), "the slow call and the retry carry one id: one request");
        }
    }

    @Test
    void aRefusalIsNotRetriedAndTheOperatorIsMailedTheProcessorsAnswer() throws Exception {
        String answer = "{\"error\": \"identity_type email is not supported by this account\"}";
        paybox.answerNext(1, 422, answer);
        try (RunningPipeline pipeline = RunningPipeline.start(withPaybox(1000))) {
            Request r = tell(pipeline);
            awaitTask(pipeline, r, TaskStatus.REFUSED);
            await("the outbox row is given up", WAIT, () -> outboxStatus(pipeline, r).equals("FAILED"));
            await("the operator is mailed", WAIT, () -> pipeline.received(OPERATOR).size() == 1);
            waitSomeRelayRuns(pipeline);

            assertEquals(1, requestCalls().size(), "no retry after a refusal");
            assertEquals(0, paybox.accepted().size());
            assertEquals(1, pipeline.count("select attempts from outbox where request_id = ? and channel = 'HTTP'", r.id()));
            assertEquals(1, pipeline.count("select count(*) from dead_letter where source = 'outbox'"));
            String lastError = pipeline.store().queryForObject("select last_error from outbox where request_id = ? and channel = 'HTTP'",
                    String.class, r.id());
            assertTrue(lastError.contains("paybox") && lastError.contains("422") && lastError.contains(r.reference()),
                    lastError);
            MimeMessage mail = pipeline.received(OPERATOR).get(0);
            String text = (String) mail.getContent();
            assertTrue(text.contains("identity_type email is not supported"), text);
            assertTrue(text.contains("422"), text);
            assertTrue(mail.getSubject().contains("paybox"), mail.getSubject());
        }
    }

    @Test
    void aRequestCommittedButNotSentBeforeTheStopIsSentOnceAfterTheRestart() throws Exception {
        Map<String, String> settings = new java.util.HashMap<>(withPaybox(1000));
        settings.put("dsr.outbox.poll-ms", "3600000");
        try (RunningPipeline pipeline = RunningPipeline.prepare(settings)) {
            pipeline.startCamel();
            // The relay runs once a second after the start, then not for an hour: the task is opened after it.
            NotifyBuilder firstRun = new NotifyBuilder(pipeline.context()).fromRoute("outbox-relay").whenDone(1).create();
            assertTrue(firstRun.matches(10, TimeUnit.SECONDS), "the relay's first run");
            Request r = tell(pipeline);
            assertEquals("PENDING", outboxStatus(pipeline, r));
            pipeline.stopCamel();
            assertEquals(0, requestCalls().size(), "nothing was sent before the stop");

            pipeline.settings().put("dsr.outbox.poll-ms", "200");
            pipeline.startCamel();
            awaitTask(pipeline, r, TaskStatus.SENT);
            await("the outbox row is sent", WAIT, () -> outboxStatus(pipeline, r).equals("SENT"));
            waitSomeRelayRuns(pipeline);
            assertEquals(1, requestCalls().size());
            assertEquals(1, paybox.accepted().size());
        }
    }

    @Test
    void aProcessorFailingInARowIsLeftAloneWhileItsCircuitIsOpenThenTriedAgain() throws Exception {
        paybox.failNext(2, 503);
        Map<String, String> settings = new java.util.HashMap<>(withPaybox(1000));
        settings.put("dsr.processors.breaker.failures", "2");
        settings.put("dsr.processors.breaker.open-seconds", "3");
        try (RunningPipeline pipeline = RunningPipeline.start(settings)) {
            Request r = tell(pipeline);
            await("the message waits for the open circuit", WAIT, () -> pipeline.count("select count(*) from outbox"
                    + " where request_id = ? and last_error like '%circuit is open%'", r.id()) == 1);
            assertEquals(2, requestCalls().size(), "not tried while the circuit is open");
            assertEquals(2, pipeline.count("select attempts from outbox where request_id = ? and channel = 'HTTP'", r.id()),
                    "the wait used no attempt");
            awaitTask(pipeline, r, TaskStatus.SENT);
            await("the outbox row is sent", WAIT, () -> outboxStatus(pipeline, r).equals("SENT"));
            assertEquals(List.of(503, 503, 201), requestCalls().stream().map(LocalProcessor.Call::status).toList());
            assertEquals(3, pipeline.count("select attempts from outbox where request_id = ? and channel = 'HTTP'", r.id()));
        }
    }

    @Test
    void aProcessorUnreachableAfterEveryAttemptIsGivenUpAndTheOperatorIsToldAtOnce() throws Exception {
        paybox.failNext(5, 503);
        Map<String, String> settings = new java.util.HashMap<>(withPaybox(1000));
        settings.put("dsr.outbox.max-attempts", "2");
        settings.put("dsr.processors.breaker.failures", "10");
        try (RunningPipeline pipeline = RunningPipeline.start(settings)) {
            Request r = tell(pipeline);
            await("the outbox row is given up", WAIT, () -> outboxStatus(pipeline, r).equals("FAILED"));
            await("the operator is mailed", WAIT, () -> pipeline.received(OPERATOR).size() == 1);
            assertEquals(2, requestCalls().size());
            assertEquals("QUEUED", pipeline.store().queryForObject("select status from processor_task where request_id = ?",
                    String.class, r.id()), "not confirmed, not refused: it never answered");
            String text = (String) pipeline.received(OPERATOR).get(0).getContent();
            assertTrue(text.contains("could not be reached") && text.contains("503"), text);
            assertEquals(1, pipeline.count("select count(*) from request_event where request_id = ? and kind ="
                    + " 'PROCESSOR_ESCALATED'", r.id()));
        }
    }

    @Test
    void aCustomApiIsCalledWithItsTemplateAndHmacSignatureAndItsAnswerConfirms() throws Exception {
        System.setProperty("DSR_TEST_METRIKA_SECRET", "metrika-secret");
        String yaml = """
                  - name: metrika
                    kind: http
                    types: [ERASURE]
                    confirm-within-days: 14
                    identities:
                      - { from: email, type: email, format: sha256 }
                    url: %s
                    method: DELETE
                    templates:
                      erasure: '{"user_hash": "{{email_sha256}}", "ticket": "{{subject_request_id}}"}'
                    auth: { scheme: hmac, secret-env: DSR_TEST_METRIKA_SECRET, header: X-Metrika-Signature }
                """.formatted(paybox.customEndpoint());
        try (RunningPipeline pipeline = RunningPipeline.start(processorsFile(yaml))) {
            Request r = tell(pipeline);
            UUID id = awaitTask(pipeline, r, TaskStatus.COMPLETED);
            await("the outbox row is sent", WAIT, () -> outboxStatus(pipeline, r).equals("SENT"));

            LocalProcessor.Call call = paybox.calls().get(0);
            assertEquals("DELETE", call.method());
            assertEquals(id.toString(), call.headers().get("idempotency-key"));
            assertTrue(Hmac.verify("metrika-secret", call.body().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    call.headers().get("x-metrika-signature")), "signed over the body sent");
            JsonNode body = Json.mapper().readTree(call.body());
            assertEquals(SubjectIdentities.sha256("subject.one@example.kz"), body.path("user_hash").asText());
            assertEquals(id.toString(), body.path("ticket").asText());
            assertEquals(1, paybox.accepted().size());
        }
    }

    @Test
    void a201WithABadSignatureIsNotTakenAsDeliveredAndIsRetried() throws Exception {
        paybox.badSignatureNext(1);
        try (RunningPipeline pipeline = RunningPipeline.start(withPaybox(1000))) {
            Request r = tell(pipeline);
            await("the first 201 was refused", WAIT, () -> pipeline.count("select count(*) from outbox where"
                    + " request_id = ? and last_error like '%not taken as delivered%'", r.id()) == 1
                    || outboxStatus(pipeline, r).equals("SENT"));
            awaitTask(pipeline, r, TaskStatus.SENT);
            await("the outbox row is sent", WAIT, () -> outboxStatus(pipeline, r).equals("SENT"));

            assertEquals(List.of(201, 201), requestCalls().stream().map(LocalProcessor.Call::status).toList());
            assertEquals(2, pipeline.count("select attempts from outbox where request_id = ? and channel = 'HTTP'", r.id()),
                    "the badly signed 201 used an attempt");
            assertEquals(1, paybox.accepted().size(), "one request at the processor: the retry carried the same id");
            assertEquals(1, pipeline.count("select count(*) from request_event where request_id = ? and kind ="
                    + " 'PROCESSOR_SENT' and details like '%\"controllerId\":\"local-controller\"%'", r.id()),
                    "the signed 201's ids are on the timeline");
        }
    }

    @Test
    void a201NeverSignedRightIsEscalatedAndNeverTakenAsDelivered() throws Exception {
        paybox.badSignatureNext(10);
        Map<String, String> settings = new java.util.HashMap<>(withPaybox(1000));
        settings.put("dsr.outbox.max-attempts", "2");
        try (RunningPipeline pipeline = RunningPipeline.start(settings)) {
            Request r = tell(pipeline);
            await("the outbox row is given up", WAIT, () -> outboxStatus(pipeline, r).equals("FAILED"));
            await("the operator is mailed", WAIT, () -> pipeline.received(OPERATOR).size() == 1);
            assertEquals("QUEUED", pipeline.store().queryForObject("select status from processor_task where"
                    + " request_id = ?", String.class, r.id()), "a 201 whose signature fails is not a delivery");
            assertEquals(0, pipeline.count("select count(*) from request_event where request_id = ? and kind ="
                    + " 'PROCESSOR_SENT'", r.id()));
            String text = (String) pipeline.received(OPERATOR).get(0).getContent();
            assertTrue(text.contains("not taken as delivered"), text);
        }
    }

    @Test
    void theEncodedRequestOfThe201IsNeitherStoredNorLogged() throws Exception {
        ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory
                .getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ch.qos.logback.classic.Logger ours = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("kz.dsr");
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> log =
                new ch.qos.logback.core.read.ListAppender<>();
        log.start();
        root.addAppender(log);
        ch.qos.logback.classic.Level before = ours.getLevel();
        ours.setLevel(ch.qos.logback.classic.Level.DEBUG);
        try (RunningPipeline pipeline = RunningPipeline.start(withPaybox(1000))) {
            Request r = tell(pipeline);
            awaitTask(pipeline, r, TaskStatus.SENT);
            await("the outbox row is sent", WAIT, () -> outboxStatus(pipeline, r).equals("SENT"));
            // What the processor answered: its 201 carries encoded_request, our request in Base64.
            String answered = java.util.Base64.getEncoder().encodeToString(paybox.accepted().get(0).body()
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            String core = answered.substring(0, 40);

            String dump = String.join("\n", pipeline.store().queryForList("select string_agg(t::text, ' ') from ("
                    + " select * from outbox) t", String.class))
                    + String.join("\n", pipeline.store().queryForList("select string_agg(e::text, ' ') from ("
                    + " select * from request_event) e", String.class))
                    + String.join("\n", pipeline.store().queryForList("select string_agg(d::text, ' ') from ("
                    + " select * from dead_letter) d", String.class));
            assertTrue(dump.contains("PROCESSOR_SENT"), "the store was read: " + dump.length());
            assertTrue(!dump.contains(core) && !dump.contains("encoded_request"), "encoded_request is in the store");
            String logged = log.list.stream().map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
                    .collect(java.util.stream.Collectors.joining("\n"));
            assertTrue(logged.contains("paybox"), "the log was captured");
            assertTrue(!logged.contains(core) && !logged.contains("encoded_request"), "encoded_request is in the log");
        } finally {
            root.detachAppender(log);
            ours.setLevel(before);
        }
    }

    /** The calls that carried a request (not the discovery and certificate fetches). */
    private List<LocalProcessor.Call> requestCalls() {
        return paybox.calls().stream().filter(c -> c.path().endsWith("_requests")).toList();
    }

    /** Settings naming a processors file with paybox (OpenDSR, sha256 e-mail, bearer token) on the local processor. */
    private Map<String, String> withPaybox(int responseTimeoutMs) throws Exception {
        System.setProperty(TOKEN_ENV, TOKEN);
        return TestProcessors.settings(TestProcessors.file(TestProcessors.openDsr("paybox", paybox.openDsrBase(),
                "auth: { scheme: bearer, token-env: " + TOKEN_ENV + " }", "response-timeout-ms: " + responseTimeoutMs,
                "poll-minutes: 60")));
    }

    private static Map<String, String> processorsFile(String processor) {
        return Map.of("dsr.processors.file", TestProcessors.file(processor).toString());
    }

    /**
     * An erasure carried out now: its request row and its processors' tasks and outbox rows in one
     * transaction, as the execution writes them.
     */
    private static Request tell(RunningPipeline pipeline) {
        return TestProcessors.tell(pipeline, RequestType.ERASURE, new SubjectIdentities(Optional.of(SUBJECT_EMAIL), Optional.empty(), Optional.of("42")), 1);
    }

    private static UUID awaitTask(RunningPipeline pipeline, Request r, TaskStatus expected) {
        await("the paybox task of " + r.reference() + " is " + expected, WAIT, () -> pipeline.count(
                "select count(*) from processor_task where request_id = ? and status = ?", r.id(), expected.name()) == 1);
        return pipeline.store().queryForObject("select subject_request_id from processor_task where request_id = ?",
                UUID.class, r.id());
    }

    private static String outboxStatus(RunningPipeline pipeline, Request r) {
        return pipeline.store().queryForObject("select status from outbox where request_id = ? and channel = 'HTTP'",
                String.class, r.id());
    }

    /** Five more runs of the relay (200 ms apart): the chances a wrong second call would have taken. */
    private static void waitSomeRelayRuns(RunningPipeline pipeline) {
        pipeline.awaitRouteRuns("outbox-relay", 5, WAIT);
    }
}
