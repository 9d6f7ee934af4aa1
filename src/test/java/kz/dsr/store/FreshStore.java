package kz.dsr.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import kz.dsr.demo.EmbeddedServices;
import kz.dsr.testing.TestServers;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/** A new, migrated store database on the embedded PostgreSQL for each test. */
final class FreshStore {

    private FreshStore() {
    }

    /** A database with every migration applied, copied for each test: a copy is made in a fraction of a migration. */
    private static String template;
    private static final AtomicInteger COPIES = new AtomicInteger();

    /** SQL access to a new store database (schema dsr, every migration applied); each call its own connection. */
    static synchronized JdbcTemplate create() {
        EmbeddedServices servers = TestServers.get();
        if (template == null) {
            String url = servers.newDatabase("dsr_store_template");
            StoreDatabase.migrate(servers.storeJdbc(url).getDataSource());
            template = url.substring(url.lastIndexOf('/') + 1).replaceAll("\\?.*$", "");
        }
        String copy = "dsr_store_copy_" + COPIES.incrementAndGet();
        try (Connection c = servers.postgres().getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("create database " + copy + " template " + template);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot copy the store template into " + copy + ": " + e.getMessage(), e);
        }
        return servers.storeJdbc(servers.postgres().getJdbcUrl("postgres", copy));
    }

    /**
     * A transaction the test holds open on its own connection, as another node in the middle of its
     * work: what it writes stays uncommitted, and its row locks held, until the test commits or rolls back.
     */
    static final class OpenTransaction implements AutoCloseable {
        private final Connection connection;
        final JdbcTemplate jdbc;

        OpenTransaction(JdbcTemplate store) throws SQLException {
            connection = store.getDataSource().getConnection();
            connection.setAutoCommit(false);
            jdbc = new JdbcTemplate(new SingleConnectionDataSource(connection, true));
        }

        void commit() throws SQLException {
            connection.commit();
        }

        void rollback() throws SQLException {
            connection.rollback();
        }

        @Override
        public void close() throws SQLException {
            if (!connection.getAutoCommit()) {
                connection.rollback();
            }
            connection.close();
        }
    }

    /** Sessions of this database waiting for a lock another transaction holds (pg_stat_activity). */
    static int waitingForALock(JdbcTemplate store) {
        Integer n = store.queryForObject("select count(*) from pg_stat_activity where datname = current_database()"
                + " and wait_event_type = 'Lock'", Integer.class);
        return n == null ? 0 : n;
    }
}
