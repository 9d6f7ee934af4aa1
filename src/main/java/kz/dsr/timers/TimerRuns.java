package kz.dsr.timers;

import java.lang.management.ManagementFactory;
import java.sql.Timestamp;
import java.util.Date;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Records each firing of a clustered timer — the job, the slot it was scheduled for, the node that ran
 * it — and lets one node only run a slot: Quartz may fire a slot on a second node when the first
 * checked in late and was taken for dead.
 */
public final class TimerRuns {

    /** This JVM, as "host/pid" (what RuntimeMXBean names it). */
    static final String NODE = ManagementFactory.getRuntimeMXBean().getName();

    private final JdbcTemplate store;

    public TimerRuns(JdbcTemplate store) {
        this.store = store;
    }

    /**
     * Records this node's run of the slot; false when another node has run it already (the route then
     * does nothing). A firing without a slot (run by hand) always runs.
     */
    public boolean claim(String job, Date scheduledFor) {
        return store.update("insert into timer_run (job, scheduled_for, node) values (?, ?, ?) on conflict do nothing",
                job, scheduledFor == null ? null : new Timestamp(scheduledFor.getTime()), NODE) == 1;
    }
}
