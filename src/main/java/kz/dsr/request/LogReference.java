package kz.dsr.request;

import org.slf4j.MDC;

/**
 * The request a thread is working on, as the log field {@value #KEY} (MDC): every line logged while a
 * request is handled carries its public reference (DSR-YYYY-NNNNNN), so an operator finds a request's
 * whole story in the log by one field, whatever the line's text says. Set where a request is handled
 * (a lifecycle step, its execution, recording a mail, sending an outbox item), in a try-with-resources:
 * closing restores what was there before, so a pooled thread never carries a reference into the next
 * piece of work.
 */
public final class LogReference implements AutoCloseable {

    public static final String KEY = "reference";

    private final String previous;

    private LogReference(String reference) {
        previous = MDC.get(KEY);
        if (reference == null) {
            MDC.remove(KEY);
        } else {
            MDC.put(KEY, reference);
        }
    }

    /** Lines logged until {@link #close} carry this reference (none when it is null). */
    public static LogReference of(String reference) {
        return new LogReference(reference);
    }

    @Override
    public void close() {
        if (previous == null) {
            MDC.remove(KEY);
        } else {
            MDC.put(KEY, previous);
        }
    }
}
