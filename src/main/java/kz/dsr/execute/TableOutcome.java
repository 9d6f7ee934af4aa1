package kz.dsr.execute;

/**
 * What a step did to one table: how many rows, and why when they were kept. Counts only — never
 * values — so it can go into the request's timeline and the reply.
 */
public record TableOutcome(String table, Action action, long rows, String reason) {

    public enum Action {
        DELETED, ANONYMISED, KEPT, CHANGED, SET, SUPPRESSED, EXPORTED, WOULD_DELETE, WOULD_ANONYMISE, WOULD_KEEP,
        WOULD_SET
    }

    public static TableOutcome of(String table, Action action, long rows) {
        return new TableOutcome(table, action, rows, null);
    }
}
