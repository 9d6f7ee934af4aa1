package kz.dsr.intake;

import jakarta.mail.MessagingException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import kz.dsr.store.DeadLetters;
import kz.dsr.store.ErrorText;
import org.apache.camel.Exchange;
import org.apache.camel.component.mail.MailMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only intake class that knows Camel: it takes the raw bytes out of a polled mail, and records
 * a mail that could not be processed as a dead letter (the route then moves it to the Failed folder).
 */
public final class MailboxAdapter {

    /** Exchange property holding the raw MIME bytes while the body is the parsed mail. */
    public static final String RAW_MAIL = "dsrRawMail";

    private static final Logger LOG = LoggerFactory.getLogger(MailboxAdapter.class);

    private final DeadLetters deadLetters;

    public MailboxAdapter(DeadLetters deadLetters) {
        this.deadLetters = deadLetters;
    }

    /** The mail exactly as the server holds it; kept on the exchange for the store and dead letters. */
    public byte[] readRaw(Exchange exchange) throws IOException, MessagingException {
        MailMessage message = exchange.getIn(MailMessage.class);
        // No getSize() first: it would cost one more IMAP round trip per mail.
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        message.getOriginalMessage().writeTo(out);
        byte[] raw = out.toByteArray();
        exchange.setProperty(RAW_MAIL, raw);
        return raw;
    }

    /** Writes the dead letter and tells the operator where the mail went. Throws if the store is down. */
    public void recordFailure(Exchange exchange, String failedFolder) {
        Exception error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        byte[] raw = exchange.getProperty(RAW_MAIL, byte[].class);
        String key = raw == null ? null : "sha256:" + MailParser.sha256Hex(raw);
        String reason = ErrorText.full(error);
        deadLetters.record("intake", key, reason, raw);
        LOG.error("A mail could not be processed ({}). It was moved to the '{}' folder; the error and its raw "
                + "bytes are in dsr.dead_letter (item_key {}). Fix the cause, then move the mail back to the inbox "
                + "to process it again.", ErrorText.forLog(reason), failedFolder, key);
    }

}
