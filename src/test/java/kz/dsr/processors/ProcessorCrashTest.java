package kz.dsr.processors;

import kz.dsr.demo.LocalProcessor;
import static kz.dsr.testing.RunningPipeline.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import kz.dsr.request.RequestStatus;
import kz.dsr.request.RequestType;
import kz.dsr.store.DeadLetters;
import kz.dsr.store.Json;
import kz.dsr.store.Outbox;
import kz.dsr.store.RequestStore;
import kz.dsr.testing.RunningPipeline;
import org.junit.jupiter.api.Test;

/**
 * A crash between commit and send: requests whose processor notices are committed in the outbox, a
 * pipeline killed (SIGKILL, no graceful stop) while it is calling the processor, then restarted. Every
 * notice reaches the processor, and the processor holds exactly one request per notice — also for the
 * call that was in flight when the pipeline died (the processor took it, the outbox never heard): it is
 * sent again after its lease, with the same idempotency key.
 */
class ProcessorCrashTest {

    private static final int NOTICES = 20;

    @Test
    void aKillWhileCallingTheProcessorThenARestartGivesOneRequestPerNotice() throws Exception {
        try (LocalProcessor paybox = LocalProcessor.start(TestProcessors.identity("paybox.test"))) {
            // Slow answers: the kill lands while a call is in flight.
            paybox.delayNext(NOTICES * 2, Duration.ofMillis(400));
            Path file = TestProcessors.file(TestProcessors.openDsr("paybox", paybox.openDsrBase(),
                    "response-timeout-ms: 5000", "poll-minutes: 60"));
            Map<String, String> settings = TestProcessors.settings(file);
            settings.put("dsr.outbox.lease-seconds", "3");
            settings.put("dsr.outbox.mark-sent-retry-seconds", "2");
            settings.put("dsr.outbox.batch-size", "5");
            try (RunningPipeline pipeline = RunningPipeline.prepare(settings)) {
                Set<String> ids = commitNotices(pipeline);
                Path logs = Files.createDirectories(Path.of("target", "processor-crash"));

                Process first = pipeline.startInChildJvm(logs.resolve("first-run.log"));
                await("the first run has called the processor a few times", Duration.ofSeconds(90), () ->
                        paybox.calls().size() >= 4 || !first.isAlive());
                first.destroyForcibly();
                assertTrue(first.waitFor(20, TimeUnit.SECONDS));
                int sentBeforeRestart = pipeline.count("select count(*) from outbox where status = 'SENT'");
                assertTrue(sentBeforeRestart < NOTICES, "killed mid-way: " + sentBeforeRestart + " sent");

                Process second = pipeline.startInChildJvm(logs.resolve("second-run.log"));
                try {
                    await("every notice sent after the restart", Duration.ofSeconds(90), () ->
                            pipeline.count("select count(*) from outbox where status = 'SENT'") == NOTICES);
                } finally {
                    second.destroyForcibly();
                    second.waitFor(20, TimeUnit.SECONDS);
                }
                Set<String> accepted = new HashSet<>();
                paybox.accepted().forEach(a -> accepted.add(a.id()));
                assertEquals(ids, accepted, "the processor holds each notice's request");
                assertEquals(NOTICES, paybox.accepted().size(), "and no request twice");
                assertEquals(NOTICES, pipeline.count("select count(*) from processor_task where status = 'SENT'"));
                assertTrue(paybox.calls().size() >= NOTICES, "every notice was called at least once");
                System.out.printf("processor crash test: %d of %d notices marked sent before the kill; %d calls in"
                        + " all for %d requests taken by the processor%n", sentBeforeRestart, NOTICES,
                        paybox.calls().size(), paybox.accepted().size());
            }
        }
    }

    /** Erasures carried out: each with its paybox task and notice committed, as the execution writes them. */
    private static Set<String> commitNotices(RunningPipeline pipeline) {
        kz.dsr.store.StoreDatabase.migrate(pipeline.store().getDataSource());
        RequestStore requests = new RequestStore(pipeline.store());
        Outbox outbox = new Outbox(pipeline.store(), new DeadLetters(pipeline.store()),
                new Outbox.RetryPolicy(5, Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(3)));
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < NOTICES; i++) {
            RequestStore.Request r = requests.open(RequestType.ERASURE, RequestStatus.AWAITING_PROCESSORS, "ru",
                    "crash" + i + "@example.kz", Instant.now(), LocalDate.now().plusDays(30), 1.0, false, Map.of());
            UUID id = UUID.randomUUID();
            pipeline.store().update("insert into processor_task (request_id, processor, kind, subject_request_id, due_at)"
                    + " values (?, 'paybox', 'OPENDSR', ?, ?)", r.id(), id, Timestamp.from(Instant.now().plus(Duration.ofDays(14))));
            outbox.enqueueHttp(Outbox.PROCESSOR_KEY_PREFIX + r.reference() + ":paybox", r.id(), "paybox",
                    "OpenDSR ERASURE", id.toString(), Json.write(Map.of("regulation", "gdpr",
                            "subject_request_id", id.toString(), "subject_request_type", "erasure")));
            ids.add(id.toString());
        }
        return ids;
    }
}
