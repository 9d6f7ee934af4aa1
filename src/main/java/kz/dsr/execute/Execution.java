package kz.dsr.execute;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import kz.dsr.datamap.DataMap;

/**
 * The result of carrying out one request against the application database.
 *
 * @param result   DONE (committed), ON_HOLD (a legal hold applies: nothing changed), NEEDS_REVIEW
 *                 (the map cannot decide alone: nothing changed), REJECTED (the request cannot be
 *                 carried out as asked: nothing changed)
 * @param hold     the hold that applies, when ON_HOLD
 * @param reason   why, for NEEDS_REVIEW and REJECTED (operator language, no personal data)
 * @param tables   per table: rows deleted / anonymised / kept / changed
 * @param facts    small facts for the timeline (field changed, purposes withdrawn...), no personal data
 */
public record Execution(Result result, Optional<DataMap.Hold> hold, String reason, List<TableOutcome> tables,
        Map<String, Object> facts) {

    public enum Result {
        DONE, ON_HOLD, NEEDS_REVIEW, REJECTED
    }

    public static Execution done(List<TableOutcome> tables, Map<String, Object> facts) {
        return new Execution(Result.DONE, Optional.empty(), null, List.copyOf(tables), Map.copyOf(facts));
    }

    public static Execution onHold(DataMap.Hold hold) {
        return new Execution(Result.ON_HOLD, Optional.of(hold), "legal hold " + hold.name(), List.of(), Map.of());
    }

    public static Execution needsReview(String reason) {
        return new Execution(Result.NEEDS_REVIEW, Optional.empty(), reason, List.of(), Map.of());
    }

    public static Execution rejected(String reason) {
        return new Execution(Result.REJECTED, Optional.empty(), reason, List.of(), Map.of());
    }

    public long rows(TableOutcome.Action action) {
        return tables.stream().filter(t -> t.action() == action).mapToLong(TableOutcome::rows).sum();
    }
}
