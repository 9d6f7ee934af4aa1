package kz.dsr.intake;

import static kz.dsr.testing.RunningPipeline.await;
import static kz.dsr.testing.TestMail.mail;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import kz.dsr.testing.RunningPipeline;
import kz.dsr.testing.TestMail;
import org.junit.jupiter.api.Test;

/** A mail whose recording fails goes to Failed with a dead letter, once; the others go on. */
class FailedMailTest {

    @Test
    void aMailThatCannotBeRecordedGoesToFailedWithADeadLetterAndDoesNotLoop() throws Exception {
        try (RunningPipeline pipeline = RunningPipeline.prepare(Map.of())) {
            // A real database failure inside the transaction, for one mail only.
            pipeline.store().execute("alter table inbound_message add constraint poison check (subject <> 'POISON')");
            TestMail poison = mail().from("poison@example.kz").subject("POISON").body("Delete me");
            TestMail fine = mail().from("fine@example.kz").subject("Delete").body("Delete me");
            pipeline.deliver(poison.bytes());
            pipeline.deliver(fine.bytes());
            pipeline.startCamel();

            await("the poison mail in Failed", Duration.ofSeconds(30), () -> pipeline.folderCount("Failed") == 1);
            await("the other mail acknowledged", Duration.ofSeconds(30),
                    () -> pipeline.received("fine@example.kz").size() == 1);
            pipeline.awaitPolls("intake-mailbox", 5, Duration.ofSeconds(30)); // a poison mail must not come back
            assertEquals(1, pipeline.count("select count(*) from dead_letter where source = 'intake'"));
            assertEquals(poison.messageId(), pipeline.store().queryForObject("select item_key from dead_letter",
                    String.class), "the operator finds the dead letter by the mail's Message-ID");
            String error = pipeline.store().queryForObject("select error from dead_letter", String.class);
            assertTrue(error.contains("poison"), error);
            byte[] raw = pipeline.store().queryForObject("select raw from dead_letter", byte[].class);
            assertNotNull(raw);
            assertTrue(new String(raw, java.nio.charset.StandardCharsets.US_ASCII).contains(poison.messageId()),
                    "the raw mail is kept with the dead letter");
            assertEquals(0, pipeline.count("select count(*) from request where requester_email = 'poison@example.kz'"));
            assertEquals(0, pipeline.received("poison@example.kz").size());
            assertEquals(0, pipeline.folderCount("INBOX"));
            assertEquals(1, pipeline.folderCount("Processed"));
        }
    }
}
