package kz.dsr.notify;

import static kz.dsr.testing.RunningPipeline.await;
import static kz.dsr.testing.TestMail.mail;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import kz.dsr.testing.RunningPipeline;
import org.junit.jupiter.api.Test;

/** The relay retries with growing delays while SMTP is unreachable, then gives up with a dead letter. */
class OutboxRelayTest {

    @Test
    void unreachableSmtpIsRetriedWithBackoffThenGivenUpAsADeadLetter() throws Exception {
        int deadPort;
        try (ServerSocket s = new ServerSocket(0)) {
            deadPort = s.getLocalPort(); // closed again: nothing listens there
        }
        try (RunningPipeline pipeline = RunningPipeline.start(Map.of(
                "dsr.mail.smtp.port", String.valueOf(deadPort),
                "dsr.outbox.max-attempts", "3",
                "dsr.outbox.backoff-initial-seconds", "2",
                "dsr.outbox.backoff-max-seconds", "4"))) {
            pipeline.deliver(mail().from("retry@example.kz").bytes());
            await("the first attempt failed", Duration.ofSeconds(30), () -> pipeline.count(
                    "select count(*) from outbox where attempts >= 1 and last_error is not null") == 1);
            assertEquals("PENDING", pipeline.store().queryForObject("select status from outbox", String.class));
            assertTrue(pipeline.count("select count(*) from outbox where next_attempt_at > now()") == 1,
                    "the next attempt waits for its backoff");
            await("given up after 3 attempts", Duration.ofSeconds(30), () -> pipeline.count(
                    "select count(*) from outbox where status = 'FAILED'") == 1);
            assertEquals(3, pipeline.count("select attempts from outbox"));
            assertEquals(1, pipeline.count("select count(*) from dead_letter where source = 'outbox'"));
            assertEquals(0, pipeline.received("retry@example.kz").size());
        }
    }

    @Test
    void eachQueuedMailIsSentOnceAndMarkedSent() throws Exception {
        try (RunningPipeline pipeline = RunningPipeline.start()) {
            for (int i = 0; i < 20; i++) {
                pipeline.deliver(mail().from("once" + i + "@example.kz").bytes());
            }
            await("20 sent", Duration.ofSeconds(30),
                    () -> pipeline.count("select count(*) from outbox where status = 'SENT'") == 20);
            pipeline.awaitRouteRuns("outbox-relay", 5, Duration.ofSeconds(30)); // more relay runs: nothing is sent twice
            for (int i = 0; i < 20; i++) {
                assertEquals(1, pipeline.received("once" + i + "@example.kz").size());
            }
            assertEquals(20, pipeline.count("select count(*) from outbox where attempts = 1 and sent_at is not null"));
        }
    }
}
