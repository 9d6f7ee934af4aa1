package kz.dsr.intake;

import jakarta.mail.Message;
import org.apache.camel.component.mail.MailEndpoint;
import org.apache.camel.component.mail.MailUidGenerator;

/**
 * The key Camel's mail consumer gives each polled mail: its number in this poll's session. Camel uses
 * the key only for an idempotent repository and for POP3, neither of which the mailbox route has; its
 * default key is the mail's Message-ID header, which costs one more IMAP round trip per mail. Which mail
 * was recorded before is the store's to say (by its message key), never the consumer's.
 *
 * <p>It is the mailbox consumer's {@code mailUidGenerator}.
 */
public final class MailboxKeys implements MailUidGenerator {

    @Override
    public String generateUuid(MailEndpoint endpoint, Message message) {
        return Integer.toString(message.getMessageNumber());
    }
}
