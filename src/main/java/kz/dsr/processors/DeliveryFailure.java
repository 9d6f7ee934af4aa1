package kz.dsr.processors;

/**
 * A call to a processor that did not deliver, and what the relay does about it. The message speaks to
 * an operator (processor, request reference, status, what to do) and never carries identities or the
 * body sent: it is written to the outbox row and the log. No cause is chained, so the outbox keeps this
 * message rather than the low-level one.
 */
public final class DeliveryFailure extends Exception {

    /** What the relay does with the message. */
    public enum Next {
        /** No answer, a timeout, 408, 429 or 5xx: tried again with backoff (an attempt is used). */
        RETRY,
        /** The processor's circuit is open: put back without counting an attempt. */
        POSTPONE,
        /** Refused for good (a 4xx, an unknown processor): already given up and the operator told. */
        GIVEN_UP
    }

    private final Next next;
    private final long postponeSeconds;

    private DeliveryFailure(Next next, long postponeSeconds, String message) {
        super(message);
        this.next = next;
        this.postponeSeconds = postponeSeconds;
    }

    public static DeliveryFailure retry(String message) {
        return new DeliveryFailure(Next.RETRY, 0, message);
    }

    public static DeliveryFailure postpone(long seconds, String message) {
        return new DeliveryFailure(Next.POSTPONE, seconds, message);
    }

    public static DeliveryFailure givenUp(String message) {
        return new DeliveryFailure(Next.GIVEN_UP, 0, message);
    }

    public Next next() {
        return next;
    }

    public long postponeSeconds() {
        return postponeSeconds;
    }
}
