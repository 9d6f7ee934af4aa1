package kz.dsr.demo;

import kz.dsr.secrets.Hmac;
import static kz.dsr.testing.RunningPipeline.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import kz.dsr.store.Json;
import org.junit.jupiter.api.Test;

/** The local processor of the demo and the tests behaves as an idempotent OpenDSR processor. */
class LocalProcessorTest {

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aRepeatedRequestGetsTheFirstAnswerAndOpensNothingNewAndItsStatusCanBeAsked() throws Exception {
        try (LocalProcessor processor = LocalProcessor.start()) {
            String id = UUID.randomUUID().toString();
            String body = Json.write(Map.of("subject_request_id", id, "subject_request_type", "erasure"));
            HttpResponse<String> first = post(URI.create(processor.openDsrBase() + "/requests"), body, Map.of());
            HttpResponse<String> again = post(URI.create(processor.openDsrBase() + "/requests"), body, Map.of());
            assertEquals(201, first.statusCode());
            assertEquals(201, again.statusCode());
            assertEquals(first.body(), again.body());
            assertEquals(1, processor.accepted().size());
            assertEquals(2, processor.calls().size());

            assertEquals("pending", status(processor, id));
            processor.complete(id);
            assertEquals("completed", status(processor, id));
            assertEquals(404, http.send(HttpRequest.newBuilder(URI.create(processor.openDsrBase() + "/requests/"
                    + UUID.randomUUID())).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
        }
    }

    @Test
    void theCustomEndpointIsIdempotentByItsKeyAndRefusesACallWithoutOne() throws Exception {
        try (LocalProcessor processor = LocalProcessor.start()) {
            assertEquals(200, post(processor.customEndpoint(), "{\"a\": 1}", Map.of("Idempotency-Key", "k1")).statusCode());
            assertEquals(200, post(processor.customEndpoint(), "{\"a\": 1}", Map.of("Idempotency-Key", "k1")).statusCode());
            assertEquals(400, post(processor.customEndpoint(), "{\"a\": 1}", Map.of()).statusCode());
            assertEquals(1, processor.accepted().size());
        }
    }

    @Test
    void scriptedAnswersComeFirstThenTheRealOnes() throws Exception {
        try (LocalProcessor processor = LocalProcessor.start()) {
            processor.failNext(1, 503).answerNext(1, 400, "{\"error\": \"bad\"}");
            URI url = processor.customEndpoint();
            assertEquals(503, post(url, "{}", Map.of("Idempotency-Key", "k")).statusCode());
            assertEquals("{\"error\": \"bad\"}", post(url, "{}", Map.of("Idempotency-Key", "k")).body());
            assertEquals(200, post(url, "{}", Map.of("Idempotency-Key", "k")).statusCode());
            assertEquals(1, processor.accepted().size());
        }
    }

    @Test
    void withACallbackItReportsANewRequestCompletedSignedWithTheSecret() throws Exception {
        AtomicReference<Map<String, String>> got = new AtomicReference<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/opendsr/callback", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            got.set(Map.of("domain", exchange.getRequestHeaders().getFirst("X-OpenDSR-Processor-Domain"),
                    "signed", String.valueOf(Hmac.verify("cb-secret", body,
                            exchange.getRequestHeaders().getFirst("X-OpenDSR-Signature"))),
                    "body", new String(body, java.nio.charset.StandardCharsets.UTF_8)));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        try (LocalProcessor processor = LocalProcessor.start()) {
            processor.callbackTo(URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/opendsr/callback"),
                    "paybox.example", "cb-secret");
            String id = UUID.randomUUID().toString();
            post(URI.create(processor.openDsrBase() + "/requests"), Json.write(Map.of("subject_request_id", id)), Map.of());
            await("the callback", Duration.ofSeconds(5), () -> got.get() != null);
            assertEquals("paybox.example", got.get().get("domain"));
            assertEquals("true", got.get().get("signed"));
            assertTrue(got.get().get("body").contains(id) && got.get().get("body").contains("completed"), got.get().get("body"));
        } finally {
            receiver.stop(0);
        }
    }

    private String status(LocalProcessor processor, String id) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(processor.openDsrBase() + "/requests/" + id))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        return Json.mapper().readTree(r.body()).path("request_status").asText();
    }

    private HttpResponse<String> post(URI url, String body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(url).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
