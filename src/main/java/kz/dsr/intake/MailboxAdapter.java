package kz.dsr.intake;

import jakarta.mail.Flags;
import jakarta.mail.MessageRemovedException;
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
    /** Exchange property set once the mail was found gone from the inbox and that was logged. */
    private static final String SAID_GONE = "dsrMailGone";
    /** The one line logged for a mail another node filed between this node's fetch and its move. */
    static final String GONE = "A mail left the inbox after this node fetched it: another node has filed it. Not"
            + " filed again here, and no dead letter: it was handled.";

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

    /** The mail the consumer polled for this exchange (set aside by {@link #setAside}). */
    static jakarta.mail.Message polled(Exchange exchange) {
        return exchange.getProperty(POLLED_MAIL, jakarta.mail.Message.class);
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

    /**
     * True when the error says the mail is no longer in the inbox (expunged by another session after this
     * node fetched it): another node filed it. Not the mail's fault, and nothing to move.
     */
    public static boolean vanished(Throwable error) {
        return ErrorText.cause(error, MessageRemovedException.class).isPresent();
    }

    /**
     * For a mail recorded before (seen again): true when another node has filed it since this node fetched
     * it: it is gone from the inbox, or flagged deleted there (a move in progress; it leaves the inbox when
     * that node's poll ends). Its move stands: moving it here too would put a second copy in the folder.
     * False for a mail still waiting in the inbox (a node stopped between recording and moving it): that
     * one is filed now.
     */
    public boolean filedElsewhere(Exchange exchange) {
        if (!(exchange.getIn().getBody() instanceof MailIntake.Result result) || !result.duplicate()) {
            return false;
        }
        jakarta.mail.Message polled = exchange.getProperty(POLLED_MAIL, jakarta.mail.Message.class);
        try {
            // A NOOP lets the server tell this session what other sessions did since: mails expunged, flags set.
            if (polled.getFolder() instanceof org.eclipse.angus.mail.imap.IMAPFolder imap) {
                imap.doCommand(protocol -> {
                    protocol.noop();
                    return null;
                });
            }
            return polled.isExpunged() || polled.isSet(Flags.Flag.DELETED);
        } catch (MessagingException e) {
            // Gone: filed elsewhere. Any other failure (the connection dropped) is no fault of the mail's: it
            // is filed as usual, and if that fails too it stays in the inbox for the next poll.
            return vanished(e);
        }
    }

    /**
     * For a mail recorded before (seen again): true when the folder it belongs in already holds it, byte for
     * byte as far as IMAP tells (same Message-ID, same size). A move is a copy and then a deletion (IMAP
     * without MOVE, and Camel's consumer): a node that stopped between the two left the mail in both places.
     * Moving it again would make a second copy; {@link #removeInboxCopy} takes the inbox's copy out instead.
     */
    public boolean alreadyInItsFolder(Exchange exchange, String processedFolder, String supportFolder) {
        if (!(exchange.getIn().getBody() instanceof MailIntake.Result result) || !result.duplicate()) {
            return false;
        }
        jakarta.mail.Message polled = exchange.getProperty(POLLED_MAIL, jakarta.mail.Message.class);
        try {
            String[] ids = polled.getHeader("Message-ID");
            if (ids == null || ids.length == 0 || ids[0].isBlank()) {
                return false;
            }
            int size = polled.getSize();
            jakarta.mail.Folder folder = polled.getFolder().getStore()
                    .getFolder(result.forSupport() ? supportFolder : processedFolder);
            if (!folder.exists()) {
                return false;
            }
            folder.open(jakarta.mail.Folder.READ_ONLY);
            try {
                for (jakarta.mail.Message copy : folder.search(new jakarta.mail.search.MessageIDTerm(ids[0].strip()))) {
                    if (copy.getSize() == size) {
                        return true;
                    }
                }
                return false;
            } finally {
                folder.close(false);
            }
        } catch (MessagingException e) {
            // Not known: the mail is filed as usual (at worst a second copy, never a lost mail).
            return false;
        }
    }

    /** Takes the inbox's copy of a mail its folder already holds out of the inbox (flagged deleted). */
    public void removeInboxCopy(Exchange exchange) throws MessagingException {
        exchange.getProperty(POLLED_MAIL, jakarta.mail.Message.class).setFlag(Flags.Flag.DELETED, true);
        LOG.info("A mail recorded before was found in the inbox and already in its folder (a node stopped while"
                + " moving it): the inbox's copy is removed, the folder keeps its one copy.");
    }

    /** Says once that the mail is gone (another node filed it) and leaves it to that node's move. */
    public void leaveToTheOtherNode(Exchange exchange) {
        exchange.setProperty(SAID_GONE, true);
        LOG.info(GONE);
    }

    /** Whether the route has already said that this exchange's mail is gone. */
    static boolean saidGone(Exchange exchange) {
        return exchange.getProperty(SAID_GONE, false, Boolean.class);
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
