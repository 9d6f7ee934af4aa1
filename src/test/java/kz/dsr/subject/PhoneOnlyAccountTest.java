package kz.dsr.subject;

import static kz.dsr.testing.RunningPipeline.await;
import static kz.dsr.testing.TestMail.mail;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import kz.dsr.demo.Sample;
import kz.dsr.store.Json;
import kz.dsr.testing.RunningPipeline;
import kz.dsr.testing.TestMail;
import kz.dsr.testing.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * inji's phone-only accounts: the code goes by SMS through the configured HTTP gateway (a real local
 * HTTP server here, which fails once before it accepts), the person sends it back by mail, the
 * request is carried out.
 */
class PhoneOnlyAccountTest {

    private static final Duration WAIT = Duration.ofSeconds(40);
    private static HttpServer gateway;
    private static final List<JsonNode> smsReceived = new CopyOnWriteArrayList<>();
    private static final List<String> authorizations = new CopyOnWriteArrayList<>();
    private static final AtomicInteger calls = new AtomicInteger();
    private static RunningPipeline pipeline;
    private static JdbcTemplate app;

    @BeforeAll
    static void start() throws Exception {
        gateway = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        gateway.createContext("/sms", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            int status;
            if (calls.incrementAndGet() == 1) {
                status = 500; // the first call fails: the outbox must retry
            } else {
                smsReceived.add(Json.mapper().readTree(body));
                authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
                status = 202;
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        gateway.start();
        String injiUrl = TestServers.get().sampleDatabase(Sample.INJI, 20, 3);
        pipeline = RunningPipeline.start(Map.of(
                "dsr.flow.poll-ms", "200",
                "dsr.datamap.file", "config/datamap-inji.yaml",
                "dsr.app-db.url", injiUrl,
                "dsr.sms.url", "http://127.0.0.1:" + gateway.getAddress().getPort() + "/sms",
                "dsr.sms.token", "test-token",
                "dsr.sms.timeout-ms", "3000"));
        app = new JdbcTemplate(TestServers.get().dataSource(injiUrl));
    }

    @AfterAll
    static void stop() {
        pipeline.close();
        gateway.stop(0);
    }

    @Test
    void theCodeGoesBySmsAndTheErasureIsCarriedOutWhenItComesBack() {
        TestMail m = mail().from("asel.k@example.com").subject("Удалить аккаунт")
                .body("Здравствуйте, удалите мой аккаунт в inji, номер телефона 8 701 123 45 67.");
        pipeline.deliver(m.bytes());
        await("request", WAIT, () -> pipeline.count("select count(*) from inbound_message where message_key = ?"
                + " and request_id is not null", m.messageId()) == 1);
        long id = pipeline.store().queryForObject("select request_id from inbound_message where message_key = ?",
                Long.class, m.messageId());
        String ref = pipeline.store().queryForObject("select reference from request where id = ?", String.class, id);

        // (The gateway fails its first call, whichever test makes it: the outbox retries.)
        await("the SMS", WAIT, () -> smsReceived.stream().anyMatch(j -> j.get("text").asText().contains(ref)));
        JsonNode sms = smsReceived.stream().filter(j -> j.get("text").asText().contains(ref)).findFirst().orElseThrow();
        assertEquals("+77011234567", sms.get("to").asText());
        assertEquals("Bearer test-token", authorizations.get(0));
        assertTrue(calls.get() >= 2, "the gateway's 500 was retried");
        Matcher code = Pattern.compile("(?<![\\d-])(\\d{6})(?![\\d-])").matcher(sms.get("text").asText());
        assertTrue(code.find(), sms.toString());
        assertEquals(2, app.queryForObject("select count(*) from addresses where user_id = 1", Integer.class));

        pipeline.replyToLast("asel.k@example.com", ref, "Вот код: " + code.group(1));
        await("completed", WAIT, () -> "COMPLETED".equals(pipeline.store().queryForObject(
                "select status from request where id = ?", String.class, id)));
        assertEquals(0, app.queryForObject("select count(*) from addresses where user_id = 1", Integer.class));
        assertEquals(1, pipeline.count("select count(*) from outbox where channel = 'SMS' and body like '(removed%'"
                + " and request_id = ?", id),
                "the sent code is not kept");
        await("completed reply", WAIT, () -> pipeline.received("asel.k@example.com").stream().anyMatch(r ->
                RequestLifecycleTest.text(r).contains("выполнен")));
        String done = pipeline.received("asel.k@example.com").stream().map(RequestLifecycleTest::text)
                .filter(t -> t.contains("выполнен")).findFirst().orElseThrow();
        assertTrue(done.contains("платёжные записи"), "kept payments, explained in Russian: " + done);
        assertTrue(new String(done.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8).contains("5 лет"), done);
    }

    @Test
    void anExportGoesOnlyToAnAddressThatProvedItselfWithACodeOfItsOwn() throws Exception {
        String requester = "daniyar.b@example.com";
        TestMail m = mail().from(requester).subject("Мои данные")
                .body("Здравствуйте! Пришлите, пожалуйста, копию всех моих персональных данных. Мой номер +7 702 111 22 33.");
        long id = pipeline.requestOf(m, WAIT);
        String ref = pipeline.reference(id);
        await("the SMS", WAIT, () -> smsReceived.stream().anyMatch(j -> j.get("to").asText().equals("+77021112233")
                && j.get("text").asText().contains(ref)));
        Matcher code = Pattern.compile("(?<![\\d-])(\\d{6})(?![\\d-])").matcher(smsReceived.stream()
                .filter(j -> j.get("text").asText().contains(ref)).findFirst().orElseThrow().get("text").asText());
        assertTrue(code.find());
        pipeline.replyToLast(requester, ref, code.group(1));
        // The phone's code proved the account holder; the address the export would go to proves itself next.
        await("a code to the requester's address", WAIT, () -> pipeline.mailsAbout(requester, ref).stream()
                .anyMatch(r -> RequestLifecycleTest.text(r).contains("одноразовый код:")));
        jakarta.mail.internet.MimeMessage confirm = pipeline.mailsAbout(requester, ref).stream()
                .filter(r -> RequestLifecycleTest.text(r).contains("одноразовый код:")).findFirst().orElseThrow();
        assertEquals("AWAITING_VERIFICATION", pipeline.status(id));
        assertTrue(pipeline.mailsAbout(requester, ref).stream().noneMatch(r -> RequestLifecycleTest.text(r)
                .contains("export.html")), "no export before the address proved itself");
        Matcher second = Pattern.compile("код: (\\d{6})").matcher(RequestLifecycleTest.text(confirm));
        assertTrue(second.find(), RequestLifecycleTest.text(confirm));
        pipeline.deliver(RunningPipeline.replyTo(confirm, requester, second.group(1)).bytes());
        pipeline.awaitStatus(id, "COMPLETED", WAIT);
        await("the export", WAIT, () -> pipeline.mailsAbout(requester, ref).stream()
                .anyMatch(r -> RequestLifecycleTest.text(r).contains("export.html")));
        String done = pipeline.mailsAbout(requester, ref).stream().map(RequestLifecycleTest::text)
                .filter(t -> t.contains("export.html")).findFirst().orElseThrow();
        assertTrue(done.contains("подтвердили одноразовым кодом"), "says where it went and why: " + done);
    }
}
