package kz.dsr.timers;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One retention run: the data map's rules in the application database, then the pipeline's own data
 * (raw mails, codes, dead letters, ended outbox messages, exports). Each rule records its counts in {@code retention_run};
 * a failing rule does not stop the others. Called by {@code routes/retention.yaml}.
 */
public final class RetentionJob {

    private static final Logger LOG = LoggerFactory.getLogger(RetentionJob.class);

    private final Retention application;
    private final StorePurge store;

    public RetentionJob(Retention application, StorePurge store) {
        this.application = application;
        this.store = store;
    }

    /** Runs every rule; returns a one-line summary for the log (counts only). */
    public String run() {
        List<RetentionRuns.RuleRun> runs = new ArrayList<>(application.runAll());
        runs.addAll(store.runAll());
        long rows = runs.stream().mapToLong(RetentionRuns.RuleRun::rows).sum();
        long failed = runs.stream().filter(r -> !r.ok()).count();
        if (failed > 0) {
            LOG.error("Retention: {} of {} rule(s) failed; see dsr.retention_run (error column) and fix the cause:"
                    + " the next run starts again where this one stopped.", failed, runs.size());
        }
        return runs.size() + " rule(s), " + rows + " row(s) deleted or anonymised, " + failed + " failed";
    }
}
