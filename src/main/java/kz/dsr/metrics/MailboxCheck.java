package kz.dsr.metrics;

import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import java.time.Instant;
import java.util.Date;
import java.util.Properties;

/**
 * How many mails wait in the support inbox and since when the first of them: read over IMAP on a
 * connection of its own (EXAMINE the folder, read-only, then the first message's arrival date), not
 * from the intake route, so the figure stays true when intake is stuck, which is when it matters.
 * Intake moves every mail it has recorded out of the inbox, so what is left there is what waits.
 * One connection, kept open between checks (made again after an error).
 */
public final class MailboxCheck implements AutoCloseable {

    /** Mails in the inbox, and the arrival of the first one (null when it is empty). */
    public record Inbox(int messages, Instant oldest) {
    }

    private static final int TIMEOUT_MS = 10_000;

    private final String protocol;
    private final String host;
    private final int port;
    private final String username;
    private final String password;
    private final String folder;
    private Store store;

    public MailboxCheck(String protocol, String host, int port, String username, String password, String folder) {
        this.protocol = protocol;
        this.host = host;
        this.port = port;
        this.username = username;
        this.password = password;
        this.folder = folder;
    }

    public synchronized Inbox read() {
        try {
            if (store == null || !store.isConnected()) {
                close();
                Properties p = new Properties();
                // A mail server that does not answer must not hold the check for minutes.
                p.put("mail." + protocol + ".connectiontimeout", String.valueOf(TIMEOUT_MS));
                p.put("mail." + protocol + ".timeout", String.valueOf(TIMEOUT_MS));
                p.put("mail." + protocol + ".writetimeout", String.valueOf(TIMEOUT_MS));
                Store s = Session.getInstance(p).getStore(protocol);
                s.connect(host, port, username, password);
                store = s;
            }
            Folder inbox = store.getFolder(folder);
            inbox.open(Folder.READ_ONLY);
            try {
                int count = inbox.getMessageCount();
                Instant oldest = null;
                if (count > 0) {
                    Message first = inbox.getMessage(1);
                    Date arrived = first.getReceivedDate();
                    oldest = arrived == null ? null : arrived.toInstant();
                }
                return new Inbox(count, oldest);
            } finally {
                inbox.close(false);
            }
        } catch (MessagingException e) {
            close();
            throw new IllegalStateException("IMAP " + host + ":" + port + " " + folder + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        if (store != null) {
            try {
                store.close();
            } catch (MessagingException e) {
                // closing a broken connection: nothing to keep
            }
            store = null;
        }
    }
}
