package kz.dsr.timers;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.quartz.utils.ConnectionProvider;
import org.quartz.utils.DBConnectionManager;

/**
 * Quartz on the store's PostgreSQL, clustered: every node runs the same scheduler (same name, its own
 * instance id) over the {@code dsr.qrtz_*} tables (migration V2), and a trigger fires on exactly one
 * of them. The job store borrows the store's connection pool instead of opening its own.
 */
public final class ClusteredQuartz {

    private static final AtomicInteger POOLS = new AtomicInteger();

    private ClusteredQuartz() {
    }

    /**
     * The Quartz properties for camel-quartz. {@code schedulerName} must be the same on every node
     * (it is what makes them one cluster); {@code checkinMillis} is how soon a dead node's jobs move.
     */
    public static Properties properties(DataSource store, String schedulerName, int threads, long checkinMillis) {
        // The job store looks its data source up by name in a JVM-wide registry: one name per pipeline
        // instance, so that two pipelines in one JVM (tests) never share a pool by accident.
        String name = "dsr-store-" + POOLS.incrementAndGet();
        DBConnectionManager.getInstance().addConnectionProvider(name, new ConnectionProvider() {
            @Override
            public Connection getConnection() throws SQLException {
                return store.getConnection();
            }

            @Override
            public void shutdown() {
                // the pool belongs to the pipeline, which closes it
            }

            @Override
            public void initialize() {
                // nothing to set up
            }
        });
        Properties p = new Properties();
        p.setProperty("org.quartz.scheduler.instanceName", schedulerName);
        p.setProperty("org.quartz.scheduler.instanceId", "AUTO");
        p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        // Without it a node notices due triggers up to 30 s late (and fail-over takes as long).
        p.setProperty("org.quartz.scheduler.idleWaitTime", "1000");
        p.setProperty("org.quartz.threadPool.class", "org.quartz.simpl.SimpleThreadPool");
        p.setProperty("org.quartz.threadPool.threadCount", String.valueOf(threads));
        p.setProperty("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
        p.setProperty("org.quartz.jobStore.driverDelegateClass", "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate");
        p.setProperty("org.quartz.jobStore.dataSource", name);
        p.setProperty("org.quartz.jobStore.tablePrefix", "dsr.qrtz_");
        p.setProperty("org.quartz.jobStore.isClustered", "true");
        p.setProperty("org.quartz.jobStore.clusterCheckinInterval", String.valueOf(checkinMillis));
        p.setProperty("org.quartz.jobStore.misfireThreshold", "60000");
        return p;
    }
}
