package kz.dsr.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import kz.dsr.store.StoreDatabase;
import kz.dsr.testing.TestServers;
import kz.dsr.timers.RetentionRuns;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/** Rows each retention rule deleted or anonymised, counted from its recorded runs on a real store. */
class RetentionCountersTest {

    @Test
    void eachRulesRowsAreCountedUnderItsNameAndActionAndAnUnknownRuleIsNot() {
        JdbcTemplate store = TestServers.get().storeJdbc(TestServers.get().newDatabase("dsr_retention_counters"));
        StoreDatabase.migrate(store.getDataSource());
        MeterRegistry registry = new SimpleMeterRegistry();
        RetentionRuns runs = new RetentionRuns(store, Clock.systemUTC(), new RetentionCounters(registry,
                Map.of("closed-accounts-3-years", "anonymise", "store.raw-mail", "delete")));
        int[] left = {2};
        runs.run("closed-accounts-3-years", "app", "anonymise", Instant.now(), 100,
                limit -> new RetentionRuns.Step(100, --left[0] > 0));
        runs.run("store.raw-mail", "store", "delete", Instant.now(), 100, limit -> new RetentionRuns.Step(7, false));
        runs.run("store.raw-mail", "store", "delete", Instant.now(), 100, limit -> new RetentionRuns.Step(5, false));
        runs.run("not-a-rule-of-ours", "store", "delete", Instant.now(), 100, limit -> new RetentionRuns.Step(9, false));

        assertEquals(200.0, registry.get("dsr.retention.rows").tags("rule", "closed-accounts-3-years", "action",
                "anonymise").counter().count());
        assertEquals(12.0, registry.get("dsr.retention.rows").tags("rule", "store.raw-mail", "action", "delete")
                .counter().count());
        assertTrue(registry.find("dsr.retention.rows").tag("rule", "not-a-rule-of-ours").counters().isEmpty(),
                "only the configured rules become label values");
    }
}
