package kz.dsr.intake;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.mail.FolderClosedException;
import jakarta.mail.MessagingException;
import jakarta.mail.StoreClosedException;
import java.net.SocketException;
import org.junit.jupiter.api.Test;

/**
 * Which read failures leave a mail in the inbox (the server went away mid-poll, as seen when Dovecot
 * stopped under a running batch: FolderClosedException on every mail left) and which are the mail's
 * own (broken MIME: dead letter and Failed). The whole path runs in the real-server suite.
 */
class MailServerLostTest {

    private final MailServerLost lost = new MailServerLost();

    @Test
    void aClosedFolderOrStoreOrACutSocketIsTheServerGoingAway() {
        assertTrue(lost.isLost(new FolderClosedException(null)));
        assertTrue(lost.isLost(new StoreClosedException(null, "failed to create new store connection")));
        assertTrue(lost.isLost(new MessagingException("read", new SocketException("Connection reset"))));
        assertTrue(lost.isLost(new IllegalStateException(new org.eclipse.angus.mail.iap.ConnectionException())));
    }

    @Test
    void aMailOfItsOwnFaultIsNot() {
        assertFalse(lost.isLost(new MessagingException("Missing start boundary")));
        assertFalse(lost.isLost(new IllegalArgumentException("bad charset")));
        assertFalse(lost.isLost(null));
    }

    @Test
    void theExchangeFailsSoTheConsumerLeavesTheMail() {
        assertThrows(MailServerLost.MailServerUnavailableException.class,
                () -> lost.leaveInInbox(new FolderClosedException(null)));
    }
}
