package kz.dsr.intake;

import jakarta.mail.FetchProfile;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import org.apache.camel.component.mail.MailEndpoint;
import org.apache.camel.component.mail.MailUidGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key Camel's mail consumer gives each polled mail: its number in this poll's session. Camel uses
 * the key only for an idempotent repository and for POP3, neither of which the mailbox route has; its
 * default key is the mail's Message-ID header, which costs one more IMAP round trip per mail. Which mail
 * was recorded before is the store's to say (by its message key), never the consumer's.
 *
 * <p>The consumer asks for the keys in inbox order, from the first mail, before it looks at each mail's
 * flags (a mail flagged deleted is skipped): on the first mail, the flags of the whole poll's mail are
 * fetched in one command instead of one command per mail. Should the consumer ever ask in another
 * order, each mail's flags are fetched on their own, as before: slower, never wrong.
 *
 * <p>It is the mailbox consumer's {@code mailUidGenerator}.
 */
public final class MailboxKeys implements MailUidGenerator {

    private static final Logger LOG = LoggerFactory.getLogger(MailboxKeys.class);

    private final int perPoll;

    /** {@code perPoll}: the most mails one poll takes (dsr.mail.max-per-poll). */
    public MailboxKeys(int perPoll) {
        this.perPoll = perPoll;
    }

    @Override
    public String generateUuid(MailEndpoint endpoint, Message message) {
        if (message.getMessageNumber() == 1) {
            prefetchFlags(message.getFolder());
        }
        return Integer.toString(message.getMessageNumber());
    }

    private void prefetchFlags(Folder inbox) {
        try {
            int last = Math.min(inbox.getMessageCount(), perPoll);
            if (last > 1) {
                FetchProfile flags = new FetchProfile();
                flags.add(FetchProfile.Item.FLAGS);
                inbox.fetch(inbox.getMessages(1, last), flags);
            }
        } catch (MessagingException e) {
            // Each mail's flags are then fetched when the consumer looks at them; a lost connection shows there.
            LOG.debug("Could not fetch the flags of the poll's mail at once: {}", e.getMessage());
        }
    }
}
