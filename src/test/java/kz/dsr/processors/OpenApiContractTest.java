package kz.dsr.processors;

import static kz.dsr.testing.RunningPipeline.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.networknt.schema.InputFormat;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import kz.dsr.demo.DemoCa;
import kz.dsr.demo.LocalProcessor;
import kz.dsr.request.RequestType;
import kz.dsr.store.Json;
import kz.dsr.store.RequestStore.Request;
import kz.dsr.testing.RunningPipeline;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * docs/openapi.yaml is what the pipeline serves at GET /opendsr/openapi.yaml, and what it says is what
 * the pipeline does: the OpenDSR request it sends and the custom notice validate against its schemas, a
 * callback valid by its schema is accepted and one that is not is refused, and every answer of the
 * callback endpoint validates against its Answer schema.
 */
class OpenApiContractTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final DemoCa.Identity PAYBOX = TestProcessors.identity("paybox.test");

    @Test
    void whatWeServeSendAndAcceptMatchesTheDocument() throws Exception {
        Map<String, Object> document = yaml(Path.of("docs/openapi.yaml"));
        try (LocalProcessor processors = LocalProcessor.start(PAYBOX)) {
            Path file = TestProcessors.file(TestProcessors.openDsr("paybox", processors.openDsrBase()), """
                      - name: metrika
                        kind: http
                        types: [ERASURE]
                        confirm-within-days: 10
                        identities:
                          - { from: subject, type: user_id }
                        url: %s
                        templates:
                          ERASURE: '{"user_id": "{{subject}}", "request_id": "{{subject_request_id}}"}'
                    """.formatted(processors.customEndpoint()));
            try (RunningPipeline pipeline = RunningPipeline.start(TestProcessors.settings(file))) {
                HttpClient http = HttpClient.newHttpClient();
                URI base = URI.create("http://127.0.0.1:" + pipeline.httpPort());
                HttpResponse<byte[]> served = http.send(HttpRequest.newBuilder(base.resolve("/opendsr/openapi.yaml"))
                        .build(), HttpResponse.BodyHandlers.ofByteArray());
                assertEquals(200, served.statusCode());
                assertArrayEquals(Files.readAllBytes(Path.of("docs/openapi.yaml")), served.body(),
                        "the served document is docs/openapi.yaml");

                // What we send.
                Request r = tell(pipeline);
                await("both processors called", WAIT, () -> processors.accepted().size() == 2);
                String openDsr = processors.accepted().stream().filter(a -> a.body().contains("subject_identities"))
                        .findFirst().orElseThrow().body();
                assertValid(document, "OpenDsrRequest", openDsr);
                LocalProcessor.Accepted custom = processors.accepted().stream()
                        .filter(a -> a.body().contains("user_id")).findFirst().orElseThrow();
                assertValid(document, "CustomNotice", custom.body());
                assertTrue(custom.headers().containsKey("idempotency-key"), custom.headers().toString());
                assertTrue(processors.calls().stream().filter(c -> c.path().endsWith("_requests"))
                        .allMatch(c -> c.headers().containsKey("idempotency-key")));

                // What we accept, and what we answer.
                UUID id = pipeline.store().queryForObject("select subject_request_id from processor_task where"
                        + " request_id = ? and processor = 'paybox'", UUID.class, r.id());
                await("paybox's 201 taken", WAIT, () -> pipeline.count("select count(*) from processor_task where"
                        + " subject_request_id = ? and status = 'SENT'", id) == 1);
                URI callback = base.resolve("/opendsr/callback");
                String ours = pipeline.settings().get("dsr.processors.callback-url");
                String valid = TestProcessors.status(id, "in_progress", ours);
                assertValid(document, "Callback", valid);
                HttpResponse<String> recorded = TestProcessors.signed(callback, PAYBOX, valid);
                assertEquals(200, recorded.statusCode(), recorded.body());

                Map<String, Object> incomplete = new LinkedHashMap<>(Json.mapper().readValue(valid, Map.class));
                incomplete.remove("status_callback_url");
                String noUrl = Json.write(incomplete);
                assertFalse(errors(document, "Callback", noUrl).isEmpty(), "the document requires status_callback_url");
                HttpResponse<String> malformed = TestProcessors.signed(callback, PAYBOX, noUrl);
                assertEquals(400, malformed.statusCode(), malformed.body());

                HttpResponse<String> forged = TestProcessors.callback(callback, "OpenDSR", "paybox.test", "AAAA", valid);
                assertEquals(403, forged.statusCode());
                for (HttpResponse<String> answer : List.of(recorded, malformed, forged,
                        TestProcessors.signed(callback, PAYBOX, valid))) {
                    assertValid(document, "Answer", answer.body());
                }
            }
        }
    }

    private static void assertValid(Map<String, Object> document, String schema, String json) {
        List<String> errors = errors(document, schema, json);
        assertTrue(errors.isEmpty(), schema + " of docs/openapi.yaml refuses " + json + ": " + errors);
    }

    /** The instance checked against one schema of the document's components (JSON Schema 2020-12). */
    @SuppressWarnings("unchecked")
    private static List<String> errors(Map<String, Object> document, String schema, String json) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        root.put("components", document.get("components"));
        root.put("$ref", "#/components/schemas/" + schema);
        return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                .getSchema(Json.write(root), InputFormat.JSON)
                .validate(json, InputFormat.JSON).stream().map(Object::toString).toList();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> yaml(Path file) throws Exception {
        return (Map<String, Object>) new Load(LoadSettings.builder().build()).loadFromString(Files.readString(file));
    }

    private static Request tell(RunningPipeline pipeline) {
        return TestProcessors.tell(pipeline, RequestType.ERASURE, new SubjectIdentities(Optional.of("subject@example.kz"), Optional.empty(), Optional.of("42")), 2);
    }
}
