package kz.dsr.health;

import static kz.dsr.testing.RunningPipeline.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.user.GreenMailUser;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import kz.dsr.demo.EmbeddedServices;
import kz.dsr.notify.OutgoingMail;
import kz.dsr.store.Outbox;
import kz.dsr.testing.RunningPipeline;
import kz.dsr.testing.RunningPipeline.Health;
import org.junit.jupiter.api.Test;

/**
 * The mailbox refuses the pipeline's login (a wrong or changed password): the pipeline still starts and
 * sends what it has to send, readiness says which mailbox refused and what to fix, liveness stays UP,
 * and once the passwords agree again intake resumes by itself.
 */
class MailboxLoginTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String WRONG = "not-the-mailbox-password";

    @Test
    void aRefusedMailboxLoginLeavesThePipelineRunningAndNotReady() throws Exception {
        GreenMailUser mailbox = greenMail().getUserManager().getUser(EmbeddedServices.SUPPORT_LOGIN);
        try (RunningPipeline pipeline = RunningPipeline.start(Map.of("dsr.mail.imap.password", WRONG))) {
            // DOWN from the start (not polled yet), then DOWN with the reason once a poll was refused.
            await("the mailbox check reports the refused login", WAIT,
                    () -> pipeline.health("/observe/health/ready").message("mailbox").contains("refused the login"));
            Health ready = pipeline.health("/observe/health/ready");
            assertEquals(503, ready.status(), ready.body());
            assertEquals("DOWN", ready.state("mailbox"), ready.body());
            String message = ready.message("mailbox");
            assertTrue(message.contains("'" + EmbeddedServices.SUPPORT_LOGIN + "' on 127.0.0.1:"
                    + pipeline.settings().get("dsr.mail.imap.port")), "names the mailbox: " + message);
            assertTrue(message.contains("DSR_MAIL_IMAP_PASSWORD"), "says what to fix: " + message);
            assertFalse(ready.body().contains(WRONG), "no password in the answer: " + ready.body());
            Health live = pipeline.health("/observe/health/live");
            assertEquals(200, live.status(), "a mailbox that refuses us is no reason to restart: " + live.body());

            // The rest of the pipeline runs: the outbox relay still sends what the store holds.
            Outbox outbox = pipeline.context().getRegistry().lookupByNameAndType("outbox", Outbox.class);
            outbox.enqueueMail("health:still-sent", null, new OutgoingMail("still-sent@example.kz", "Still sent",
                    "The relay does not depend on the mailbox.", "still-sent@dsr.test", null, List.of(), null));
            await("the outbox still sends", WAIT, () -> pipeline.received("still-sent@example.kz").size() == 1);

            // The mailbox's password is set to what the pipeline has: the next polls log in, ready again.
            mailbox.setPassword(WRONG);
            await("ready again once the mailbox accepts the login", WAIT,
                    () -> pipeline.health("/observe/health/ready").status() == 200);
        } finally {
            mailbox.setPassword(EmbeddedServices.SUPPORT_PASSWORD);
        }
    }

    private static com.icegreen.greenmail.util.GreenMail greenMail() {
        return kz.dsr.testing.TestServers.get().mail();
    }
}
