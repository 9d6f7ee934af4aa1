package kz.dsr.notify;

import static kz.dsr.testing.RunningPipeline.await;
import static kz.dsr.testing.TestMail.mail;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import kz.dsr.testing.RunningPipeline;
import org.junit.jupiter.api.Test;

/**
 * The SMTP server's answer decides what the relay does: a permanent refusal (5xx to the recipient) is
 * given up after the one attempt, with a dead letter for the operator; a temporary one (4xx) is retried.
 */
class SmtpRefusalTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void a5xxRefusalIsGivenUpAfterOneAttemptAndA4xxIsRetried() throws Exception {
        try (SmtpStub smtp = new SmtpStub(false, address -> switch (address) {
                case "refused@example.kz" -> "550 5.1.1 <refused@example.kz>: Recipient address rejected: User unknown";
                case "later@example.kz" -> "451 4.3.0 <later@example.kz>: Temporary lookup failure";
                default -> "250 2.1.5 Ok";
            });
             RunningPipeline pipeline = RunningPipeline.start(Map.of(
                     "dsr.mail.smtp.port", String.valueOf(smtp.port()),
                     "dsr.outbox.max-attempts", "5"))) {
            for (String sender : new String[] {"refused@example.kz", "later@example.kz", "fine@example.kz"}) {
                pipeline.deliver(mail().from(sender).subject("Удаление аккаунта").body("Прошу удалить мой аккаунт.").bytes());
            }
            await("the acknowledgement to the good address sent", WAIT, () -> status(pipeline, "fine@example.kz").equals("SENT"));
            await("the refused acknowledgement ended or tried again", WAIT, () -> status(pipeline, "refused@example.kz")
                    .equals("FAILED") || attempts(pipeline, "refused@example.kz") > 1);
            assertEquals("FAILED", status(pipeline, "refused@example.kz"), "a 550 is given up");
            assertEquals(1, attempts(pipeline, "refused@example.kz"), "after one attempt");
            assertEquals(1, smtp.rcptsTo("refused@example.kz"), "the server was asked once");
            String deadLetter = pipeline.store().queryForObject("select error from dead_letter where source = 'outbox'"
                    + " and item_key = (select 'outbox:' || id from outbox where recipient = 'refused@example.kz')",
                    String.class);
            assertTrue(deadLetter.contains("550"), deadLetter);

            await("the deferred acknowledgement tried again", WAIT, () -> attempts(pipeline, "later@example.kz") >= 2);
            assertEquals("PENDING", status(pipeline, "later@example.kz"), "a 451 is retried on the schedule");
            assertEquals(1, pipeline.count("select count(*) from dead_letter where source = 'outbox'"));
            assertTrue(smtp.messages().stream().anyMatch(m -> m.contains("To: fine@example.kz")));
        }
    }

    private static String status(RunningPipeline pipeline, String recipient) {
        java.util.List<String> s = pipeline.store().queryForList("select status from outbox where recipient = ?",
                String.class, recipient);
        return s.isEmpty() ? "" : s.get(0);
    }

    private static int attempts(RunningPipeline pipeline, String recipient) {
        java.util.List<Integer> s = pipeline.store().queryForList("select attempts from outbox where recipient = ?",
                Integer.class, recipient);
        return s.isEmpty() ? 0 : s.get(0);
    }
}
