package kz.dsr.request;

import static kz.dsr.request.RequestStatus.AWAITING_PROCESSORS;
import static kz.dsr.request.RequestStatus.AWAITING_VERIFICATION;
import static kz.dsr.request.RequestStatus.CLASSIFIED;
import static kz.dsr.request.RequestStatus.COMPLETED;
import static kz.dsr.request.RequestStatus.EXECUTING;
import static kz.dsr.request.RequestStatus.EXPIRED;
import static kz.dsr.request.RequestStatus.FAILED;
import static kz.dsr.request.RequestStatus.MATCHED;
import static kz.dsr.request.RequestStatus.NEEDS_REVIEW;
import static kz.dsr.request.RequestStatus.ON_HOLD;
import static kz.dsr.request.RequestStatus.RECEIVED;
import static kz.dsr.request.RequestStatus.REJECTED;
import static kz.dsr.request.RequestStatus.VERIFIED;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import kz.dsr.store.EventLog;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The request lifecycle as a checked state machine kept in the store:
 * RECEIVED → CLASSIFIED → (NEEDS_REVIEW) → MATCHED → AWAITING_VERIFICATION → VERIFIED → (ON_HOLD) →
 * EXECUTING → AWAITING_PROCESSORS → COMPLETED, and REJECTED, EXPIRED, FAILED with their reasons.
 *
 * <p>Every move is conditional on the status the caller saw ({@code where status = from}), so two
 * nodes, or a node and an operator, never move one request twice; and every move is an event with
 * its cause. A restart loses nothing: the status is the state.
 */
public final class Lifecycle {

    /** Which status may follow which. Anything else is refused. */
    static final Map<RequestStatus, Set<RequestStatus>> NEXT = new EnumMap<>(RequestStatus.class);

    static {
        NEXT.put(RECEIVED, EnumSet.of(CLASSIFIED, NEEDS_REVIEW, REJECTED, FAILED));
        NEXT.put(CLASSIFIED, EnumSet.of(MATCHED, AWAITING_VERIFICATION, NEEDS_REVIEW, REJECTED, FAILED));
        NEXT.put(NEEDS_REVIEW, EnumSet.of(CLASSIFIED, MATCHED, EXECUTING, REJECTED, FAILED));
        NEXT.put(MATCHED, EnumSet.of(AWAITING_VERIFICATION, VERIFIED, NEEDS_REVIEW, REJECTED, FAILED));
        NEXT.put(AWAITING_VERIFICATION, EnumSet.of(VERIFIED, MATCHED, EXPIRED, REJECTED, FAILED));
        NEXT.put(VERIFIED, EnumSet.of(EXECUTING, ON_HOLD, FAILED));
        NEXT.put(EXECUTING, EnumSet.of(ON_HOLD, AWAITING_PROCESSORS, COMPLETED, NEEDS_REVIEW, REJECTED, FAILED));
        NEXT.put(ON_HOLD, EnumSet.of(EXECUTING, REJECTED, FAILED));
        NEXT.put(AWAITING_PROCESSORS, EnumSet.of(COMPLETED, FAILED));
        NEXT.put(FAILED, EnumSet.of(EXECUTING, REJECTED));
        NEXT.put(COMPLETED, EnumSet.noneOf(RequestStatus.class));
        NEXT.put(REJECTED, EnumSet.noneOf(RequestStatus.class));
        NEXT.put(EXPIRED, EnumSet.noneOf(RequestStatus.class));
    }

    /** A move the lifecycle does not allow. */
    public static final class IllegalTransition extends IllegalStateException {
        IllegalTransition(String message) {
            super(message);
        }
    }

    private final JdbcTemplate jdbc;
    private final EventLog events;

    public Lifecycle(JdbcTemplate jdbc, EventLog events) {
        this.jdbc = jdbc;
        this.events = events;
    }

    public static boolean allowed(RequestStatus from, RequestStatus to) {
        return NEXT.getOrDefault(from, Set.of()).contains(to);
    }

    /**
     * Moves the request from {@code from} to {@code to} and records the move with its cause. Returns
     * false when the request is no longer in {@code from} (someone else moved it): nothing happens.
     *
     * @throws IllegalTransition when the lifecycle does not allow the move
     */
    public boolean move(long requestId, RequestStatus from, RequestStatus to, String cause, String actor,
            Map<String, ?> details) {
        if (!allowed(from, to)) {
            throw new IllegalTransition("request " + requestId + " cannot go from " + from + " to " + to
                    + " (allowed from " + from + ": " + NEXT.get(from) + ")");
        }
        int moved = jdbc.update("update request set status = ?, status_reason = ?, updated_at = now()"
                + " where id = ? and status = ?", to.name(), cause, requestId, from.name());
        if (moved == 0) {
            return false;
        }
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("from", from.name());
        all.put("to", to.name());
        all.put("cause", cause);
        all.putAll(details);
        events.append(requestId, "STATUS_" + to.name(), actor, all);
        return true;
    }

    public boolean move(long requestId, RequestStatus from, RequestStatus to, String cause, String actor) {
        return move(requestId, from, to, cause, actor, Map.of());
    }
}
