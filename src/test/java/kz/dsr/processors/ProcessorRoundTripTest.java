package kz.dsr.processors;

import kz.dsr.demo.LocalProcessor;
import static kz.dsr.testing.RunningPipeline.await;
import static kz.dsr.testing.TestMail.mail;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import kz.dsr.subject.RequestLifecycleTest;
import kz.dsr.testing.RunningPipeline;
import kz.dsr.testing.TestMail;
import org.junit.jupiter.api.Test;

/**
 * The whole round trip as the demo shows it, in the real pipeline: an erasure mail is carried out, the
 * payment processor — an OpenDSR processor built to the specification, its certificate issued by a CA
 * (the test's) for its domain — is told, answers 201 signed, and confirms by a signed callback to
 * /opendsr/callback; the analytics provider's own API confirms by its answer; only then is the request
 * COMPLETED and the person told.
 */
class ProcessorRoundTripTest {

    private static final Duration WAIT = Duration.ofSeconds(40);

    @Test
    void anErasureIsCompletedOnceBothProcessorsConfirmed() throws Exception {
        try (LocalProcessor processors = LocalProcessor.start(TestProcessors.identity("paybox.test")).callingBack()) {
            Path file = TestProcessors.file("""
                      - name: paybox
                        kind: opendsr
                        types: [ERASURE]
                        categories: [finance]
                        confirm-within-days: 10
                        identities:
                          - { from: email, type: email, format: sha256 }
                          - { from: phone, type: phone_number, format: raw }
                        url: %s
                        domain: paybox.test
                      - name: metrika
                        kind: http
                        types: [ERASURE, CONSENT_WITHDRAWAL]
                        confirm-within-days: 10
                        identities:
                          - { from: subject, type: user_id }
                        url: %s
                        templates:
                          ERASURE: '{"user_id": "{{subject}}", "request_id": "{{subject_request_id}}"}'
                          CONSENT_WITHDRAWAL: '{"user_id": "{{subject}}", "stop": true}'
                    """.formatted(processors.openDsrBase(), processors.customEndpoint()));
            Map<String, String> settings = new java.util.HashMap<>(TestProcessors.settings(file));
            settings.put("dsr.flow.poll-ms", "200");
            settings.put("dsr.verification.tier.ERASURE", "sender");
            try (RunningPipeline pipeline = RunningPipeline.prepare(settings)) {
                URI callback = URI.create("http://127.0.0.1:" + pipeline.httpPort() + "/opendsr/callback");
                pipeline.settings().put("dsr.processors.callback-url", callback.toString());
                pipeline.startCamel();

                String requester = "aigerim.nurlanova@example.kz";
                TestMail m = mail().from(requester).subject("Удаление аккаунта")
                        .body("Здравствуйте! Прошу удалить мой аккаунт и все мои персональные данные.");
                long id = pipeline.requestOf(m, WAIT);
                String ref = pipeline.reference(id);
                pipeline.awaitStatus(id, "COMPLETED", WAIT);
                await("the final reply", WAIT, () -> pipeline.received(requester).stream()
                        .map(RequestLifecycleTest::text).anyMatch(t -> t.contains("запрос " + ref + " выполнен")));

                List<String> steps = pipeline.store().queryForList("select kind || ':' || coalesce(details::json->>'processor',"
                        + " '') || ':' || coalesce(details::json->>'source', '') from request_event where request_id = ?"
                        + " and (kind like 'PROCESSOR_%' or kind in ('STATUS_AWAITING_PROCESSORS', 'STATUS_COMPLETED'))"
                        + " order by id", String.class, id);
                assertEquals(List.of("PROCESSOR_TOLD:paybox:", "PROCESSOR_TOLD:metrika:", "STATUS_AWAITING_PROCESSORS::"),
                        steps.subList(0, 3));
                assertTrue(steps.contains("PROCESSOR_COMPLETED:paybox:callback")
                        && steps.contains("PROCESSOR_COMPLETED:metrika:api"), steps.toString());
                // paybox calls back while it answers our call: its answer (SENT) is recorded when it came
                // first, and refused when it came after the callback's COMPLETED (which it never undoes).
                assertTrue(steps.contains("PROCESSOR_SENT:paybox:api")
                        || steps.contains("PROCESSOR_REPORT_REFUSED:paybox:api"), steps.toString());
                List<String> changes = steps.stream().filter(s -> !s.startsWith("PROCESSOR_REPORT_REFUSED")).toList();
                assertEquals("STATUS_COMPLETED::", changes.get(changes.size() - 1), "completed after both confirmed: "
                        + steps);

                // What the processors got: paybox the hashed e-mail and the registered phone, metrika our user id.
                String told = processors.accepted().stream().filter(a -> a.body().contains("subject_identities"))
                        .findFirst().orElseThrow().body();
                assertTrue(told.contains(SubjectIdentities.sha256(requester)) && told.contains("+7") && !told.contains(requester)
                        && told.contains(callback.toString()), told);
                assertTrue(processors.accepted().stream().anyMatch(a -> a.body().contains("\"user_id\": \"1\"")),
                        processors.accepted().toString());
                // The signed 201 was taken (its ids on the timeline), the signed callback completed the task.
                assertEquals(1, pipeline.count("select count(*) from request_event where request_id = ? and kind in"
                        + " ('PROCESSOR_SENT', 'PROCESSOR_REPORT_REFUSED') and details like '%\"source\":\"api\"%'", id));
                assertTrue(processors.calls().stream().anyMatch(c -> c.path().endsWith("/discovery")),
                        "the pipeline asked the processor's discovery");
            }
        }
    }
}
