package kz.dsr.timers;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.function.Consumer;
import kz.dsr.store.ErrorText;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.GeneratedKeyHolder;

/**
 * Runs one retention rule batch after batch, each batch its own short transaction, until a batch
 * finds fewer rows than the batch size, and records the run in the store's {@code retention_run}: a
 * row when it starts, its counts when it ends (or the error that stopped it).
 */
public final class RetentionRuns {

    /** One batch: its own transaction, at most {@code limit} rows; what it did. */
    @FunctionalInterface
    public interface Batch {
        Step run(int limit) throws Exception;
    }

    /** What one batch did, and whether another may find more. */
    public record Step(long rows, boolean more) {
    }

    /** What a rule's run did; {@code error} is null when it ran to the end. */
    public record RuleRun(String rule, String action, Instant cutoff, long rows, int batches, long longestBatchMs,
            String error) {

        public boolean ok() {
            return error == null;
        }
    }

    private final JdbcTemplate store;
    private final Clock clock;
    private final Consumer<RuleRun> finished;

    public RetentionRuns(JdbcTemplate store, Clock clock) {
        this(store, clock, run -> { });
    }

    /** @param finished told of each rule's run once it is recorded (what it did, or the error that stopped it) */
    public RetentionRuns(JdbcTemplate store, Clock clock, Consumer<RuleRun> finished) {
        this.store = store;
        this.clock = clock;
        this.finished = finished;
    }

    public Clock clock() {
        return clock;
    }

    /**
     * Runs {@code batch} until it says there is nothing more; records and returns the run. An
     * exception stops the rule (the batches done before it stay committed) and is recorded, not thrown.
     */
    public RuleRun run(String rule, String target, String action, Instant cutoff, int batchSize, Batch batch) {
        long id = start(rule, target, action, cutoff);
        long rows = 0;
        int batches = 0;
        long longest = 0;
        String error = null;
        try {
            Step step;
            do {
                long t0 = System.nanoTime();
                step = batch.run(batchSize);
                long ms = (System.nanoTime() - t0) / 1_000_000;
                longest = Math.max(longest, ms);
                batches++;
                rows += step.rows();
            } while (step.more());
        } catch (Exception e) {
            error = ErrorText.forLog(e.getMessage() == null ? e.toString() : e.getMessage());
        }
        String column = action.equals("anonymise") ? "rows_anonymised" : "rows_deleted";
        store.update("update retention_run set finished_at = ?, " + column + " = ?, batches = ?, longest_batch_ms = ?,"
                + " error = ? where id = ?", Timestamp.from(clock.instant()), rows, batches, longest, error, id);
        RuleRun run = new RuleRun(rule, action, cutoff, rows, batches, longest, error);
        finished.accept(run);
        return run;
    }

    private long start(String rule, String target, String action, Instant cutoff) {
        GeneratedKeyHolder key = new GeneratedKeyHolder();
        store.update(con -> {
            var ps = con.prepareStatement("insert into retention_run (rule, target, action, cutoff, started_at)"
                    + " values (?, ?, ?, ?, ?)", new String[] {"id"});
            ps.setString(1, rule);
            ps.setString(2, target);
            ps.setString(3, action);
            ps.setTimestamp(4, Timestamp.from(cutoff));
            ps.setTimestamp(5, Timestamp.from(clock.instant()));
            return ps;
        }, key);
        return key.getKey().longValue();
    }
}
