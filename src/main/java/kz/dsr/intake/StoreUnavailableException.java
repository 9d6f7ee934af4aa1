package kz.dsr.intake;

/**
 * The store could not be reached while a mail was read: the mail stays in the inbox for a later poll.
 * Without a stack trace: what the operator needs is the one-line reason, logged once per poll.
 */
public final class StoreUnavailableException extends RuntimeException {

    StoreUnavailableException(String reason) {
        super("The store database cannot be reached (" + reason + "); the mail stays in the inbox for a later poll",
                null, false, false);
    }
}
