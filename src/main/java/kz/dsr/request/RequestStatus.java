package kz.dsr.request;

import java.util.Arrays;
import java.util.stream.Collectors;

/** Where a request stands. The full lifecycle and its checked transitions come with the lifecycle issue. */
public enum RequestStatus {
    RECEIVED,
    CLASSIFIED,
    NEEDS_REVIEW,
    MATCHED,
    AWAITING_VERIFICATION,
    VERIFIED,
    ON_HOLD,
    EXECUTING,
    AWAITING_PROCESSORS,
    COMPLETED,
    REJECTED,
    EXPIRED,
    FAILED;

    public boolean isClosed() {
        return this == COMPLETED || this == REJECTED || this == EXPIRED || this == FAILED;
    }

    /** The closed statuses as an SQL list literal, e.g. ('COMPLETED', ...): constants only, never input. */
    public static String closedSqlList() {
        return Arrays.stream(values()).filter(RequestStatus::isClosed)
                .map(s -> "'" + s.name() + "'").collect(Collectors.joining(", ", "(", ")"));
    }
}
