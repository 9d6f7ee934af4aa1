package kz.dsr.realservers;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import kz.dsr.store.StoreDatabase;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A PostgreSQL 15 server of its own (the embedded binaries, run as a separate server process) on a fixed
 * port and data directory, so a test can stop it and start it again the way an operator restarts a
 * database: same address, same data, every client connection cut.
 */
public final class RestartablePostgres implements AutoCloseable {

    private final Path dataDir;
    private final int port;
    private EmbeddedPostgres server;

    private RestartablePostgres(Path dataDir, int port) {
        this.dataDir = dataDir;
        this.port = port;
    }

    public static RestartablePostgres start(Path workDir) {
        try {
            Files.createDirectories(workDir);
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            RestartablePostgres pg = new RestartablePostgres(workDir.resolve("data-" + ProcessHandle.current().pid()), port);
            pg.server = pg.launch();
            return pg;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** initdb when the data directory is new; never cleaned on close, so a restart finds its data. */
    private EmbeddedPostgres launch() throws IOException {
        return EmbeddedPostgres.builder()
                .setOverrideWorkingDirectory(dataDir.getParent().toFile())
                .setDataDirectory(dataDir)
                .setCleanDataDirectory(false)
                .setPort(port)
                .start();
    }

    /** Stops the server (fast shutdown: clients' connections are terminated). */
    public synchronized void stop() {
        try {
            if (server != null) {
                server.close();
                server = null;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts the stopped server again on the same port and data. */
    public synchronized void restart() {
        try {
            stop();
            server = launch();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return port;
    }

    /** A new empty database; its JDBC URL. */
    public String newDatabase(String name) {
        try (Connection c = server.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("create database " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot create database " + name + ": " + e.getMessage(), e);
        }
        return url(name);
    }

    public String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=postgres";
    }

    public DataSource dataSource(String url) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(url);
        ds.setUser("postgres");
        ds.setPassword("postgres");
        return ds;
    }

    /** SQL on a store database (schema dsr); each call takes a new connection, so it works across restarts. */
    public JdbcTemplate store(String url) {
        PGSimpleDataSource ds = (PGSimpleDataSource) dataSource(url);
        ds.setCurrentSchema(StoreDatabase.SCHEMA);
        return new JdbcTemplate(ds);
    }

    @Override
    public void close() {
        stop();
        org.springframework.util.FileSystemUtils.deleteRecursively(dataDir.toFile());
    }
}
