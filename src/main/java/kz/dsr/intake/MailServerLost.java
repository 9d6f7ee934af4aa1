package kz.dsr.intake;

import jakarta.mail.FolderClosedException;
import jakarta.mail.StoreClosedException;
import java.io.EOFException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import kz.dsr.store.ErrorText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mail server went away while a poll's mail was being read (a restart, a cut connection): the
 * folder closes under the consumer and every mail left in that poll fails to read. That is not the
 * mails' fault, so none of them is a dead letter or goes to Failed: each stays in the inbox, unmoved,
 * and the consumer reads it after it has connected again.
 */
public final class MailServerLost {

    private static final Logger LOG = LoggerFactory.getLogger(MailServerLost.class);
    private static final long WARN_EVERY_NANOS = Duration.ofMinutes(1).toNanos();

    /** The errors of a connection that went away (SocketTimeoutException is a SocketException's sibling). */
    private static final java.util.List<Class<? extends Throwable>> LOST = java.util.List.of(FolderClosedException.class,
            StoreClosedException.class, org.eclipse.angus.mail.iap.ConnectionException.class, SocketException.class,
            SocketTimeoutException.class, EOFException.class);

    private final AtomicLong lastWarned = new AtomicLong(System.nanoTime() - WARN_EVERY_NANOS);

    /** True when the error (or one of its causes) is the connection to the mail server being lost. */
    public boolean isLost(Throwable error) {
        return LOST.stream().anyMatch(type -> ErrorText.cause(error, type).isPresent());
    }

    /** Fails this mail's exchange so it stays in the inbox; one warning a minute, whatever the number of mails. */
    public void leaveInInbox(Throwable error) {
        long now = System.nanoTime();
        long last = lastWarned.get();
        if (now - last >= WARN_EVERY_NANOS && lastWarned.compareAndSet(last, now)) {
            LOG.warn("The connection to the mail server was lost while mail was being read ({}). The mails not yet"
                    + " filed stay in the inbox and are read when the server answers again; nothing goes to Failed."
                    + " If this goes on, check the IMAP server.", ErrorText.forLog(ErrorText.full(error)));
        }
        throw new MailServerUnavailableException(error);
    }

    /** The exchange's failure while the mail server is away: the consumer leaves the mail where it is. */
    public static final class MailServerUnavailableException extends RuntimeException {
        MailServerUnavailableException(Throwable cause) {
            super("the mail server connection was lost; the mail stays in the inbox", cause, false, false);
        }
    }
}
