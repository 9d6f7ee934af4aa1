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
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import kz.dsr.demo.EmbeddedServices;
import kz.dsr.testing.RunningPipeline;
import kz.dsr.testing.TestMail;
import kz.dsr.testing.TestServers;
import org.junit.jupiter.api.Test;

/**
 * Whatever keeps two nodes from reading the mailbox at once, a node may still meet a mail that another
 * node handled between this node's fetch and its move (the moment a reading node hands over). That mail
 * is not a failure: no dead letter, no second copy in the folder, nothing in Failed. Here the test is
 * the other node: it records the mail in the store and moves it on the mail server, at the worst moment.
 */
class MailFiledByAnotherNodeTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void aMailTheOtherNodeFiledWhileThisNodeWaitedForItsRecordIsNotFiledAgain() throws Exception {
        TestMail order = mail().from("order-elsewhere@example.kz").subject("Заказ")
                .body("Здравствуйте, где мой заказ? Жду уже два часа.");
        try (RunningPipeline pipeline = RunningPipeline.prepare(Map.of());
                OtherNode other = new OtherNode(pipeline)) {
            // The other node has fetched the mail and is recording it (its transaction is still open).
            other.beginRecording(order);
            pipeline.deliver(order.bytes());
            pipeline.startCamel();
            // This node reads the same mail and waits for the other's record of it.
            other.awaitThisNodeWaitsForTheRecord();
            // The other node moves the mail the way the mail consumer does (copy, then flag deleted) and
            // commits; it expunges only when its poll ends, after this node has gone on.
            other.fileWithoutExpunge(order, "Support");
            other.commitRecording("FOR_SUPPORT");
            // This node goes on with the mail and its poll ends; then the other node's poll ends.
            pipeline.awaitPolls("intake-mailbox", 2, WAIT);
            other.expunge();

            await("the inbox is empty", WAIT, () -> pipeline.folderCount("INBOX") == 0);
            pipeline.awaitPolls("intake-mailbox", 2, WAIT);
            assertEquals(List.of("Support"), pipeline.foldersOfEachMail().get(order.messageId()),
                    "one copy, in the folder it was recorded for");
            // A copy of a mail flagged deleted is flagged deleted too: it would still be a second copy there.
            assertEquals(1, other.copiesIn("Support", order), "no second copy, not even one flagged deleted");
            assertEquals(List.of(), pipeline.store().queryForList("select error from dead_letter", String.class));
            assertEquals(0, pipeline.folderCount("Failed"));
        }
    }

    @Test
    void aMailThatVanishedBeforeThisNodeReadItIsNoDeadLetter() throws Exception {
        TestMail first = mail().from("order-first@example.kz").subject("Заказ")
                .body("Здравствуйте, где мой заказ? Жду уже два часа.");
        TestMail second = mail().from("robot-second@example.kz").subject("Automatic reply: Delete my data")
                .body("I am out of office until Monday.").header("Auto-Submitted", "auto-replied");
        try (RunningPipeline pipeline = RunningPipeline.prepare(Map.of());
                OtherNode other = new OtherNode(pipeline)) {
            other.beginRecording(first);
            // Both mails wait in the inbox before this node starts: its first poll fetches both.
            pipeline.deliver(first.bytes());
            pipeline.deliver(second.bytes());
            pipeline.startCamel();
            other.awaitThisNodeWaitsForTheRecord();
            // While this node waits on the first mail, the other records the second and moves it away for good.
            other.recordNow(second, "NOISE");
            other.fileWithoutExpunge(second, "Processed");
            other.expunge();
            other.fileWithoutExpunge(first, "Support");
            other.commitRecording("FOR_SUPPORT");
            other.expunge();

            await("the inbox is empty", WAIT, () -> pipeline.folderCount("INBOX") == 0);
            pipeline.awaitPolls("intake-mailbox", 2, WAIT);
            Map<String, List<String>> folders = pipeline.foldersOfEachMail();
            assertEquals(List.of("Support"), folders.get(first.messageId()));
            assertEquals(List.of("Processed"), folders.get(second.messageId()));
            assertEquals(List.of(), pipeline.store().queryForList("select error from dead_letter", String.class),
                    "a mail another node handled is no dead letter");
            assertEquals(0, pipeline.folderCount("Failed"));
            assertEquals(2, pipeline.count("select count(*) from inbound_message"));
        }
    }

    /** The other node: its store transaction and its IMAP session on the support mailbox. */
    private static final class OtherNode implements AutoCloseable {

        private final RunningPipeline pipeline;
        private final Connection db;
        private final Store imap;
        private Folder inbox;

        OtherNode(RunningPipeline pipeline) throws SQLException, MessagingException {
            this.pipeline = pipeline;
            db = DriverManager.getConnection(pipeline.settings().get("dsr.store.url"), "postgres", "postgres");
            db.createStatement().execute("set search_path = dsr");
            imap = Session.getInstance(new Properties()).getStore("imap");
            imap.connect("127.0.0.1", TestServers.get().imapPort(), EmbeddedServices.SUPPORT_LOGIN,
                    EmbeddedServices.SUPPORT_PASSWORD);
        }

        /** Claims the mail's key in a transaction left open, as a node in the middle of recording it. */
        void beginRecording(TestMail mail) throws SQLException {
            db.setAutoCommit(false);
            insert(mail, "PENDING");
        }

        void commitRecording(String disposition) throws SQLException {
            try (PreparedStatement s = db.prepareStatement("update inbound_message set disposition = ? where"
                    + " disposition = 'PENDING'")) {
                s.setString(1, disposition);
                s.executeUpdate();
            }
            db.commit();
            db.setAutoCommit(true);
        }

        /** Records a mail at once (its own transaction, beside the open one: a second thread of that node). */
        void recordNow(TestMail mail, String disposition) throws SQLException {
            try (Connection c = DriverManager.getConnection(pipeline.settings().get("dsr.store.url"), "postgres",
                    "postgres"); PreparedStatement s = c.prepareStatement("insert into dsr.inbound_message (message_key,"
                            + " message_id, subject, new_text, quoted_text, signature, disposition, size_bytes) values"
                            + " (?, ?, 's', '', '', '', ?, 1)")) {
                s.setString(1, mail.messageId());
                s.setString(2, "<" + mail.messageId() + ">");
                s.setString(3, disposition);
                s.executeUpdate();
            }
        }

        private void insert(TestMail mail, String disposition) throws SQLException {
            try (PreparedStatement s = db.prepareStatement("insert into inbound_message (message_key, message_id,"
                    + " subject, new_text, quoted_text, signature, disposition, size_bytes) values (?, ?, 's', '', '',"
                    + " '', ?, 1)")) {
                s.setString(1, mail.messageId());
                s.setString(2, "<" + mail.messageId() + ">");
                s.setString(3, disposition);
                s.executeUpdate();
            }
        }

        /** Waits until the pipeline's record of the mail waits for this node's open transaction. */
        void awaitThisNodeWaitsForTheRecord() {
            await("the pipeline waits for the other node's record", WAIT, () -> pipeline.count(
                    "select count(*) from pg_stat_activity where datname = current_database() and wait_event_type"
                            + " = 'Lock' and query like '%insert into inbound_message%'") >= 1);
        }

        /** Copies the mail to the folder and flags it deleted in the inbox, as the mail consumer moves a mail. */
        void fileWithoutExpunge(TestMail mail, String folder) throws MessagingException {
            if (inbox == null) {
                inbox = imap.getFolder("INBOX");
                inbox.open(Folder.READ_WRITE);
            }
            Folder target = imap.getFolder(folder);
            if (!target.exists()) {
                target.create(Folder.HOLDS_MESSAGES);
            }
            for (Message m : inbox.getMessages()) {
                if (("<" + mail.messageId() + ">").equals(((MimeMessage) m).getMessageID())) {
                    inbox.copyMessages(new Message[] {m}, target);
                    m.setFlag(Flags.Flag.DELETED, true);
                    return;
                }
            }
            throw new AssertionError("the mail is not in the inbox: " + mail.messageId());
        }

        /** Copies of the mail in the folder, whatever their flags. */
        int copiesIn(String folder, TestMail mail) throws MessagingException {
            Folder f = imap.getFolder(folder);
            f.open(Folder.READ_ONLY);
            try {
                int n = 0;
                for (Message m : f.getMessages()) {
                    if (("<" + mail.messageId() + ">").equals(((MimeMessage) m).getMessageID())) {
                        n++;
                    }
                }
                return n;
            } finally {
                f.close(false);
            }
        }

        /** Ends the other node's poll: what it flagged deleted leaves the inbox. */
        void expunge() throws MessagingException {
            if (inbox != null) {
                inbox.close(true);
                inbox = null;
            }
        }

        @Override
        public void close() throws Exception {
            try {
                db.close();
            } finally {
                imap.close();
            }
        }
    }
}
