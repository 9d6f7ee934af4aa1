package kz.dsr.timers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Date;
import kz.dsr.store.StoreDatabase;
import kz.dsr.testing.TestServers;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/** A slot Quartz fires twice (on two nodes, after a late check-in) is run once. */
class TimerRunsTest {

    @Test
    void theSecondFiringOfASlotFindsItTaken() {
        JdbcTemplate store = TestServers.get().storeJdbc(TestServers.get().newDatabase("dsr_timer_runs"));
        StoreDatabase.migrate(store.getDataSource());
        TimerRuns runs = new TimerRuns(store);
        Date slot = new Date(1_790_000_000_000L);
        assertTrue(runs.claim("retention", slot), "the first node runs the slot");
        assertFalse(runs.claim("retention", slot), "a second firing of the same slot does nothing");
        assertTrue(runs.claim("deadline-watch", slot), "another job's slot is its own");
        assertTrue(runs.claim("retention", new Date(slot.getTime() + 1000)), "the next slot runs");
        assertTrue(runs.claim("retention", null) && runs.claim("retention", null), "a firing by hand always runs");
        assertEquals(5, store.queryForObject("select count(*) from timer_run", Integer.class));
    }
}
