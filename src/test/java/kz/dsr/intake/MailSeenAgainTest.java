package kz.dsr.intake;

import static kz.dsr.testing.RunningPipeline.await;
import static kz.dsr.testing.TestMail.mail;
import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import kz.dsr.demo.EmbeddedServices;
import kz.dsr.testing.RunningPipeline;
import kz.dsr.testing.TestMail;
import kz.dsr.testing.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A mail the store has already recorded can come back to the inbox: the node crashed between the
 * commit and the move, or another node recorded it first. It must go to the folder it was recorded
 * for (Support for mail people answer), and nothing is recorded or answered twice.
 */
class MailSeenAgainTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static RunningPipeline pipeline;

    @BeforeAll
    static void start() {
        pipeline = RunningPipeline.start(Map.of());
    }

    @AfterAll
    static void stop() {
        pipeline.close();
    }

    @Test
    void aMailSeenAgainGoesToTheFolderItWasRecordedFor() throws Exception {
        record Case(TestMail mail, String disposition, String folder) {
        }
        List<Case> cases = List.of(
                new Case(mail().from("order-again@example.kz").subject("Заказ")
                        .body("Здравствуйте, где мой заказ? Жду уже два часа."), "FOR_SUPPORT", "Support"),
                new Case(mail().from("request-again@example.kz").subject("Удаление аккаунта")
                        .body("Здравствуйте, прошу удалить мой аккаунт."), "NEW_REQUEST", "Processed"),
                new Case(mail().from("robot-again@example.kz").subject("Automatic reply: Delete my data")
                        .body("I am out of office until Monday.").header("Auto-Submitted", "auto-replied"),
                        "NOISE", "Processed"));
        for (Case c : cases) {
            pipeline.deliver(c.mail.bytes());
        }
        for (Case c : cases) {
            await(c.disposition + " mail in " + c.folder, WAIT, () -> copies(c.folder, c.mail.messageId()) == 1);
            assertEquals(c.disposition, pipeline.store().queryForObject(
                    "select disposition from inbound_message where message_key = ?", String.class, c.mail.messageId()));
        }

        // A node that stopped between copying a mail to its folder and deleting it from the inbox: the same
        // mails, byte for byte, in the inbox again while their folder holds them. The inbox's copy goes.
        for (Case c : cases) {
            pipeline.deliver(c.mail.bytes());
        }
        await("the inbox emptied again", WAIT, () -> pipeline.folderCount("INBOX") == 0);
        for (Case c : cases) {
            assertEquals(1, copies(c.folder, c.mail.messageId()), "one copy of the " + c.disposition
                    + " mail in " + c.folder);
        }

        // A node that stopped between the commit and the move: recorded, but in no folder yet.
        for (Case c : cases) {
            removeFrom(c.folder, c.mail.messageId());
            pipeline.deliver(c.mail.bytes());
        }
        await("the inbox emptied a third time", WAIT, () -> pipeline.folderCount("INBOX") == 0);
        for (Case c : cases) {
            String other = c.folder.equals("Support") ? "Processed" : "Support";
            assertEquals(1, copies(c.folder, c.mail.messageId()), "the " + c.disposition + " mail is in " + c.folder);
            assertEquals(0, copies(other, c.mail.messageId()), "no copy of the " + c.disposition
                    + " mail is in " + other);
            assertEquals(1, pipeline.count("select count(*) from inbound_message where message_key = ?",
                    c.mail.messageId()), "recorded once");
        }
        assertEquals(1, pipeline.count("select count(*) from request where requester_email = 'request-again@example.kz'"));
        pipeline.awaitRouteRuns("outbox-relay", 3, WAIT); // a second acknowledgement, had one been queued, is sent by now
        assertEquals(1, pipeline.received("request-again@example.kz").size(), "acknowledged once");
        assertEquals(0, pipeline.received("order-again@example.kz").size(), "support mail is never answered");
        assertEquals(0, pipeline.received("robot-again@example.kz").size(), "noise is never answered");
        assertEquals(0, pipeline.count("select count(*) from dead_letter"));
    }

    /** Deletes (and expunges) the mails with this Message-ID from a folder of the support mailbox. */
    private static void removeFrom(String folderName, String messageId) throws MessagingException {
        Store imap = Session.getInstance(new Properties()).getStore("imap");
        imap.connect("127.0.0.1", TestServers.get().imapPort(), EmbeddedServices.SUPPORT_LOGIN,
                EmbeddedServices.SUPPORT_PASSWORD);
        try {
            Folder folder = imap.getFolder(folderName);
            folder.open(Folder.READ_WRITE);
            for (Message m : folder.search(new jakarta.mail.search.MessageIDTerm("<" + messageId + ">"))) {
                m.setFlag(Flags.Flag.DELETED, true);
            }
            folder.close(true);
        } finally {
            imap.close();
        }
    }

    /** Copies of the mail with this Message-ID in a folder of the support mailbox (deleted ones not counted). */
    private static int copies(String folderName, String messageId) {
        try {
            Store imap = Session.getInstance(new Properties()).getStore("imap");
            imap.connect("127.0.0.1", TestServers.get().imapPort(), EmbeddedServices.SUPPORT_LOGIN,
                    EmbeddedServices.SUPPORT_PASSWORD);
            try {
                Folder folder = imap.getFolder(folderName);
                if (!folder.exists()) {
                    return 0;
                }
                folder.open(Folder.READ_ONLY);
                int n = 0;
                for (Message m : folder.getMessages()) {
                    if (!m.isSet(Flags.Flag.DELETED) && ("<" + messageId + ">").equals(((MimeMessage) m).getMessageID())) {
                        n++;
                    }
                }
                folder.close(false);
                return n;
            } finally {
                imap.close();
            }
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }
}
