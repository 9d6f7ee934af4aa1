package kz.dsr.realservers;

import jakarta.mail.Address;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * The real Postfix + Dovecot on loopback (src/test/mailstack/mailstack.sh): started when it is not
 * running, stopped and started again by tests that take it away, and read over IMAP the way an operator's
 * mail client would.
 */
public final class MailStack {

    public static final String HOST = "127.0.0.1";
    public static final int SMTP_PORT = 10025;
    public static final int IMAP_PORT = 10143;
    public static final String PASSWORD = "secret";
    private static final Path SCRIPT = Path.of("src", "test", "mailstack", "mailstack.sh");

    private MailStack() {
    }

    /** Makes sure the stack answers; starts it (installing Postfix and Dovecot if need be) otherwise. */
    public static synchronized void ensureRunning() {
        if (listening(SMTP_PORT) && listening(IMAP_PORT)) {
            return;
        }
        script("start");
        if (!listening(SMTP_PORT) || !listening(IMAP_PORT)) {
            throw new IllegalStateException("The mail stack did not start: " + SCRIPT + " start left ports "
                    + SMTP_PORT + "/" + IMAP_PORT + " closed (see /tmp/dsr-mail/*.log)");
        }
    }

    /** Stops Postfix and Dovecot: the pipeline finds no mail server until {@link #start}. */
    public static void stop() {
        script("stop");
    }

    public static void start() {
        script("start");
    }

