package kz.dsr.operator;

import java.util.LinkedHashMap;
import java.util.Map;
import kz.dsr.request.RequestStatus;
import org.springframework.jdbc.core.JdbcTemplate;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * An operator decision on one request: who and why, both kept in the request's timeline. A
 * subclass runs it in one store transaction, on the row locked by {@link #locked}.
 */
abstract class Decision extends StoreCommand {

    @Parameters(index = "0", paramLabel = "REF", description = "the request's reference, e.g. DSR-2026-000123")
    String reference;

    @Option(names = "--operator", required = true, description = "who decides (kept in the timeline as operator:NAME)")
    String operator;

    @Option(names = "--reason", required = true, description = "why (kept in the timeline and as the status reason)")
    String reason;

    /** The decision in the past tense, for the refusals ("only a request ... can be approved"). */
    abstract String past();

    String actor() {
        return "operator:" + operator.strip();
    }

    String reason() {
        return reason.strip();
    }

    @Override
    void check() {
        if (operator.isBlank() || actor().length() > 100) {
            throw new IllegalArgumentException("--operator must be a name of 1 to 91 characters");
        }
        if (reason.isBlank()) {
            throw new IllegalArgumentException("--reason must say why (it is kept in the request's timeline)");
        }
    }

    /** The request, locked until this transaction ends, so no other decision or node moves it meanwhile. */
    RequestRow locked(JdbcTemplate jdbc) {
        return RequestRow.existing(jdbc, reference, true);
    }

    /** The request, locked for this transaction, and waiting for review; refused otherwise. */
    RequestRow waitingForReview(JdbcTemplate jdbc) {
        return waitingForReview(locked(jdbc));
    }

    /** {@code row} when it waits for review; refused with where it stands otherwise. */
    RequestRow waitingForReview(RequestRow row) {
        if (row.status() != RequestStatus.NEEDS_REVIEW) {
            throw new Refused(row.reference() + " is " + row.status() + ", not NEEDS_REVIEW: only a request waiting"
                    + " for an operator can be " + past() + " (`requests show " + row.reference()
                    + "` shows where it stands)");
        }
        return row;
    }

    /**
     * Moves the locked request through the lifecycle, with this operator as actor and the reason as
     * cause; refused when someone else moved it first.
     */
    void move(OperatorStore store, RequestRow row, RequestStatus from, RequestStatus to, Map<String, Object> details) {
        if (!store.lifecycle().move(row.id(), from, to, reason(), actor(), details)) {
            throw new Refused(row.reference() + " was moved by someone else meanwhile");
        }
    }

    /** What every event of this decision says: who decided and which decision it was. */
    Map<String, Object> details(String decision) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("operator", operator.strip());
        d.put("decision", decision);
        return d;
    }
}
