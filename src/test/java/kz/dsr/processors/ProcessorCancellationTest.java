package kz.dsr.processors;

import static kz.dsr.testing.RunningPipeline.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import kz.dsr.demo.LocalProcessor;
import kz.dsr.request.RequestType;
import kz.dsr.store.RequestStore.Request;
import kz.dsr.testing.RunningPipeline;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A request closed by an operator while an OpenDSR processor has not started on it is cancelled there
 * (§9: {@code DELETE {url}{request path}/{id}}, answered 202 and signed), over real HTTP against a local
 * processor: a notice not sent yet is withdrawn instead, a processor already at work is not asked, and
 * a processor that refuses the cancellation is escalated to the operator.
 */
class ProcessorCancellationTest {

    private static final String OPERATOR = kz.dsr.demo.EmbeddedServices.OPERATOR_ADDRESS;
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final LocalProcessor paybox = LocalProcessor.start(TestProcessors.identity("paybox.test"));

    @AfterEach
    void stopProcessor() {
        paybox.close();
    }

    @Test
    void aRequestClosedBeforeTheProcessorStartedIsCancelledThere() {
        try (RunningPipeline pipeline = RunningPipeline.start(withPaybox())) {
            Request r = tell(pipeline);
            UUID id = awaitTask(pipeline, r, "SENT");
            assertEquals("pending", paybox.status(id.toString()));

            close(pipeline, r);
            await("the processor cancelled it", WAIT, () -> "cancelled".equals(paybox.status(id.toString())));
            await("its signed 202 is on the timeline", WAIT, () -> events(pipeline, r, "PROCESSOR_CANCEL_CONFIRMED") == 1);
            assertTrue(paybox.calls().stream().anyMatch(c -> c.method().equals("DELETE")
                    && c.path().endsWith("/opencompliance_requests/" + id) && c.status() == 202), paybox.calls().toString());
            assertEquals("CLOSED", taskStatus(pipeline, r));
            assertEquals("COMPLETED", pipeline.status(r.id()));
        }
    }

    @Test
    void aProcessorAlreadyAtWorkIsNotAskedToCancel() {
        try (RunningPipeline pipeline = RunningPipeline.start(withPaybox())) {
            Request r = tell(pipeline);
            awaitTask(pipeline, r, "SENT");
            pipeline.store().update("update processor_task set status = 'IN_PROGRESS' where request_id = ?", r.id());

            close(pipeline, r);
            pipeline.awaitRouteRuns("outbox-relay", 5, WAIT);
            assertTrue(paybox.calls().stream().noneMatch(c -> c.method().equals("DELETE")), paybox.calls().toString());
            assertEquals(0, pipeline.count("select count(*) from outbox where request_id = ? and event_key like"
                    + " 'processor-cancel:%'", r.id()));
        }
    }

    @Test
    void aNoticeNotSentYetIsWithdrawnAndNothingIsCalled() throws Exception {
        Map<String, String> settings = new java.util.HashMap<>(withPaybox());
        settings.put("dsr.outbox.poll-ms", "3600000");
        try (RunningPipeline pipeline = RunningPipeline.prepare(settings)) {
            pipeline.startCamel();
            NotifyBuilder firstRun = new NotifyBuilder(pipeline.context()).fromRoute("outbox-relay").whenDone(1).create();
            assertTrue(firstRun.matches(10, TimeUnit.SECONDS), "the relay's first run");
            Request r = tell(pipeline);
            close(pipeline, r);

            assertEquals(1, pipeline.count("select count(*) from outbox where request_id = ? and channel = 'HTTP'"
                    + " and status = 'FAILED' and body = '' and last_error like '%withdrawn%'", r.id()),
                    "the queued notice is withdrawn, its identities blanked");
            assertEquals(0, pipeline.count("select count(*) from outbox where request_id = ? and event_key like"
                    + " 'processor-cancel:%'", r.id()), "nothing to cancel at a processor that was never told");
            assertEquals(1, events(pipeline, r, "PROCESSOR_WITHDRAWN"));
            pipeline.stopCamel();
            pipeline.settings().put("dsr.outbox.poll-ms", "200");
            pipeline.startCamel();
            pipeline.awaitRouteRuns("outbox-relay", 5, WAIT);
            assertEquals(List.of(), paybox.calls().stream().filter(c -> c.path().contains("_requests")).toList());
        }
    }

    @Test
    void aProcessorThatRefusesTheCancellationIsEscalated() throws Exception {
        try (RunningPipeline pipeline = RunningPipeline.start(withPaybox())) {
            Request r = tell(pipeline);
            UUID id = awaitTask(pipeline, r, "SENT");
            // It started meanwhile, and has not told us yet.
            paybox.status(id.toString(), "in_progress");

            close(pipeline, r);
            await("the refusal is on the timeline", WAIT, () -> events(pipeline, r, "PROCESSOR_CANCEL_REFUSED") == 1);
            await("the operator is told", WAIT, () -> pipeline.received(OPERATOR).stream()
                    .anyMatch(m -> text(m).contains("400")));
            assertEquals("in_progress", paybox.status(id.toString()));
            assertEquals(1, pipeline.count("select count(*) from outbox where request_id = ? and event_key like"
                    + " 'processor-cancel:%' and status = 'FAILED'", r.id()), "not retried");
        }
    }

    private Map<String, String> withPaybox() {
        return TestProcessors.settings(TestProcessors.file(TestProcessors.openDsr("paybox", paybox.openDsrBase(),
                "poll-minutes: 60")));
    }

    private static void close(RunningPipeline pipeline, Request r) {
        pipeline.context().getRegistry().lookupByNameAndType("processorTasks", ProcessorTasks.class)
                .close(r.id(), "settled with the processor by phone", "operator-test");
    }

    /** An erasure carried out now, its paybox task and notice committed as the execution writes them. */
    private static Request tell(RunningPipeline pipeline) {
        return TestProcessors.tell(pipeline, RequestType.ERASURE, new SubjectIdentities(Optional.of("subject@example.kz"), Optional.empty(), Optional.empty()), 1);
    }

    private static UUID awaitTask(RunningPipeline pipeline, Request r, String status) {
        await("the task is " + status, WAIT, () -> status.equals(taskStatus(pipeline, r)));
        return pipeline.store().queryForObject("select subject_request_id from processor_task where request_id = ?",
                UUID.class, r.id());
    }

    private static String taskStatus(RunningPipeline pipeline, Request r) {
        return pipeline.store().queryForObject("select status from processor_task where request_id = ?", String.class,
                r.id());
    }

    private static int events(RunningPipeline pipeline, Request r, String kind) {
        return pipeline.count("select count(*) from request_event where request_id = ? and kind = ?", r.id(), kind);
    }

    private static String text(jakarta.mail.internet.MimeMessage m) {
        try {
            return String.valueOf(m.getContent());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
