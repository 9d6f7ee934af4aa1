package kz.dsr.processors;

import java.util.Locale;
import java.util.Optional;

/** Where a processor stands on one request. */
public enum TaskStatus {
    /** Written to the outbox with the execution; not delivered yet. */
    QUEUED,
    /** Its API took the request (2xx), or the mail to it left. */
    SENT,
    /** OpenDSR: the processor has it and has not started. */
    PENDING,
    /** OpenDSR: the processor is working on it. */
    IN_PROGRESS,
    /** The processor confirmed it has done it. */
    COMPLETED,
    /** OpenDSR: the processor cancelled it (the operator is told). */
    CANCELLED,
    /** Its API refused the request for good (a 4xx other than 408/429; the operator is told). */
    REFUSED,
    /** An operator closed the request with a reason before this processor confirmed. */
    CLOSED;

    /**
     * Nothing the processor says changes a task in these: its own last word (completed, cancelled) and
     * ours (refused, closed).
     */
    public boolean isFinal() {
        return this == COMPLETED || this == CANCELLED || this == REFUSED || this == CLOSED;
    }

    /**
     * Whether a task standing here may move to {@code to}: forward only (queued, sent, pending,
     * in progress, then a final state), never out of a final state. A report that arrives late (the
     * relay's "sent" after the processor's "completed", a replayed "pending") would move it backwards.
     */
    public boolean canMoveTo(TaskStatus to) {
        if (isFinal() || to == this) {
            return false;
        }
        return to.isFinal() || to.ordinal() > ordinal();
    }

    /** The OpenDSR request_status ({@code pending}, {@code in_progress}, {@code completed}, {@code cancelled}). */
    public static Optional<TaskStatus> fromOpenDsr(String status) {
        if (status == null) {
            return Optional.empty();
        }
        return switch (status.strip().toLowerCase(Locale.ROOT)) {
            case "pending" -> Optional.of(PENDING);
            case "in_progress" -> Optional.of(IN_PROGRESS);
            case "completed" -> Optional.of(COMPLETED);
            case "cancelled" -> Optional.of(CANCELLED);
            default -> Optional.empty();
        };
    }
}
