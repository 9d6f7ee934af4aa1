package kz.dsr.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import org.flywaydb.core.Flyway;

/** Opens the pipeline's own PostgreSQL (schema {@code dsr}) and brings its tables up to date. */
public final class StoreDatabase {

    public static final String SCHEMA = "dsr";

    private StoreDatabase() {
    }

    /**
     * A pool on the store, migrated. Fails with a message that names the URL and what to check,
     * never with a bare driver stack trace.
     */
    public static HikariDataSource open(String url, String username, String password, int poolSize) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("dsr-store");
        config.setJdbcUrl(url);
        config.setUsername(username);
        config.setPassword(password);
        config.setMaximumPoolSize(poolSize);
        config.setSchema(SCHEMA);
        config.setAutoCommit(true);
        HikariDataSource dataSource;
        try {
            dataSource = new HikariDataSource(config);
        } catch (HikariPool.PoolInitializationException e) {
            throw new kz.dsr.config.ConfigurationError("Cannot connect to the store database " + url + " as user '" + username
                    + "': " + rootMessage(e) + ". Check dsr.store.url, dsr.store.username and DSR_STORE_PASSWORD.", e);
        }
        try {
            migrate(dataSource);
        } catch (org.flywaydb.core.api.FlywayException e) {
            dataSource.close();
            throw new kz.dsr.config.ConfigurationError("Cannot bring the store's schema " + SCHEMA + " up to date in "
                    + url + " as user '" + username + "': " + firstLine(e.getMessage()) + ". The user needs the right"
                    + " to create schema " + SCHEMA + " and its tables (docs/operations.md).", e);
        }
        return dataSource;
    }

    /** Applies the Flyway migrations in {@code db/migration} to schema {@code dsr}. */
    public static void migrate(javax.sql.DataSource dataSource) {
        Flyway.configure()
                .dataSource(dataSource)
                .schemas(SCHEMA)
                .defaultSchema(SCHEMA)
                .createSchemas(true)
                .locations("classpath:db/migration")
                .load()
                .migrate();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "no message";
        }
        return message.strip().lines().findFirst().orElse("").strip().replaceAll("\\.+$", "");
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }
}
