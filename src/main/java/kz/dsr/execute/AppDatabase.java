package kz.dsr.execute;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import kz.dsr.datamap.Sql;
import kz.dsr.datamap.Sql.Query;

/**
 * The company's application database: runs {@link Sql} queries and gives each executor one
 * transaction, committed only when the whole step succeeded.
 */
public final class AppDatabase {

    /** Work done inside one transaction. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private final DataSource dataSource;

    public AppDatabase(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** A pool on the application database; a failure names the URL and the keys to check. */
    public static com.zaxxer.hikari.HikariDataSource open(String url, String username, String password, int poolSize) {
        com.zaxxer.hikari.HikariConfig config = new com.zaxxer.hikari.HikariConfig();
        config.setPoolName("dsr-app");
        config.setJdbcUrl(url);
        config.setUsername(username);
        config.setPassword(password);
        config.setMaximumPoolSize(poolSize);
        config.setAutoCommit(true);
        try {
            return new com.zaxxer.hikari.HikariDataSource(config);
        } catch (com.zaxxer.hikari.pool.HikariPool.PoolInitializationException e) {
            throw new kz.dsr.config.ConfigurationError("Cannot connect to the application database " + url + " as user '" + username
                    + "': " + kz.dsr.store.ErrorText.full(e) + ". Check dsr.app-db.url, dsr.app-db.username and"
                    + " DSR_APP_DB_PASSWORD.", e);
        }
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /** Runs {@code work} in one transaction: committed when it returns, rolled back when it throws. */
    public <T> T inTransaction(Work<T> work) {
        return transaction(work, false);
    }

    /** Runs {@code work} in a read-only transaction that is always rolled back (plans, exports). */
    public <T> T readOnly(Work<T> work) {
        return transaction(work, true);
    }

    private <T> T transaction(Work<T> work, boolean readOnly) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            if (readOnly) {
                // One snapshot for the whole read: an export does not mix rows from before and after a write.
                c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                c.setReadOnly(true);
            }
            try {
                T result = work.run(c);
                if (readOnly) {
                    c.rollback();
                } else {
                    c.commit();
                }
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                if (readOnly) {
                    c.setReadOnly(false);
                    c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
                }
            }
        } catch (SQLException e) {
            throw new AppDatabaseException(e);
        }
    }

    public static long update(Connection c, Query q) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(q.sql())) {
            Sql.bind(ps, q.params());
            return ps.executeLargeUpdate();
        }
    }

    public static long count(Connection c, Query q) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(q.sql())) {
            Sql.bind(ps, q.params());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    public static boolean exists(Connection c, Query q) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(q.sql())) {
            Sql.bind(ps, q.params());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    /** The first column of every row, as the driver returns it (keys keep their type). */
    public static List<Object> column(Connection c, Query q) throws SQLException {
        List<Object> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(q.sql())) {
            Sql.bind(ps, q.params());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getObject(1));
                }
            }
        }
        return out;
    }

    /** A failure of the application database, with PostgreSQL's SQLSTATE for the operator. */
    public static final class AppDatabaseException extends RuntimeException {
        AppDatabaseException(SQLException e) {
            super("The application database refused the step (SQLSTATE " + e.getSQLState() + "): "
                    + kz.dsr.store.ErrorText.forLog(e.getMessage()), e);
        }
    }
}
