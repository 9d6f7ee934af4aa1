package kz.dsr.processors;

import kz.dsr.demo.DemoCa;
import static kz.dsr.testing.RunningPipeline.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import kz.dsr.testing.RunningPipeline;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Processors confirming what we told them, over real HTTP: their signed callbacks to the pipeline's
 * {@code POST /opendsr/callback}, and our status polls of a local OpenDSR stub, which serves its discovery
 * and certificate and signs its status answers (an unsigned or badly signed one is not taken). Tasks are
 * written straight into the store, as the execution would have opened them.
 */
class ProcessorConfirmationTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final DemoCa.Identity PAYBOX = TestProcessors.identity("paybox.test");
    private static final DemoCa.Identity ANALYTIX = TestProcessors.identity("analytix.test");
    /** The stub's answers are signed as paybox; the ids in this set get a signature of other bytes. */
    private static final java.util.Set<UUID> badlySigned = ConcurrentHashMap.newKeySet();
    private static final String OPERATOR = kz.dsr.demo.EmbeddedServices.OPERATOR_ADDRESS;

    private static final AtomicInteger references = new AtomicInteger(990100);
    /** What the stub answers to GET /opendsr/requests/{id}: an HTTP status and a body. */
    private static final Map<UUID, Map.Entry<Integer, String>> stubAnswers = new ConcurrentHashMap<>();
    private static final List<String> stubAuthorizations = new CopyOnWriteArrayList<>();
    private static final HttpClient client = HttpClient.newHttpClient();
    private static HttpServer stub;
    private static RunningPipeline pipeline;

    @BeforeAll
    static void start() throws IOException {
        stub = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        String root = "http://127.0.0.1:" + stub.getAddress().getPort();
        stub.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            // paybox under /paybox, analytix under /analytix: each its discovery and certificate.
            DemoCa.Identity who = path.startsWith("/analytix") ? ANALYTIX : PAYBOX;
            String base = path.startsWith("/analytix") ? "/analytix" : "/paybox";
            byte[] body;
            int status;
            boolean sign = false;
            UUID id = null;
            if (path.endsWith("/discovery")) {
                status = 200;
                body = ("{\"api_version\": \"1.0\", \"supported_identities\": [{\"identity_type\": \"email\","
                        + " \"identity_format\": \"sha256\"}], \"supported_subject_request_types\": [\"erasure\"],"
                        + " \"processor_certificate\": \"" + root + base + "/cert.pem\"}").getBytes(StandardCharsets.UTF_8);
            } else if (path.endsWith("/cert.pem")) {
                status = 200;
                body = who.pem();
            } else {
                stubAuthorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
                id = UUID.fromString(path.substring(path.lastIndexOf('/') + 1));
                Map.Entry<Integer, String> answer = stubAnswers.getOrDefault(id, Map.entry(404, "{}"));
                status = answer.getKey();
                body = answer.getValue().getBytes(StandardCharsets.UTF_8);
                sign = true;
            }
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            if (sign) {
                exchange.getResponseHeaders().add("X-OpenCompliance-Processor-Domain", who.domain());
                exchange.getResponseHeaders().add("X-OpenCompliance-Signature",
                        who.sign(badlySigned.contains(id) ? new byte[] {1} : body));
            }
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        stub.start();
        System.setProperty("DSR_TEST_PAYBOX_TOKEN", "paybox-test-token");
        Path file = TestProcessors.file(
                TestProcessors.openDsr("paybox", root + "/paybox", "auth: { scheme: bearer, token-env: DSR_TEST_PAYBOX_TOKEN }",
                        "connect-timeout-ms: 2000", "response-timeout-ms: 2000", "poll-minutes: 60"),
                TestProcessors.openDsr("analytix", root + "/analytix"));
        Map<String, String> settings = TestProcessors.settings(file);
        settings.put("dsr.processors.poll-ms", "300");
        pipeline = RunningPipeline.start(settings);
    }

    @AfterAll
    static void stop() {
        if (pipeline != null) {
            pipeline.close();
        }
        stub.stop(0);
    }

    @Test
    void aSignedCallbackCompletesTheTaskAndTheRequestOnce() throws Exception {
        long request = awaitingRequest();
        UUID id = sent(request, "paybox");

        String body = status(id, "completed");
        HttpResponse<String> first = signedByPaybox(body);
        assertEquals(200, first.statusCode(), first.body());
        assertTrue(first.body().contains("recorded"), first.body());
        assertEquals("COMPLETED", taskStatus(id));
        assertEquals("COMPLETED", requestStatus(request));
        assertEquals(1, events(request, "PROCESSOR_COMPLETED"));
        assertEquals(1, events(request, "STATUS_COMPLETED"));

        // The processor retries (it missed our answer): accepted, and nothing happens twice.
        int before = events(request, null);
        HttpResponse<String> again = signedByPaybox(body);
        assertEquals(200, again.statusCode(), again.body());
        assertTrue(again.body().contains("duplicate"), again.body());
        assertEquals(before, events(request, null), "a duplicate records no event");
        assertEquals(1, events(request, "STATUS_COMPLETED"));
    }

    @Test
    void inProgressThenCompleted() throws Exception {
        long request = awaitingRequest();
        UUID id = sent(request, "paybox");

        String working = "{\"api_version\": \"1.0\", \"subject_request_id\": \"" + id + "\", \"request_status\":"
                + " \"in_progress\", \"expected_completion_time\": \"2026-12-20T10:00:00Z\", \"status_callback_url\": \""
                + callbackUrl() + "\"}";
        assertEquals(200, signedByPaybox(working).statusCode());
        assertEquals("IN_PROGRESS", taskStatus(id));
        assertEquals("AWAITING_PROCESSORS", requestStatus(request));
        assertEquals(1, pipeline.count("select count(*) from request_event where request_id = ? and kind ="
                + " 'PROCESSOR_IN_PROGRESS' and details like '%2026-12-20T10:00:00Z%'", request));

        assertEquals(200, signedByPaybox(status(id, "completed")).statusCode());
        assertEquals("COMPLETED", taskStatus(id));
        assertEquals("COMPLETED", requestStatus(request));
    }

    @Test
    void aBadOrMissingSignatureIsRefusedAndChangesNothing() throws Exception {
        long request = awaitingRequest();
        UUID id = sent(request, "paybox");
        String body = status(id, "completed");
        int before = events(request, null);

        HttpResponse<String> forged = callback("paybox.test", ANALYTIX.sign(bytes(body)), body);
        assertEquals(403, forged.statusCode(), forged.body());
        HttpResponse<String> unsigned = callback("paybox.test", null, body);
        assertEquals(403, unsigned.statusCode(), unsigned.body());
        // Signed for other bytes: the signature covers the raw body, not what it means.
        HttpResponse<String> tampered = callback("paybox.test", PAYBOX.sign(bytes(body + " ")), body);
        assertEquals(403, tampered.statusCode(), tampered.body());

        assertEquals("SENT", taskStatus(id));
        assertEquals("AWAITING_PROCESSORS", requestStatus(request));
        assertEquals(before, events(request, null));
    }

    @Test
    void anUnknownProcessorDomainIsRefused() throws Exception {
        long request = awaitingRequest();
        UUID id = sent(request, "paybox");
        String body = status(id, "completed");
        HttpResponse<String> answer = callback("evil.test", PAYBOX.sign(bytes(body)), body);
        assertEquals(403, answer.statusCode(), answer.body());
        assertEquals("SENT", taskStatus(id));
    }

    @Test
    void anotherProcessorsRequestIdIsNotFound() throws Exception {
        long request = awaitingRequest();
        UUID analytix = sent(request, "analytix");

        HttpResponse<String> answer = signedByPaybox(status(analytix, "completed"));
        assertEquals(404, answer.statusCode(), answer.body());
        assertEquals("SENT", taskStatus(analytix));
        assertEquals(404, signedByPaybox(status(UUID.randomUUID(), "completed")).statusCode());
    }

    @Test
    void malformedUnknownStatusAndOversizedBodiesAreRefused() throws Exception {
        long request = awaitingRequest();
        UUID id = sent(request, "paybox");

        HttpResponse<String> notJson = signedByPaybox("{\"subject_request_id\": ");
        assertEquals(400, notJson.statusCode(), notJson.body());
        assertTrue(notJson.body().contains("not valid JSON"), notJson.body());
        HttpResponse<String> noId = signedByPaybox("{\"request_status\": \"completed\", \"status_callback_url\": \""
                + callbackUrl() + "\"}");
        assertEquals(400, noId.statusCode());
        assertTrue(noId.body().contains("subject_request_id is missing"), noId.body());
        HttpResponse<String> unknown = signedByPaybox(status(id, "done"));
        assertEquals(400, unknown.statusCode());
        assertTrue(unknown.body().contains("'done'"), unknown.body());
        HttpResponse<String> huge = signedByPaybox("{\"pad\": \"" + "x".repeat(70_000) + "\"}");
        assertEquals(413, huge.statusCode());
        assertEquals("SENT", taskStatus(id));
    }

    @Test
    void aPollThatAnswersCompletedCompletesTheTask() {
        long request = awaitingRequest();
        UUID id = task(request, "paybox", "SENT", "now() + interval '14 days'", "now() - interval '1 minute'");
        stubAnswers.put(id, Map.entry(200, "{\"subject_request_id\": \"" + id + "\", \"request_status\": \"completed\"}"));

        await("the poll completes the task", WAIT, () -> "COMPLETED".equals(taskStatus(id)));
        await("the request completes", WAIT, () -> "COMPLETED".equals(requestStatus(request)));
        assertEquals(1, pipeline.count("select count(*) from request_event where request_id = ? and kind ="
                + " 'PROCESSOR_COMPLETED' and details like '%\"source\":\"poll\"%'", request));
        assertTrue(stubAuthorizations.contains("Bearer paybox-test-token"), stubAuthorizations.toString());
        assertEquals(0, pipeline.count("select count(*) from processor_task where subject_request_id = ? and"
                + " next_poll_at is not null", id), "a completed task is not asked again");
    }

    @Test
    void aStatusAnswerWithABadSignatureIsNotTaken() {
        long request = awaitingRequest();
        UUID id = task(request, "paybox", "SENT", "now() + interval '14 days'", "now() - interval '1 minute'");
        badlySigned.add(id);
        stubAnswers.put(id, Map.entry(200, "{\"subject_request_id\": \"" + id + "\", \"request_status\": \"completed\"}"));

        await("the poll is answered and put off", WAIT, () -> pipeline.count("select count(*) from processor_task"
                + " where subject_request_id = ? and next_poll_at > now() + interval '50 minutes'", id) == 1);
        assertEquals("SENT", taskStatus(id), "a status not signed by the processor's certificate changes nothing");
        assertEquals(0, pipeline.count("select count(*) from request_event where request_id = ? and kind ="
                + " 'PROCESSOR_COMPLETED'", request));
    }

    @Test
    void aFailedPollIsAskedAgainLater() {
        long request = awaitingRequest();
        UUID id = task(request, "paybox", "SENT", "now() + interval '14 days'", "now() - interval '1 minute'");
        stubAnswers.put(id, Map.entry(503, "{}"));

        await("the failed poll is put off by the processor's interval", WAIT, () -> pipeline.count(
                "select count(*) from processor_task where subject_request_id = ? and next_poll_at > now()"
                        + " + interval '50 minutes'", id) == 1);
        assertEquals("SENT", taskStatus(id));
    }

    @Test
    void aProcessorSilentPastItsDeadlineIsEscalatedOnce() {
        long request = awaitingRequest();
        String reference = pipeline.store().queryForObject("select reference from request where id = ?",
                String.class, request);
        task(request, "analytix", "SENT", "now() - interval '1 day'", null);

        await("one escalation mail to the operator", WAIT, () -> escalationMails(reference) == 1);
        // Another run (the timer's, and one called here) finds nothing new to escalate.
        pipeline.context().getRegistry().lookupByNameAndType("processorPolls", ProcessorPolls.class).run(50);
        await("the outbox is empty", WAIT, () -> pipeline.count("select count(*) from outbox where status"
                + " in ('PENDING', 'SENDING')") == 0);
        assertEquals(1, escalationMails(reference));
        assertEquals(1, events(request, "PROCESSOR_ESCALATED"));
    }

    private static int escalationMails(String reference) {
        return (int) pipeline.received(OPERATOR).stream().filter(m -> {
            try {
                return m.getSubject().contains("analytix") && reference.equals(m.getHeader("X-DSR-Reference", null));
            } catch (jakarta.mail.MessagingException e) {
                throw new IllegalStateException(e);
            }
        }).count();
    }

    private static long awaitingRequest() {
        return pipeline.store().queryForObject("insert into request (reference, type, status, language,"
                + " requester_email, received_at, due_date) values (?, 'ERASURE', 'AWAITING_PROCESSORS', 'ru',"
                + " 'subject@example.kz', now(), current_date + 10) returning id", Long.class,
                "DSR-2026-" + references.incrementAndGet());
    }

    /** A delivered task, due in 14 days, not polled. */
    private static UUID sent(long request, String processor) {
        return task(request, processor, "SENT", "now() + interval '14 days'", null);
    }

    /** A task as the execution opens it, already delivered; {@code nextPoll} null: not polled. */
    private static UUID task(long request, String processor, String status, String dueAt, String nextPoll) {
        UUID id = UUID.randomUUID();
        pipeline.store().update("insert into processor_task (request_id, processor, kind, subject_request_id, status,"
                + " due_at, next_poll_at) values (?, ?, 'OPENDSR', ?, ?, " + dueAt + ", "
                + (nextPoll == null ? "null" : nextPoll) + ")", request, processor, id, status);
        return id;
    }

    private static String callbackUrl() {
        return pipeline.settings().get("dsr.processors.callback-url");
    }

    private static String status(UUID id, String status) {
        return TestProcessors.status(id, status, callbackUrl());
    }

    private static HttpResponse<String> signedByPaybox(String body) {
        return callback("paybox.test", PAYBOX.sign(bytes(body)), body);
    }

    private static HttpResponse<String> callback(String domain, String signature, String body) {
        return TestProcessors.callback(URI.create("http://127.0.0.1:" + pipeline.httpPort() + "/opendsr/callback"),
                "OpenDSR", domain, signature, body);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String taskStatus(UUID id) {
        return pipeline.store().queryForObject("select status from processor_task where subject_request_id = ?",
                String.class, id);
    }

    private static String requestStatus(long request) {
        return pipeline.store().queryForObject("select status from request where id = ?", String.class, request);
    }

    /** Events of the request (of one kind, or all with null). */
    private static int events(long request, String kind) {
        return kind == null
                ? pipeline.count("select count(*) from request_event where request_id = ?", request)
                : pipeline.count("select count(*) from request_event where request_id = ? and kind = ?", request, kind);
    }
}
