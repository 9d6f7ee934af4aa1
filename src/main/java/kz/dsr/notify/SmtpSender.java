package kz.dsr.notify;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.MimeMessage;
import java.util.Properties;

/**
 * Sends the relay's mail over one SMTP connection for a whole relay run. camel-mail's SMTP producer
 * opens a new connection (TCP, EHLO, AUTH ... QUIT) for every message; at acknowledgement volumes
 * that handshake, on both sides, costs more than the messages. One relay thread uses it at a time.
 */
public final class SmtpSender implements AutoCloseable {

    private final Session session;
    private final String protocol;
    private final String host;
    private final int port;
    private final String username;
    private final String password;
    private Transport transport;

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
        this.session = Session.getInstance(props);
        this.protocol = protocol;
        this.host = host;
        this.port = port;
        this.username = username;
        this.password = password;
    }

    /**
     * Sends one message, connecting first if needed. A failure on a connection kept from an earlier
     * message (the server may have closed it) is tried once more on a new connection.
     */
    public synchronized void send(MimeMessage message) throws MessagingException {
        // saveChanges() would give the message a new Message-ID; ours threads the replies.
        String messageId = message.getMessageID();
        message.saveChanges();
        message.setHeader("Message-ID", messageId);
        boolean reused = transport != null;
        try {
            connected().sendMessage(message, message.getAllRecipients());
        } catch (MessagingException e) {
            close();
            if (!reused) {
                throw e;
            }
            connected().sendMessage(message, message.getAllRecipients());
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

    private Transport connected() throws MessagingException {
        if (transport == null) {
            Transport t = session.getTransport(protocol);
            t.connect(host, port, username, password);
            transport = t;
        }
        return transport;
    }
}
