package kz.dsr.timers;

import java.lang.management.ManagementFactory;
import java.sql.Timestamp;
import java.util.Date;
import org.springframework.jdbc.core.JdbcTemplate;

/** Records each firing of a clustered timer: the job, the slot it was scheduled for, the node that ran it. */
public final class TimerRuns {

    /** This JVM, as "host/pid" (what RuntimeMXBean names it). */
    static final String NODE = ManagementFactory.getRuntimeMXBean().getName();

    private final JdbcTemplate store;

    public TimerRuns(JdbcTemplate store) {
        this.store = store;
    }

    public void record(String job, Date scheduledFor) {
        store.update("insert into timer_run (job, scheduled_for, node) values (?, ?, ?)", job,
                scheduledFor == null ? null : new Timestamp(scheduledFor.getTime()), NODE);
    }
}
