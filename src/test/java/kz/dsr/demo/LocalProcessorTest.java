package kz.dsr.demo;

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

/**
 * The local processor of the demo and the tests behaves as an idempotent OpenDSR processor that signs
 * what it says with its certificate, as the specification has it.
 */
class LocalProcessorTest {

    private static final DemoCa CA = DemoCa.create("local processor test CA");
    private static final DemoCa.Identity PAYBOX = CA.issue("paybox.example", "EC");

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aRepeatedRequestGetsTheFirstAnswerAndOpensNothingNewAndItsStatusCanBeAsked() throws Exception {
        try (LocalProcessor processor = LocalProcessor.start(PAYBOX)) {
            String id = UUID.randomUUID().toString();
            String body = Json.write(Map.of("subject_request_id", id, "subject_request_type", "erasure"));
            HttpResponse<String> first = post(URI.create(processor.openDsrBase() + "/opencompliance_requests"), body, Map.of());
            HttpResponse<String> again = post(URI.create(processor.openDsrBase() + "/opendsr_requests"), body, Map.of());
            assertEquals(201, first.statusCode());
            assertEquals(201, again.statusCode());
            assertEquals(first.body(), again.body());
            assertTrue(signedByPaybox(first), "the 201 is signed with its certificate");
            assertEquals(1, processor.accepted().size());
            assertEquals(2, processor.calls().size());

            assertEquals("pending", status(processor, id));
            processor.complete(id);
            assertEquals("completed", status(processor, id));
            assertEquals(404, http.send(HttpRequest.newBuilder(URI.create(processor.openDsrBase() + "/opencompliance_requests/"
                    + UUID.randomUUID())).build(), HttpResponse.BodyHandlers.ofString()).statusCode());

            // Its discovery names where its certificate is; that chain is the one its signatures verify with.
            HttpResponse<String> discovery = http.send(HttpRequest.newBuilder(URI.create(processor.openDsrBase()
                    + "/discovery")).build(), HttpResponse.BodyHandlers.ofString());
            String certUrl = Json.mapper().readTree(discovery.body()).path("processor_certificate").asText();
            HttpResponse<byte[]> pem = http.send(HttpRequest.newBuilder(URI.create(certUrl)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(PAYBOX.certificate(), kz.dsr.processors.CertificateCheck.parse(pem.body()).get(0));
        }
    }

    @Test
    void aPendingRequestCanBeCancelledAndAStartedOneCannot() throws Exception {
        try (LocalProcessor processor = LocalProcessor.start(PAYBOX)) {
            String id = UUID.randomUUID().toString();
            post(URI.create(processor.openDsrBase() + "/opencompliance_requests"),
                    Json.write(Map.of("subject_request_id", id)), Map.of());
            HttpResponse<String> cancelled = http.send(HttpRequest.newBuilder(URI.create(processor.openDsrBase()
                    + "/opencompliance_requests/" + id)).DELETE().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(202, cancelled.statusCode(), cancelled.body());
            assertTrue(signedByPaybox(cancelled));
            assertEquals("cancelled", status(processor, id));

            String started = UUID.randomUUID().toString();
            post(URI.create(processor.openDsrBase() + "/opencompliance_requests"),
                    Json.write(Map.of("subject_request_id", started)), Map.of());
            processor.status(started, "in_progress");
            assertEquals(400, http.send(HttpRequest.newBuilder(URI.create(processor.openDsrBase()
                    + "/opencompliance_requests/" + started)).DELETE().build(), HttpResponse.BodyHandlers.ofString())
                    .statusCode());
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
    void withCallbacksItReportsANewRequestCompletedToItsCallbackUrlSigned() throws Exception {
        AtomicReference<Map<String, String>> got = new AtomicReference<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/opendsr/callback", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            got.set(Map.of("domain", exchange.getRequestHeaders().getFirst("X-OpenGDPR-Processor-Domain"),
                    "signed", String.valueOf(kz.dsr.processors.Signatures.verify(PAYBOX.certificate().getPublicKey(),
                            body, exchange.getRequestHeaders().getFirst("X-OpenGDPR-Signature"))),
                    "body", new String(body, java.nio.charset.StandardCharsets.UTF_8)));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        try (LocalProcessor processor = LocalProcessor.start(PAYBOX).headers("OpenGDPR").callingBack()) {
            String callback = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/opendsr/callback";
            String id = UUID.randomUUID().toString();
            post(URI.create(processor.openDsrBase() + "/opengdpr_requests"), Json.write(Map.of("subject_request_id", id,
                    "status_callback_urls", java.util.List.of(callback))), Map.of());
            await("the callback", Duration.ofSeconds(5), () -> got.get() != null);
            assertEquals("paybox.example", got.get().get("domain"));
            assertEquals("true", got.get().get("signed"));
            String body = got.get().get("body");
            assertTrue(body.contains(id) && body.contains("completed") && body.contains(callback), body);
        } finally {
            receiver.stop(0);
        }
    }

    private String status(LocalProcessor processor, String id) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(processor.openDsrBase()
                + "/opencompliance_requests/" + id)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        assertTrue(signedByPaybox(r), "the status is signed");
        return Json.mapper().readTree(r.body()).path("request_status").asText();
    }

    private static boolean signedByPaybox(HttpResponse<String> r) {
        return "paybox.example".equals(r.headers().firstValue("X-OpenCompliance-Processor-Domain").orElse(null))
                && kz.dsr.processors.Signatures.verify(PAYBOX.certificate().getPublicKey(),
                        r.body().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        r.headers().firstValue("X-OpenCompliance-Signature").orElse(null));
    }

    private HttpResponse<String> post(URI url, String body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(url).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
