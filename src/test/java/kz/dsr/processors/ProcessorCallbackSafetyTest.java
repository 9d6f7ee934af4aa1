package kz.dsr.processors;

import kz.dsr.demo.DemoCa;
import kz.dsr.demo.LocalProcessor;
import static kz.dsr.testing.RunningPipeline.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import kz.dsr.intake.MailIntake;
import kz.dsr.notify.MailComposer;
import kz.dsr.notify.OutgoingMail;
import kz.dsr.request.Lifecycle;
import kz.dsr.store.DeadLetters;
import kz.dsr.store.EventLog;
import kz.dsr.store.Outbox;
import kz.dsr.testing.RunningPipeline;
import kz.dsr.testing.StatementGate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What a processor's callback may and may not do, over real HTTP against the running pipeline: a late
 * answer of the relay never undoes a confirmation, a callback never moves a task backwards or out of a
 * final state, an exact replay changes nothing, and nothing the caller sends comes back as a response
 * header.
 */
class ProcessorCallbackSafetyTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final DemoCa.Identity PAYBOX = TestProcessors.identity("paybox.test");
    private static final DemoCa.Identity ANALYTIX = TestProcessors.identity("analytix.test");
    private static final String OPERATOR = kz.dsr.demo.EmbeddedServices.OPERATOR_ADDRESS;
    /** What our answers may carry; anything else came from the caller. */
    private static final Set<String> OUR_HEADERS = Set.of(":status", "content-type", "content-length", "transfer-encoding",
            "date", "connection", "keep-alive");
    private static final List<String> ATTACK_HEADERS = List.of("set-cookie", "refresh", "location", "x-anything");

    private static final AtomicInteger references = new AtomicInteger(990700);
    private static final HttpClient client = HttpClient.newHttpClient();
    private static RunningPipeline pipeline;
    /** These processors are only called back from (no outbox rows): they serve their discovery and certificate. */
    private static LocalProcessor payboxApi;
    private static LocalProcessor analytixApi;

    @BeforeAll
    static void start() {
        payboxApi = LocalProcessor.start(PAYBOX);
        analytixApi = LocalProcessor.start(ANALYTIX);
        Path file = TestProcessors.file(
                TestProcessors.openDsr("paybox", payboxApi.openDsrBase()),
                TestProcessors.openDsr("analytix", analytixApi.openDsrBase()));
        pipeline = RunningPipeline.start(TestProcessors.settings(file));
    }

    @AfterAll
    static void stop() {
        if (pipeline != null) {
            pipeline.close();
        }
        payboxApi.close();
        analytixApi.close();
    }

    // ---- a late answer of the relay against a callback ------------------------------------------

    /**
     * The relay (here another node's, on its own connections) has read the task QUEUED and is about to
     * write SENT when the processor's signed "completed" arrives: the confirmation must survive, and
     * the request complete once the other processor confirms too.
     */
    @Test
    void aLateSentOfTheRelayLeavesTheCallbacksCompleted() throws Exception {
        long request = awaitingRequest();
        UUID paybox = task(request, "paybox", "QUEUED");
        UUID analytix = task(request, "analytix", "SENT");
        StatementGate gate = new StatementGate(pipeline.store().getDataSource(), "update processor_task set status");
        ProcessorTasks relay = relayOver(gate);

        CompletableFuture<ProcessorTasks.Change> delivered = CompletableFuture.supplyAsync(
                () -> relay.delivered(httpItem(request, "paybox", paybox), 201, Map.of()));
        gate.awaitReached(WAIT);
        CompletableFuture<HttpResponse<String>> callback = CompletableFuture.supplyAsync(
                () -> signed(PAYBOX, status(paybox, "completed")));
        // Either the callback is through already, or it waits for the relay's transaction: both are orders
        // the store may choose; the relay's write comes next in both.
        await("the callback answered or waits on the relay's lock", WAIT,
                () -> callback.isDone() || waitingOnLocks() > 0);
        gate.release();
        delivered.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        HttpResponse<String> answer = callback.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(200, answer.statusCode(), answer.body());

        assertEquals("COMPLETED", taskStatus(paybox), "the processor's confirmation survives the relay's late SENT;"
                + " timeline: " + timeline(request));
        assertEquals(200, signed(ANALYTIX, status(analytix, "completed")).statusCode());
        assertEquals("COMPLETED", requestStatus(request), "timeline: " + timeline(request));
        assertEquals(1, events(request, "STATUS_COMPLETED"));
    }

    /**
     * Someone else (here a plain SQL update, as a writer that does not take the request's lock) moves
     * the task while the relay stands between its read and its write: the relay reads again and
     * decides on what the task holds now, it does not overwrite it.
     */
    @Test
    void aTaskMovedUnderTheRelayIsReadAgainNotOverwritten() throws Exception {
        long request = awaitingRequest();
        UUID paybox = task(request, "paybox", "QUEUED");
        StatementGate gate = new StatementGate(pipeline.store().getDataSource(), "update processor_task set status");
        ProcessorTasks relay = relayOver(gate);

        CompletableFuture<ProcessorTasks.Change> delivered = CompletableFuture.supplyAsync(
                () -> relay.delivered(httpItem(request, "paybox", paybox), 201, Map.of()));
        gate.awaitReached(WAIT);
        pipeline.store().update("update processor_task set status = 'IN_PROGRESS' where subject_request_id = ?", paybox);
        gate.release();
        assertNotEquals(ProcessorTasks.Change.CHANGED, delivered.get(WAIT.toSeconds(), TimeUnit.SECONDS));
        assertEquals("IN_PROGRESS", taskStatus(paybox), "timeline: " + timeline(request));
        assertEquals(0, events(request, "PROCESSOR_SENT"));
    }

    // ---- a callback moves a task forward only, once ----------------------------------------------

    @Test
    void aCancelledTaskStaysCancelled() throws Exception {
        long request = awaitingRequest();
        UUID id = task(request, "paybox", "SENT");

        assertEquals(200, byPaybox(status(id, "in_progress")).statusCode());
        assertEquals(200, byPaybox(status(id, "cancelled")).statusCode());
        int before = events(request, null);
        HttpResponse<String> back = byPaybox(status(id, "pending"));
        assertEquals(409, back.statusCode(), back.body());
        assertTrue(back.body().contains("cancelled"), back.body());

        assertEquals("CANCELLED", taskStatus(id));
        assertEquals(0, events(request, "PROCESSOR_PENDING"));
        assertEquals(1, events(request, "PROCESSOR_REPORT_REFUSED"), "the refusal is on the request's timeline");
        assertEquals(before + 1, events(request, null));
        HttpResponse<String> revived = byPaybox(status(id, "completed"));
        assertEquals(409, revived.statusCode(), "a cancelled task is final: " + revived.body());
        assertEquals("CANCELLED", taskStatus(id));
        assertEquals("AWAITING_PROCESSORS", requestStatus(request));
    }

    @Test
    void aCompletedTaskStaysCompletedAndProgressNeverGoesBack() throws Exception {
        long request = awaitingRequest();
        UUID id = task(request, "paybox", "SENT");
        assertEquals(200, byPaybox(status(id, "in_progress")).statusCode());
        HttpResponse<String> back = byPaybox(status(id, "pending"));
        assertEquals(409, back.statusCode(), back.body());
        assertEquals("IN_PROGRESS", taskStatus(id));

        assertEquals(200, byPaybox(status(id, "completed")).statusCode());
        assertEquals("COMPLETED", requestStatus(request));
        HttpResponse<String> late = byPaybox(status(id, "in_progress") + " ");
        assertEquals(409, late.statusCode(), late.body());
        assertEquals("COMPLETED", taskStatus(id));
        assertEquals(1, events(request, "PROCESSOR_IN_PROGRESS"));
        assertEquals(2, events(request, "PROCESSOR_REPORT_REFUSED"));
    }

    @Test
    void anExactReplayIsRecognisedAndChangesNothing() throws Exception {
        long request = awaitingRequest();
        UUID id = task(request, "paybox", "SENT");
        String pending = status(id, "pending");
        assertEquals(200, byPaybox(pending).statusCode());
        assertEquals(200, byPaybox(status(id, "in_progress")).statusCode());

        // The first callback again, byte for byte (signature and all): answered as what it is, a repeat.
        int before = events(request, null);
        HttpResponse<String> replay = byPaybox(pending);
        assertEquals(200, replay.statusCode(), replay.body());
        assertTrue(replay.body().contains("duplicate"), replay.body());
        assertEquals("IN_PROGRESS", taskStatus(id));
        assertEquals(before, events(request, null), "a replay records nothing");

        // A refused callback replayed is refused again, and recorded once.
        HttpResponse<String> back = byPaybox(status(id, "pending") + "\n");
        assertEquals(409, back.statusCode(), back.body());
        assertEquals(409, byPaybox(status(id, "pending") + "\n").statusCode());
        assertEquals(1, events(request, "PROCESSOR_REPORT_REFUSED"));

        String completed = status(id, "completed");
        assertEquals(200, byPaybox(completed).statusCode());
        HttpResponse<String> again = byPaybox(completed);
        assertEquals(200, again.statusCode(), again.body());
        assertTrue(again.body().contains("duplicate"), again.body());
        assertEquals(1, events(request, "PROCESSOR_COMPLETED"));
        assertEquals(1, events(request, "STATUS_COMPLETED"));
        assertEquals(1, pipeline.count("select count(*) from processor_callback c join processor_task t on"
                + " t.id = c.task_id where t.subject_request_id = ? and c.body_sha256 = ?", id,
                sha256(completed)),
                "the digest of the processed body is kept, not the body");
    }

    // ---- nothing the caller sends is echoed as a response header ---------------------------------

    @Test
    void answersCarryOnlyOurOwnHeaders() throws Exception {
        long request = awaitingRequest();
        UUID id = task(request, "paybox", "SENT");
        String attack = form(Map.of("Set-Cookie", "sid=attacker; Domain=example.kz; Path=/",
                "Refresh", "0;url=https://evil.test/", "Location", "https://evil.test/", "X-Anything", "1"));
        String query = "?" + attack;
        String json = status(id, "in_progress");

        Map<String, HttpResponse<String>> answers = new java.util.LinkedHashMap<>();
        answers.put("form, unknown domain", send(query, "application/x-www-form-urlencoded", "evil.test", null, attack));
        answers.put("form, known domain", send(query, "application/x-www-form-urlencoded", "paybox.test", null, attack));
        answers.put("form, signed", send(query, "application/x-www-form-urlencoded", "paybox.test",
                PAYBOX.sign(bytes(attack)), attack));
        answers.put("multipart", send("", "multipart/form-data; boundary=x", "paybox.test", null,
                "--x\r\nContent-Disposition: form-data; name=\"Set-Cookie\"\r\n\r\nsid=attacker\r\n--x--\r\n"));
        answers.put("json, bad signature", send(query, "application/json", "paybox.test", "00", json));
        answers.put("json, signed", send(query, "application/json", "paybox.test",
                PAYBOX.sign(bytes(json)), json));
        answers.put("form, malformed", send(query, "application/x-www-form-urlencoded", "paybox.test", null,
                "a=%zz&%&b=%E0%A4%A"));
        answers.put("json, signed, domain also in the query", send("?X-OpenDSR-Processor-Domain=evil.test&"
                + attack, "application/json", "paybox.test", PAYBOX.sign(bytes(json)), json));
        answers.put("no headers, no body", client.send(HttpRequest.newBuilder(callbackUrl(""))
                .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString()));

        answers.forEach((what, r) -> {
            Set<String> names = r.headers().map().keySet().stream().map(n -> n.toLowerCase(Locale.ROOT))
                    .collect(Collectors.toSet());
            for (String h : ATTACK_HEADERS) {
                assertTrue(!names.contains(h), what + ": the caller's " + h + " came back: " + r.headers().map());
            }
            assertTrue(OUR_HEADERS.containsAll(names), what + ": headers we did not set: " + r.headers().map());
            assertNotEquals(500, r.statusCode(), what + ": " + r.body());
            // Vert.x itself refuses a form it cannot decode (400 "Bad Request") before the route runs.
            assertTrue(r.body().startsWith("{") || r.statusCode() == 400, what + ": a JSON answer: " + r.body());
        });
        assertTrue(Set.of(403, 415).contains(answers.get("form, unknown domain").statusCode()));
        assertEquals(415, answers.get("form, known domain").statusCode(), answers.get("form, known domain").body());
        assertEquals(415, answers.get("form, signed").statusCode());
        assertEquals(415, answers.get("multipart").statusCode());
        assertTrue(Set.of(400, 415).contains(answers.get("form, malformed").statusCode()));
        assertEquals(403, answers.get("json, bad signature").statusCode());
        assertEquals(200, answers.get("json, signed").statusCode(), answers.get("json, signed").body());
        assertTrue(Set.of(400, 403, 415).contains(answers.get("no headers, no body").statusCode()));
        assertEquals("IN_PROGRESS", taskStatus(id), "only the signed JSON callback counted");
    }

    /** The caller's request, with the attack's names as request headers too. */
    private static HttpResponse<String> send(String query, String contentType, String domain, String signature,
            String body) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(callbackUrl(query)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", contentType)
                .header("X-OpenCompliance-Processor-Domain", domain)
                .header("Set-Cookie", "sid=attacker; Domain=example.kz")
                .header("Refresh", "0;url=https://evil.test/")
                .header("Location", "https://evil.test/")
                .header("X-Anything", "reflected?")
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes(body)));
        if (signature != null) {
            r.header("X-OpenCompliance-Signature", signature);
        }
        return client.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String form(Map<String, String> fields) {
        return fields.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
    }

    // ---- helpers ----------------------------------------------------------------------------------

    /**
     * The processor tasks as another node's relay holds them (built as PipelineConfiguration builds
     * them), on store connections that stop at the gate.
     */
    private static ProcessorTasks relayOver(StatementGate gate) {
        javax.sql.DataSource store = gate.dataSource();
        JdbcTemplate jdbc = new JdbcTemplate(store);
        ProcessorTasks pipelines = bean("processorTasks", ProcessorTasks.class);
        MailComposer composer = bean("mailComposer", MailComposer.class);
        EventLog events = new EventLog(jdbc);
        Outbox outbox = new Outbox(jdbc, new DeadLetters(jdbc), new Outbox.RetryPolicy(3, Duration.ofSeconds(1),
                Duration.ofSeconds(2), Duration.ofSeconds(30)));
        return new ProcessorTasks(jdbc, new TransactionTemplate(new DataSourceTransactionManager(store)),
                pipelines.processors(), new Notices(composer, ""), outbox, events,
                new Lifecycle(jdbc, events), composer, new MailIntake.Operator(OPERATOR, "ru"), Clock.systemUTC());
    }

    private static <T> T bean(String name, Class<T> type) {
        return pipeline.context().getRegistry().lookupByNameAndType(name, type);
    }

    /** The outbox message that told a processor of the request, as the relay takes it. */
    private static Outbox.Item httpItem(long request, String processor, UUID id) {
        String reference = pipeline.reference(request);
        return new Outbox.Item(0, 1, request, "HTTP", Outbox.PROCESSOR_KEY_PREFIX + reference + ":" + processor,
                new OutgoingMail(processor, "OpenDSR ERASURE", "{}", id.toString(), null, List.of(), reference));
    }

    private static int waitingOnLocks() {
        return pipeline.count("select count(*) from pg_stat_activity where datname = current_database()"
                + " and wait_event_type = 'Lock'");
    }

    private static long awaitingRequest() {
        return pipeline.store().queryForObject("insert into request (reference, type, status, language,"
                + " requester_email, received_at, due_date) values (?, 'ERASURE', 'AWAITING_PROCESSORS', 'ru',"
                + " 'subject@example.kz', now(), current_date + 10) returning id", Long.class,
                "DSR-2026-" + references.incrementAndGet());
    }

    private static UUID task(long request, String processor, String status) {
        UUID id = UUID.randomUUID();
        pipeline.store().update("insert into processor_task (request_id, processor, kind, subject_request_id, status,"
                + " due_at) values (?, ?, 'OPENDSR', ?, ?, now() + interval '14 days')", request, processor, id, status);
        return id;
    }

    private static String status(UUID id, String status) {
        return TestProcessors.status(id, status, pipeline.settings().get("dsr.processors.callback-url"));
    }

    private static HttpResponse<String> byPaybox(String body) {
        return signed(PAYBOX, body);
    }

    private static HttpResponse<String> signed(DemoCa.Identity identity, String body) {
        return TestProcessors.signed(callbackUrl(""), identity, body);
    }

    private static URI callbackUrl(String query) {
        return URI.create("http://127.0.0.1:" + pipeline.httpPort() + "/opendsr/callback" + query);
    }

    private static String sha256(String body) throws java.security.NoSuchAlgorithmException {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes(body)));
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

    private static List<String> timeline(long request) {
        return pipeline.store().queryForList("select kind || ' ' || details from request_event where request_id = ?"
                + " order by id", String.class, request);
    }

    private static int events(long request, String kind) {
        return kind == null
                ? pipeline.count("select count(*) from request_event where request_id = ?", request)
                : pipeline.count("select count(*) from request_event where request_id = ? and kind = ?", request, kind);
    }
}
