package kz.dsr.intake;

import static kz.dsr.testing.RunningPipeline.await;
import static kz.dsr.testing.TestMail.mail;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.mail.internet.MimeMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import kz.dsr.testing.RunningPipeline;
import org.junit.jupiter.api.Test;

/**
 * Kills the pipeline's JVM (SIGKILL) in the middle of a batch, starts it again, and counts: every mail
 * must have exactly one request and one acknowledgement, and the inbox must end empty.
 */
class ExactlyOnceAcrossCrashTest {

    private static final int MAILS = 300;

    @Test
    void aCrashMidBatchThenARestartGivesOneRequestAndOneAcknowledgementPerMail() throws Exception {
        // A short outbox lease: acknowledgements the killed node had taken but not sent go out soon after.
        try (RunningPipeline pipeline = RunningPipeline.prepare(Map.of(
                "dsr.mail.max-per-poll", "100", "dsr.intake.flood.max-requests-per-hour", "1000",
                "dsr.outbox.lease-seconds", "5", "dsr.outbox.mark-sent-retry-seconds", "2"))) {
            for (int i = 0; i < MAILS; i++) {
                pipeline.deliver(mail().from("crash" + i + "@example.kz").subject("Delete " + i)
                        .body("Please delete my account " + i).bytes());
            }
            Path logs = Files.createDirectories(Path.of("target", "crash-test"));

            Process first = pipeline.startInChildJvm(logs.resolve("first-run.log"));
            // Kill it once it is well into the work: some requests committed, many mails still waiting.
            await("the first run has committed some requests", Duration.ofSeconds(90), () ->
                    pipeline.count("select count(*) from request") >= 40 || !first.isAlive());
            first.destroyForcibly();
            assertTrue(first.waitFor(20, TimeUnit.SECONDS));
            int beforeRestart = pipeline.count("select count(*) from request");
            int leased = pipeline.count("select count(*) from outbox where status = 'SENDING'");
            assertTrue(beforeRestart < MAILS, "the crash happened mid-batch (" + beforeRestart + " of " + MAILS + ")");

            Process second = pipeline.startInChildJvm(logs.resolve("second-run.log"));
            try {
                await("every mail recorded and acknowledged after the restart", Duration.ofSeconds(120), () ->
                        pipeline.count("select count(*) from outbox where status = 'SENT'") >= MAILS);
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "; requests " + pipeline.count("select count(*) from request")
                        + ", outbox by status " + pipeline.store().queryForList(
                                "select status || ':' || count(*) from outbox group by status", String.class)
                        + ", last errors " + pipeline.store().queryForList(
                                "select distinct last_error from outbox where last_error is not null", String.class), e);
            }
            try {
                await("the inbox is empty", Duration.ofSeconds(30), () -> pipeline.folderCount("INBOX") == 0);
            } finally {
                second.destroy();
                second.waitFor(30, TimeUnit.SECONDS);
            }

            assertEquals(MAILS, pipeline.count("select count(*) from request"));
            assertEquals(MAILS, pipeline.count("select count(distinct requester_email) from request"));
            assertEquals(MAILS, pipeline.count("select count(*) from inbound_message"));
            assertEquals(MAILS, pipeline.count("select count(*) from outbox"));
            assertEquals(0, pipeline.count("select count(*) from dead_letter"));
            Set<String> ackIds = new HashSet<>();
            int delivered = 0;
            for (MimeMessage m : pipeline.mail().getReceivedMessages()) {
                String to = m.getAllRecipients()[0].toString();
                if (to.startsWith("crash")) {
                    delivered++;
                    ackIds.add(m.getMessageID());
                }
            }
            assertEquals(MAILS, ackIds.size(), "one acknowledgement per mail");
            // SMTP has no transactions: a kill between the server's "250 OK" and the outbox update sends
            // that one message again, with the same Message-ID (so mail clients show it once).
            assertTrue(delivered - ackIds.size() <= 1, "at most the one in-flight message resent: " + delivered);
            System.out.printf("crash test: %d of %d requests committed before the kill, %d acknowledgements taken "
                    + "by the relay and not marked sent; after the restart %d delivered, %d distinct%n",
                    beforeRestart, MAILS, leased, delivered, ackIds.size());
        }
    }
}
