package kz.dsr.intake;

import static kz.dsr.testing.RunningPipeline.await;
import static kz.dsr.testing.TestMail.mail;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.MimeMessage;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import kz.dsr.demo.EmbeddedServices;
import kz.dsr.testing.RunningPipeline;
import kz.dsr.testing.TestMail;
import kz.dsr.testing.TestServers;
import org.junit.jupiter.api.Test;

/**
 * The store's connections are cut again and again while mail arrives, as a PostgreSQL restart does
 * (SQLSTATE 57P01 for statements in flight, closed connections handed out by the pool afterwards).
 * That is a temporary condition: every mail must still end in exactly one folder, recorded once, with
 * no dead letter and nothing in Failed.
 */
class StoreConnectionLossTest {

    private static final int REQUESTS = 30;
    private static final int FOR_SUPPORT = 10;
    private static final Duration CUTTING = Duration.ofSeconds(6);

    @Test
    void lostStoreConnectionsLeaveTheMailInTheInboxForTheNextPollNotInFailed() throws Exception {
        try (RunningPipeline pipeline = RunningPipeline.start(Map.of("dsr.intake.flood.max-requests-per-hour", "1000"))) {
            Map<String, String> expectedFolder = new HashMap<>();
            List<TestMail> mails = new ArrayList<>();
            for (int i = 0; i < REQUESTS + FOR_SUPPORT; i++) {
                boolean forSupport = i % 4 == 3;
                TestMail m = forSupport
                        ? mail().from("order" + i + "@example.kz").subject("Заказ")
                                .body("Здравствуйте, где мой заказ? Жду уже два часа.")
                        : mail().from("cut" + i + "@example.kz").subject("Delete " + i).body("Please delete my account " + i);
                expectedFolder.put(m.messageId(), forSupport ? "Support" : "Processed");
                mails.add(m);
            }

            AtomicInteger cut = new AtomicInteger();
            AtomicReference<Throwable> cutterFailed = new AtomicReference<>();
            AtomicInteger next = new AtomicInteger();
            ScheduledExecutorService load = Executors.newScheduledThreadPool(2);
            try (Connection killer = DriverManager.getConnection(pipeline.settings().get("dsr.store.url"),
                    "postgres", "postgres")) {
                // Mails arrive in bursts over the whole window: the intake records batches while connections die.
                int bursts = 4;
                load.scheduleAtFixedRate(() -> {
                    for (int n = 0; n < mails.size() / bursts; n++) {
                        int i = next.getAndIncrement();
                        if (i < mails.size()) {
                            pipeline.deliver(mails.get(i).bytes());
                        }
                    }
                }, 0, CUTTING.toMillis() * 8 / 10 / bursts, TimeUnit.MILLISECONDS);
                // Every few milliseconds the connections in the middle of work die (statements in flight get
                // SQLSTATE 57P01), and now and then every connection, idle ones too, as a restart does.
                AtomicInteger round = new AtomicInteger();
                load.scheduleAtFixedRate(() -> {
                    String which = round.incrementAndGet() % 50 == 0 ? "" : " and state <> 'idle'";
                    try (Statement s = killer.createStatement(); ResultSet rs = s.executeQuery(
                            "select count(*) filter (where pg_terminate_backend(pid)) from pg_stat_activity"
                                    + " where datname = current_database() and pid <> pg_backend_pid()" + which)) {
                        rs.next();
                        cut.addAndGet(rs.getInt(1));
                    } catch (SQLException e) {
                        cutterFailed.compareAndSet(null, e);
                    }
                }, 100, 10, TimeUnit.MILLISECONDS);
                long windowEnds = System.nanoTime() + CUTTING.toNanos();
                await("every mail delivered while connections are cut", CUTTING.plusSeconds(10),
                        () -> next.get() >= mails.size() && System.nanoTime() >= windowEnds);
                load.shutdown();
                assertTrue(load.awaitTermination(10, TimeUnit.SECONDS));
            } finally {
                load.shutdownNow();
            }
            assertEquals(null, cutterFailed.get(), "the test's own connection was not cut");
            System.out.printf("store connection loss: %d connections cut while %d mails arrived%n", cut.get(),
                    mails.size());
            assertTrue(cut.get() > 10, "store connections were cut (" + cut.get() + ")");

            await("every mail out of the inbox", Duration.ofSeconds(60), () -> pipeline.folderCount("INBOX") == 0
                    && pipeline.folderCount("Processed") + pipeline.folderCount("Support")
                            + pipeline.folderCount("Failed") >= mails.size());
            Map<String, List<String>> foldersOf = foldersOfEachMail();
            for (TestMail m : mails) {
                assertEquals(List.of(expectedFolder.get(m.messageId())), foldersOf.get(m.messageId()),
                        "mail " + m.messageId() + " is in exactly its folder");
            }
            assertEquals(0, pipeline.folderCount("Failed"), "a lost connection is no reason for Failed");
            assertEquals(0, pipeline.count("select count(*) from dead_letter where source = 'intake'"),
                    "no dead letter for a lost connection: " + pipeline.store().queryForList(
                            "select error from dead_letter", String.class));
            assertEquals(REQUESTS + FOR_SUPPORT, pipeline.count("select count(*) from inbound_message"));
            assertEquals(REQUESTS, pipeline.count("select count(*) from request"));
            assertEquals(REQUESTS, pipeline.count("select count(distinct requester_email) from request"));
            assertEquals(REQUESTS, pipeline.count("select count(*) from outbox where event_key like 'ack:%'"),
                    "one acknowledgement queued per request");
        }
    }

    /** For each Message-ID, the folders of the support mailbox holding a copy (deleted ones not counted). */
    private static Map<String, List<String>> foldersOfEachMail() throws MessagingException {
        Map<String, List<String>> out = new HashMap<>();
        Store imap = Session.getInstance(new Properties()).getStore("imap");
        imap.connect("127.0.0.1", TestServers.get().imapPort(), EmbeddedServices.SUPPORT_LOGIN,
                EmbeddedServices.SUPPORT_PASSWORD);
        try {
            for (String name : List.of("INBOX", "Processed", "Support", "Failed")) {
                Folder folder = imap.getFolder(name);
                if (!folder.exists()) {
                    continue;
                }
                folder.open(Folder.READ_ONLY);
                for (Message m : folder.getMessages()) {
                    String id = ((MimeMessage) m).getMessageID();
                    if (!m.isSet(Flags.Flag.DELETED) && id != null) {
                        out.computeIfAbsent(id.substring(1, id.length() - 1), k -> new ArrayList<>()).add(name);
                    }
                }
                folder.close(false);
            }
        } finally {
            imap.close();
        }
        return out;
    }
}
