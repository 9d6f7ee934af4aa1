package kz.dsr.processors;

import static kz.dsr.testing.RunningPipeline.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import kz.dsr.demo.LocalProcessor;
import kz.dsr.request.RequestType;
import kz.dsr.store.RequestStore.Request;
import kz.dsr.testing.OperatorCommands;
import kz.dsr.testing.RunningPipeline;
import org.junit.jupiter.api.Test;

/**
 * An access request's round trip with an OpenDSR processor built to the specification: told, 201 signed,
 * completed by a signed callback carrying {@code results_url} and {@code results_count} (§8.6), which
 * the operator sees in {@code requests show} — listed, never fetched by the pipeline.
 */
class ProcessorResultsTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void theResultsUrlOfAnAccessRequestIsRecordedAndShownToTheOperator() throws Exception {
        try (LocalProcessor paybox = LocalProcessor.start(TestProcessors.identity("paybox.test")).callingBack()) {
            Map<String, String> settings = TestProcessors.settings(TestProcessors.file(TestProcessors.openDsr("paybox",
                    paybox.openDsrBase(), "poll-minutes: 0").replace("types: [ERASURE]", "types: [ACCESS]")));
            try (RunningPipeline pipeline = RunningPipeline.prepare(settings)) {
                pipeline.settings().put("dsr.processors.callback-url",
                        "http://127.0.0.1:" + pipeline.httpPort() + "/opendsr/callback");
                pipeline.startCamel();
                Request r = tell(pipeline);
                await("the access request completes at the processor", WAIT, () -> "COMPLETED".equals(
                        pipeline.store().queryForObject("select status from processor_task where request_id = ?",
                                String.class, r.id())));
                assertEquals("COMPLETED", pipeline.status(r.id()));
                String url = "http://127.0.0.1:" + paybox.openDsrBase().getPort() + "/results/";
                assertTrue(paybox.calls().stream().noneMatch(c -> c.path().startsWith("/results/")),
                        "the results are not fetched by the pipeline");

                OperatorCommands ops = OperatorCommands.configured(Files.createTempFile("dsr-ops", ".properties"),
                        pipeline.settings().get("dsr.store.url"), null);
                String show = ops.run("requests", "show", r.reference()).out();
                assertTrue(show.contains("results: " + url) && show.contains("(1 result(s))"), show);
            }
        }
    }

    private static Request tell(RunningPipeline pipeline) {
        return TestProcessors.tell(pipeline, RequestType.ACCESS, new SubjectIdentities(Optional.of("subject@example.kz"), Optional.empty(), Optional.empty()), 1);
    }
}
