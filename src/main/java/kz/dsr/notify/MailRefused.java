package kz.dsr.notify;

import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import kz.dsr.store.PermanentFailure;

/**
 * The SMTP server refused this mail for good: a 5xx answer to its recipient (RCPT) or to its content
 * (DATA), or it cannot take the mail at all (an internationalised address, and no SMTPUTF8). Sending it
 * again gives the same answer, so the outbox gives it up at once. A 4xx answer, a refused or dropped
 * connection, or a 5xx to the login or to our own sender address (MAIL FROM: the configuration, which
 * an operator fixes for every mail) are not refusals of this mail and are retried.
 */
public final class MailRefused extends MessagingException implements PermanentFailure {

    /** A server reply as Jakarta Mail quotes it in its exceptions: "550 5.1.1 <...>: Recipient ...". */
    private static final Pattern REPLY = Pattern.compile("^([2-5]\\d\\d)[ -]");
    private static final int MAX_CAUSES = 20;

    MailRefused(String message, Exception cause) {
        super(message, cause);
    }

    /** The refusal that {@code error} is, or null when it is not one (then it is retried). */
    static MailRefused of(MessagingException error) {
        SendFailedException failed = find(error, SendFailedException.class);
        // Recipients were answered (refused, accepted or deferred): past MAIL FROM, so about this mail.
        boolean aboutThisMail = failed != null && (present(failed.getInvalidAddresses())
                || present(failed.getValidSentAddresses()) || present(failed.getValidUnsentAddresses()));
        Integer code = replyCode(error);
        if (aboutThisMail && code != null && code >= 500) {
            return new MailRefused("The SMTP server refused the mail for good (" + code + "): " + reply(error), error);
        }
        return null;
    }

    /** The first SMTP reply code quoted in the error or what it wraps; null when the server never answered. */
    static Integer replyCode(Exception error) {
        String reply = reply(error);
        Matcher m = reply == null ? null : REPLY.matcher(reply);
        return m != null && m.find() ? Integer.valueOf(m.group(1)) : null;
    }

    private static String reply(Exception error) {
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        Throwable t = error;
        while (t != null && seen.size() < MAX_CAUSES && seen.put(t, Boolean.TRUE) == null) {
            if (t.getMessage() != null && REPLY.matcher(t.getMessage().strip()).find()) {
                return t.getMessage().strip();
            }
            t = t instanceof MessagingException m && m.getNextException() != null ? m.getNextException() : t.getCause();
        }
        return null;
    }

    private static <T extends Throwable> T find(Throwable error, Class<T> type) {
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        Throwable t = error;
        while (t != null && seen.size() < MAX_CAUSES && seen.put(t, Boolean.TRUE) == null) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
            t = t instanceof MessagingException m && m.getNextException() != null ? m.getNextException() : t.getCause();
        }
        return null;
    }

    private static boolean present(Object[] addresses) {
        return addresses != null && addresses.length > 0;
    }
}
