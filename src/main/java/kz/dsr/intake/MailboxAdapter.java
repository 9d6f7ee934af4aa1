package kz.dsr.intake;

import jakarta.mail.MessagingException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import kz.dsr.store.DeadLetters;
import kz.dsr.store.ErrorText;
import org.apache.camel.Exchange;
import org.apache.camel.component.mail.MailMessage;
import org.apache.camel.support.DefaultMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only intake class that knows Camel: it takes the raw bytes out of a polled mail, and records
 * a mail that could not be processed as a dead letter (the route then moves it to the Failed folder).
 */
public final class MailboxAdapter {

    /** Exchange property holding the raw MIME bytes while the body is the parsed mail. */
    public static final String RAW_MAIL = "dsrRawMail";
    /** Exchange property holding the polled mail (the server's message) once it is set aside. */
    private static final String POLLED_MAIL = "dsrPolledMail";

    private static final Logger LOG = LoggerFactory.getLogger(MailboxAdapter.class);

    private final DeadLetters deadLetters;

    public MailboxAdapter(DeadLetters deadLetters) {
        this.deadLetters = deadLetters;
    }

    /**
     * Sets the polled mail aside and gives the exchange an empty message. camel-mail turns a mail's
     * headers into Camel headers when they are first looked at, and reads moveTo / copyTo / delete
     * headers when it commits: with the polled message gone, no header of the mail ever becomes a
     * Camel header (and the server is not asked for the headers a second time). Never fails.
     */
    public void setAside(Exchange exchange) {
        exchange.setProperty(POLLED_MAIL, exchange.getIn(MailMessage.class).getOriginalMessage());
        exchange.setIn(new DefaultMessage(exchange));
    }

    /** The mail exactly as the server holds it; kept on the exchange for the store and dead letters. */
    public byte[] readRaw(Exchange exchange) throws IOException, MessagingException {
        jakarta.mail.Message polled = exchange.getProperty(POLLED_MAIL, jakarta.mail.Message.class);
        // No getSize() first: it would cost one more IMAP round trip per mail.
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        polled.writeTo(out);
        byte[] raw = out.toByteArray();
        exchange.setProperty(RAW_MAIL, raw);
        return raw;
    }

    /** Writes the dead letter and tells the operator where the mail went. Throws if the store is down. */
    public void recordFailure(Exchange exchange, String failedFolder) {
        Exception error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        byte[] raw = exchange.getProperty(RAW_MAIL, byte[].class);
        String reason = ErrorText.full(error);
        long id = deadLetters.record("intake", deadLetterKey(exchange.getIn().getBody(), raw), reason, raw);
        LOG.error("A mail could not be processed ({}). It was moved to the '{}' folder; the error and its raw bytes are"
                + " in dsr.dead_letter (id {}; item_key is the mail's Message-ID). Fix the cause, then move the mail back to the"
                + " inbox to process it again.", ErrorText.forLog(reason), failedFolder, id);
    }

    /**
     * The mail's message key as inbound_message has it (its Message-ID, else the hash of its bytes), so an
     * operator finds the dead letter of the mail a person asks about. A mail that could not even be parsed
     * is keyed by the hash of its bytes; null when nothing was read.
     */
    static String deadLetterKey(Object body, byte[] raw) {
        if (body instanceof ParsedMail mail) {
            return mail.messageKey();
        }
        return raw == null ? null : "sha256:" + MailParser.sha256Hex(raw);
    }

}
