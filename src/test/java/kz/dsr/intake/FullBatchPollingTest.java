package kz.dsr.intake;

import static kz.dsr.testing.RunningPipeline.await;
import static kz.dsr.testing.TestMail.mail;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Map;
import kz.dsr.testing.RunningPipeline;
import org.junit.jupiter.api.Test;

/**
 * A poll that took a full batch (dsr.mail.max-per-poll) is followed at once by the next one: a backlog
 * is read batch after batch, not one batch per poll delay.
 */
class FullBatchPollingTest {

    private static final int MAILS = 30;
    private static final int PER_POLL = 5;
    private static final Duration POLL_DELAY = Duration.ofSeconds(5);

    @Test
    void aBacklogIsReadBatchAfterBatchWithoutWaitingThePollDelayBetween() {
        try (RunningPipeline pipeline = RunningPipeline.prepare(Map.of(
                "dsr.mail.max-per-poll", String.valueOf(PER_POLL),
                "dsr.mail.poll-delay-ms", String.valueOf(POLL_DELAY.toMillis()),
                "dsr.intake.flood.max-requests-per-hour", "1000"))) {
            for (int i = 0; i < MAILS; i++) {
                pipeline.deliver(mail().from("backlog" + i + "@example.kz").subject("Delete " + i)
                        .body("Please delete my account " + i).bytes());
            }
            pipeline.startCamel();
            // One batch per delay would take 6 polls, 5 delays apart; reading on at once takes seconds.
            await(MAILS + " mails in batches of " + PER_POLL + " recorded and moved within two poll delays",
                    POLL_DELAY.multipliedBy(2), () -> pipeline.count("select count(*) from inbound_message") == MAILS
                            && pipeline.folderCount("INBOX") == 0);
            assertEquals(MAILS, pipeline.folderCount("Processed"));
            assertEquals(MAILS, pipeline.count("select count(*) from request"));
        }
    }
}
