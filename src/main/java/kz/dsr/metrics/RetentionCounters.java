package kz.dsr.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import kz.dsr.timers.RetentionRuns.RuleRun;

/**
 * {@code dsr_retention_rows_total{rule, action}}: rows deleted or anonymised by each retention rule,
 * counted when the rule's run ends (its batches are committed one by one, so what the run reports is
 * done). Counted on the node that ran it: the retention timer runs on one node at a time.
 */
public final class RetentionCounters implements Consumer<RuleRun> {

    private final MeterRegistry registry;
    private final Set<String> rules;

    /** @param rules each known rule and its action (delete or anonymise): their counters are served from 0 */
    public RetentionCounters(MeterRegistry registry, Map<String, String> rules) {
        this.registry = registry;
        this.rules = rules.keySet();
        rules.forEach((rule, action) -> counter(rule, action));
    }

    private Counter counter(String rule, String action) {
        return Counter.builder("dsr.retention.rows")
                .description("Rows deleted or anonymised by retention, by rule and action")
                .tag("rule", rule).tag("action", action).register(registry);
    }

    @Override
    public void accept(RuleRun run) {
        if (Labels.in(run.rule(), rules) && run.rows() > 0) {
            counter(run.rule(), "anonymise".equals(run.action()) ? "anonymise" : "delete").increment(run.rows());
        }
    }
}