    /**
     * Asks Postfix to deliver what it deferred now, not in its own 5 minutes: mail it took while Dovecot
     * was stopping waits in its queue, as it would on any real server.
     */
    public static void flushQueue() {
        try {
            new ProcessBuilder("postqueue", "-c", "/tmp/dsr-mail/postfix", "-f").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(30, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot flush Postfix's queue: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * What Postfix's log says of mails with these Message-IDs: how many it took in (one cleanup line per
     * accepted mail — what the pipeline submitted) and how many times its queue manager handed them on
     * (once per mail, more when a delivery was cut by a stop and Postfix delivered the same mail again:
     * a copy the sender did not make).
     */
    public static PostfixLog postfixLog(java.util.Collection<String> messageIds) {
        java.util.Set<String> wanted = new java.util.HashSet<>(messageIds);
        java.util.Set<String> ourQueueFiles = new java.util.HashSet<>();
        int submittedAgain = 0;
        int handedOnAgain = 0;
        Map<String, Integer> submissions = new LinkedHashMap<>();
        java.util.Set<String> handedOn = new java.util.HashSet<>();
        try (var lines = Files.lines(Path.of("/tmp/dsr-mail/postfix.log"))) {
            for (String l : (Iterable<String>) lines::iterator) {
                java.util.regex.Matcher cleanup = CLEANUP.matcher(l);
                if (cleanup.find()) {
                    // Postfix names queue files after inodes: a name comes back for another mail later.
                    ourQueueFiles.remove(cleanup.group(1));
                    handedOn.remove(cleanup.group(1));
                    if (wanted.contains(cleanup.group(2))) {
                        ourQueueFiles.add(cleanup.group(1));
                        submissions.merge(cleanup.group(2), 1, Integer::sum);
                    }
                    continue;
                }
                java.util.regex.Matcher queued = QUEUED.matcher(l);
                if (queued.find() && ourQueueFiles.contains(queued.group(1))) {
                    if (!handedOn.add(queued.group(1))) {
                        handedOnAgain++;
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read Postfix's log: " + e.getMessage(), e);
        }
        for (int n : submissions.values()) {
            submittedAgain += Math.max(0, n - 1);
        }
        return new PostfixLog(submittedAgain, handedOnAgain);
    }

    /**
     * Mails taken in more than once (the sender sent them again) and hand-overs of one taken-in mail
     * repeated (Postfix delivering again what a stop interrupted).
     */
    public record PostfixLog(int submittedAgain, int handedOnAgain) {
    }

    private static final java.util.regex.Pattern CLEANUP =
            java.util.regex.Pattern.compile("/cleanup\\[\\d+\\]: ([0-9A-F]+): message-id=<([^>]*)>");
    private static final java.util.regex.Pattern QUEUED =
            java.util.regex.Pattern.compile("/qmgr\\[\\d+\\]: ([0-9A-F]+): from=<");

    static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(HOST, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void script(String verb) {
        try {
            Process p = new ProcessBuilder("bash", SCRIPT.toString(), verb).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(SCRIPT + " " + verb + " failed: " + out);
            }
        } catch (IOException e) {
            throw new IllegalStateException("Cannot run " + SCRIPT + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Submits raw mails to Postfix over one SMTP connection, each to {@code recipient}. */
    public static void send(String recipient, List<byte[]> mails) {
        Properties props = new Properties();
        props.put("mail.smtp.host", HOST);
        props.put("mail.smtp.port", String.valueOf(SMTP_PORT));
        Session session = Session.getInstance(props);
        try (Transport t = session.getTransport("smtp")) {
            t.connect();
            Address[] to = {new InternetAddress(recipient)};
            for (byte[] raw : mails) {
                MimeMessage m = new MimeMessage(session, new ByteArrayInputStream(raw));
                t.sendMessage(m, to);
            }
        } catch (MessagingException e) {
            throw new IllegalStateException("Cannot submit mail to Postfix: " + e.getMessage(), e);
        }
    }

    /**
     * The settings that point a pipeline at this stack: {@code mailbox} read over IMAP (plain, loopback)
     * as its support mailbox, replies sent through Postfix without authentication.
     */
    public static Map<String, String> pipelineSettings(String mailbox) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("dsr.mail.imap.protocol", "imap");
        s.put("dsr.mail.imap.host", HOST);
        s.put("dsr.mail.imap.port", String.valueOf(IMAP_PORT));
        s.put("dsr.mail.imap.username", mailbox);
        s.put("dsr.mail.imap.password", PASSWORD);
        s.put("dsr.mail.smtp.protocol", "smtp");
        s.put("dsr.mail.smtp.host", HOST);
        s.put("dsr.mail.smtp.port", String.valueOf(SMTP_PORT));
        s.put("dsr.mail.smtp.username", "");
        s.put("dsr.mail.support-address", mailbox);
        return s;
    }

    /** A mailbox on Dovecot, read over IMAP as its owner. */
    public static Mailbox mailbox(String user) {
        return new Mailbox(user);
    }

    public static final class Mailbox {

        private final String user;

        private Mailbox(String user) {
            this.user = user;
        }

        public String user() {
            return user;
        }

        private Store connect() throws MessagingException {
            Properties props = new Properties();
            props.put("mail.imap.host", HOST);
            props.put("mail.imap.port", String.valueOf(IMAP_PORT));
            props.put("mail.imap.connectiontimeout", "5000");
            props.put("mail.imap.timeout", "30000");
            Store store = Session.getInstance(props).getStore("imap");
            store.connect(HOST, IMAP_PORT, user, PASSWORD);
            return store;
        }

        /** Empties the inbox and removes every other folder: a mailbox as on its first day. */
        public void clear() {
            try (Store store = connect()) {
                for (Folder f : store.getDefaultFolder().list("*")) {
                    if (f.getFullName().equalsIgnoreCase("INBOX")) {
                        f.open(Folder.READ_WRITE);
                        if (f.getMessageCount() > 0) {
                            f.setFlags(1, f.getMessageCount(), new Flags(Flags.Flag.DELETED), true);
                        }
                        f.close(true);
                    } else if (f.exists()) {
                        f.delete(true);
                    }
                }
            } catch (MessagingException e) {
                throw new IllegalStateException("Cannot clear " + user + ": " + e.getMessage(), e);
            }
        }

        /** The number of mails in a folder (0 when the folder does not exist). */
        public int count(String folder) {
            try (Store store = connect()) {
                Folder f = store.getFolder(folder);
                return f.exists() ? f.getMessageCount() : 0;
            } catch (MessagingException e) {
                throw new IllegalStateException("Cannot count " + user + "/" + folder + ": " + e.getMessage(), e);
            }
        }

        /** The Message-ID header of every mail in each existing folder (a mail without one: "(none)"). */
        public Map<String, List<String>> messageIdsByFolder() {
            Map<String, List<String>> out = new LinkedHashMap<>();
            try (Store store = connect()) {
                for (Folder f : store.getDefaultFolder().list("*")) {
                    out.put(f.getFullName(), headerValues(f, "Message-ID"));
                }
            } catch (MessagingException e) {
                throw new IllegalStateException("Cannot read " + user + ": " + e.getMessage(), e);
            }
            return out;
        }

        /** The values of one header over the mails of a folder, one entry per mail ("(none)" if absent). */
        public List<String> headerValues(String folder, String header) {
            try (Store store = connect()) {
                Folder f = store.getFolder(folder);
                return f.exists() ? headerValues(f, header) : List.of();
            } catch (MessagingException e) {
                throw new IllegalStateException("Cannot read " + user + "/" + folder + ": " + e.getMessage(), e);
            }
        }

        private static List<String> headerValues(Folder f, String header) throws MessagingException {
            f.open(Folder.READ_ONLY);
            try {
                Message[] messages = f.getMessages();
                jakarta.mail.FetchProfile profile = new jakarta.mail.FetchProfile();
                profile.add(header);
                f.fetch(messages, profile);
                List<String> values = new ArrayList<>();
                for (Message m : messages) {
                    String[] v = m.getHeader(header);
                    values.add(v == null || v.length == 0 ? "(none)" : v[0].strip());
                }
                return values;
            } finally {
                f.close(false);
            }
        }
    }
}
