package kz.dsr.subject;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import kz.dsr.request.Lifecycle;
import kz.dsr.request.LogReference;
import kz.dsr.request.RequestStatus;
import kz.dsr.request.RequestType;
import kz.dsr.store.ErrorText;
import kz.dsr.store.EventLog;
import kz.dsr.store.RequestStore;
import kz.dsr.store.RequestStore.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Moves requests along their lifecycle from where they stand in the store — which is why a restart
 * resumes every request where it stood. Called by {@code routes/advance-requests.yaml}: CLASSIFIED →
 * matching and verification; MATCHED (an operator named the account) → verification; VERIFIED → EXECUTING (the route then runs the executor); a request
 * left in EXECUTING past a lease (a crash mid-execution) is executed again, which is safe; an ON_HOLD
 * request is tried again once per hold re-check period (the hold is checked first, every time);
 * AWAITING_VERIFICATION whose code expired → EXPIRED.
 */
public final class RequestFlow {

    private static final Logger LOG = LoggerFactory.getLogger(RequestFlow.class);
    private static final String ACTOR = "flow";

    private final JdbcTemplate jdbc;
    private final RequestStore requests;
    private final Lifecycle lifecycle;
    private final Matching matching;
    private final Verification verification;
    private final EventLog events;
    private final Clock clock;
    private final Duration executingLease;
    private final Duration holdRecheck;

    public RequestFlow(JdbcTemplate jdbc, RequestStore requests, Lifecycle lifecycle, Matching matching,
            Verification verification, EventLog events, Clock clock, Duration executingLease, Duration holdRecheck) {
        this.jdbc = jdbc;
        this.requests = requests;
        this.lifecycle = lifecycle;
        this.matching = matching;
        this.verification = verification;
        this.events = events;
        this.clock = clock;
        this.executingLease = executingLease;
        this.holdRecheck = holdRecheck;
    }

    /** Requests with a step to take, most urgent first. */
    public List<Long> due(int limit) {
        List<Long> out = new ArrayList<>(jdbc.queryForList("select id from request where status in ('CLASSIFIED',"
                + " 'MATCHED', 'VERIFIED') or (status = 'EXECUTING' and updated_at < ?) or (status = 'ON_HOLD' and"
                + " updated_at < ?) order by due_date, id limit ?", Long.class,
                Timestamp.from(clock.instant().minus(executingLease)), Timestamp.from(clock.instant().minus(holdRecheck)),
                limit));
        verification.expiredWaiting().stream().filter(id -> !out.contains(id)).limit(limit).forEach(out::add);
        return out;
    }

    /**
     * Takes the request's next step in the store transaction of the calling route. Returns the request
     * id when it is now EXECUTING and the executor must run; null otherwise.
     */
    public Long advance(long requestId) {
        Request r = requests.byId(requestId).orElseThrow();
        try (LogReference ignored = LogReference.of(r.reference())) {
            return step(r);
        }
    }

    private Long step(Request r) {
        long requestId = r.id();
        switch (r.status()) {
            case CLASSIFIED -> {
                if (r.type() == RequestType.NOT_DSR || r.type() == RequestType.UNKNOWN) {
                    lifecycle.move(r.id(), RequestStatus.CLASSIFIED, RequestStatus.NEEDS_REVIEW,
                            "an operator set the type " + r.type() + ", which cannot be carried out", ACTOR);
                    return null;
                }
                matching.match(r);
                return null;
            }
            case MATCHED -> {
                matching.verifyNamed(r);
                return null;
            }
            case VERIFIED -> {
                return lifecycle.move(r.id(), RequestStatus.VERIFIED, RequestStatus.EXECUTING, "verified", ACTOR)
                        ? requestId : null;
            }
            case EXECUTING -> {
                // Still EXECUTING after the lease: the node running it died. Touch it so that only one
                // node picks it up again, then execute again (every executor is safe to repeat).
                int touched = jdbc.update("update request set updated_at = now() where id = ? and status = 'EXECUTING'"
                        + " and updated_at < ?", requestId, Timestamp.from(clock.instant().minus(executingLease)));
                if (touched == 1) {
                    events.append(requestId, "EXECUTION_RESUMED", ACTOR, Map.of("reason",
                            "still EXECUTING after " + executingLease.toSeconds() + " s: the node running it stopped"));
                    return requestId;
                }
                return null;
            }
            case ON_HOLD -> {
                // The hold is checked again: executing re-runs the hold check first; a hold that still
                // applies puts the request back ON_HOLD (its reply was sent once already).
                return lifecycle.move(r.id(), RequestStatus.ON_HOLD, RequestStatus.EXECUTING, "hold re-check", ACTOR)
                        ? requestId : null;
            }
            case AWAITING_VERIFICATION -> {
                verification.expire(r, "the code was not sent back in time");
                return null;
            }
            default -> {
                return null;
            }
        }
    }

    /** A step failed (the application database is down, say): recorded; the next poll tries again. */
    public void failed(long requestId, Throwable error) {
        String reason = ErrorText.forLog(ErrorText.full(error));
        LOG.warn("Request id {} could not move on: {}. It stays where it stands and is tried again at the next poll.",
                requestId, reason);
    }
}
