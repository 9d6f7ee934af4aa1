package kz.dsr.notify;

import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * Sends the relay's mail over one SMTP connection for a whole relay run. camel-mail's SMTP producer
 * opens a new connection (TCP, EHLO, AUTH ... QUIT) for every message; at acknowledgement volumes
 * that handshake, on both sides, costs more than the messages. One relay thread uses it at a time.
 *
 * <p>A mail to an internationalised address ({@code айгерим@пример.қаз}) goes out with SMTPUTF8
 * (RFC 6531) over a connection of its own, and only when the server offers it; other mail never asks
 * for SMTPUTF8, so a next hop without it still takes our ASCII mail. A permanent refusal of a mail
 * is thrown as {@link MailRefused} (the outbox gives it up at once), anything else as it came.
 */
public final class SmtpSender implements AutoCloseable {

    private static final int SERVICE_CLOSING = 421;

    private final Session ascii;
    private final Session utf8;
    private final String protocol;
    private final String host;
    private final int port;
    private final String username;
    private final String password;
    private Transport transport;
    private boolean transportUtf8;

    /**
     * @param protocol  smtps (TLS from the start) or smtp (STARTTLS when the server offers it)
     * @param timeoutMs connect, read and write timeout of the connection
     */
    public SmtpSender(String protocol, String host, int port, String username, String password, int timeoutMs) {
        if (!protocol.equals("smtp") && !protocol.equals("smtps")) {
            throw new IllegalArgumentException("dsr.mail.smtp.protocol must be smtps or smtp, was '" + protocol + "'");
        }
        Properties props = new Properties();
        String prefix = "mail." + protocol + ".";
        props.put(prefix + "connectiontimeout", String.valueOf(timeoutMs));
        props.put(prefix + "timeout", String.valueOf(timeoutMs));
        props.put(prefix + "writetimeout", String.valueOf(timeoutMs));
        props.put(prefix + "auth", String.valueOf(username != null && !username.isBlank()));
        props.put(prefix + "starttls.enable", "true");
        this.ascii = Session.getInstance(props);
        Properties utf8Props = new Properties();
        utf8Props.putAll(props);
        // Commands in UTF-8, and MAIL FROM ... SMTPUTF8 when the server offers it.
        utf8Props.put("mail.mime.allowutf8", "true");
        this.utf8 = Session.getInstance(utf8Props);
        this.protocol = protocol;
        this.host = host;
        this.port = port;
        this.username = username;
        this.password = password;
    }

    /**
     * Sends one message, connecting first if needed. A connection kept from an earlier message that
     * fails without an answer from the server (it may have closed it) is replaced and tried once more;
     * an answer (4xx, 5xx) is not asked for twice.
     */
    public synchronized void send(MimeMessage message) throws MessagingException {
        // saveChanges() would give the message a new Message-ID; ours threads the replies.
        String messageId = message.getMessageID();
        message.saveChanges();
        message.setHeader("Message-ID", messageId);
        boolean international = needsSmtpUtf8(message);
        boolean reused = transport != null && transportUtf8 == international;
        try {
            attempt(message, international);
        } catch (MailRefused refused) {
            close();
            throw refused;
        } catch (MessagingException e) {
            close();
            Integer answer = MailRefused.replyCode(e);
            if (!reused || (answer != null && answer != SERVICE_CLOSING)) {
                throw e;
            }
            attempt(message, international);
        }
    }

    private void attempt(MimeMessage message, boolean international) throws MessagingException {
        Transport t = connected(international);
        if (international && !offers(t, "SMTPUTF8")) {
            throw new MailRefused("The SMTP server does not offer SMTPUTF8, which a mail to an internationalised"
                    + " address needs; it cannot be sent through this server (dsr.mail.smtp.host)", null);
        }
        try {
            t.sendMessage(message, message.getAllRecipients());
        } catch (MessagingException e) {
            MailRefused refused = MailRefused.of(e);
            throw refused != null ? refused : e;
        }
    }

    /** Ends the connection (the relay calls this at the end of each run). */
    @Override
    public synchronized void close() {
        if (transport != null) {
            try {
                transport.close();
            } catch (MessagingException e) {
                // Closing a broken connection: nothing more to do.
            }
            transport = null;
        }
    }

    private Transport connected(boolean international) throws MessagingException {
        if (transport != null && transportUtf8 != international) {
            close();
        }
        if (transport == null) {
            Transport t = (international ? utf8 : ascii).getTransport(protocol);
            t.connect(host, port, username, password);
            transport = t;
            transportUtf8 = international;
        }
        return transport;
    }

    /** Whether an address of the envelope has characters outside ASCII (RFC 6531 needs SMTPUTF8 for it). */
    static boolean needsSmtpUtf8(MimeMessage message) throws MessagingException {
        List<Address> addresses = new ArrayList<>();
        if (message.getAllRecipients() != null) {
            addresses.addAll(List.of(message.getAllRecipients()));
        }
        if (message.getFrom() != null) {
            addresses.addAll(List.of(message.getFrom()));
        }
        return addresses.stream().anyMatch(a -> a instanceof InternetAddress ia && ia.getAddress() != null
                && ia.getAddress().chars().anyMatch(c -> c > 127));
    }

    /**
     * Whether the server announced the extension. Jakarta Mail's API does not say; its SMTP transport
     * (camel-mail's Angus Mail) has {@code supportsExtension}. When it cannot be asked, the server decides.
     */
    private static boolean offers(Transport t, String extension) {
        try {
            Method supports = t.getClass().getMethod("supportsExtension", String.class);
            return Boolean.TRUE.equals(supports.invoke(t, extension));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return true;
        }
    }
}
