package kz.dsr.cluster;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.Properties;

/**
 * A PostgreSQL session-level advisory lock, held on a connection of its own. Never on one of the pool's:
 * a pooled connection goes back to the pool still holding the lock, and whichever thread borrows it next
 * would hold it too, while a connection the pool drops would free it unseen. On its own connection the
 * lock lives exactly as long as that connection: when the node stops, is killed (the kernel closes its
 * socket) or loses the connection (a store restart), PostgreSQL frees the lock at once.
 *
 * <p>The connection is named {@code dsr-pipeline NODE} (pg_stat_activity's application_name), so the
 * other nodes, and an operator, can tell which node holds the lock. Calls are serialised: one node's
 * check thread and its mail thread share the connection.
 */
public final class AdvisoryLock implements AutoCloseable {

    /** A lock's two keys, as pg_locks shows them: classid = space, objid = id, objsubid = 2. */
    public record Key(int space, int id) {
    }

    /** Who reads the support mailbox. {@code space} is "dsr" in ASCII, the pipeline's own key space. */
    public static final Key INTAKE_MAILBOX = new Key(0x647372, 1);

    /** What the lock connection's application_name starts with; the node's name follows. */
    static final String APPLICATION = "dsr-pipeline ";
    private static final int TIMEOUT_SECONDS = 5;

    private final String url;
    private final Properties properties = new Properties();
    private final Key key;
    private Connection connection;
    private boolean held;

    public AdvisoryLock(String url, String user, String password, String node, Key key) {
        this.url = url;
        this.key = key;
        properties.setProperty("user", user);
        properties.setProperty("password", password == null ? "" : password);
        properties.setProperty("ApplicationName", APPLICATION + node);
        properties.setProperty("connectTimeout", String.valueOf(TIMEOUT_SECONDS));
        // A check that gets no answer (a cut network) fails after this long instead of hanging the node's checks.
        properties.setProperty("socketTimeout", String.valueOf(2 * TIMEOUT_SECONDS));
        properties.setProperty("tcpKeepAlive", "true");
    }

    /** Takes the lock if it is free (or already ours); false when another session holds it. */
    public synchronized boolean tryTake() throws SQLException {
        if (held && stillHeld()) {
            return true;
        }
        try (PreparedStatement s = connection().prepareStatement("select pg_try_advisory_lock(?, ?)")) {
            s.setInt(1, key.space());
            s.setInt(2, key.id());
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                held = rs.getBoolean(1);
                return held;
            }
        } catch (SQLException e) {
            drop();
            throw e;
        }
    }

    /**
     * True while this node holds the lock, asked of PostgreSQL on the lock's connection: the session that
     * took it answers, so its lock is still there. False once the connection is gone (and then it is
     * closed here, so the next {@link #tryTake} opens a new one).
     */
    public synchronized boolean stillHeld() {
        if (!held || connection == null) {
            return false;
        }
        try {
            if (connection.isValid(TIMEOUT_SECONDS)) {
                return true;
            }
        } catch (SQLException e) {
            // as invalid
        }
        drop();
        return false;
    }

    /** The node holding the lock (the name its connection gives), or empty when nobody holds it. */
    public synchronized Optional<String> holder() throws SQLException {
        try (PreparedStatement s = connection().prepareStatement("select a.application_name from pg_locks l"
                + " join pg_stat_activity a on a.pid = l.pid where l.locktype = 'advisory' and l.granted"
                + " and l.classid::bigint = ? and l.objid::bigint = ? and l.objsubid = 2"
                + " and l.database = (select oid from pg_database where datname = current_database())")) {
            s.setLong(1, key.space());
            s.setLong(2, key.id());
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                String name = rs.getString(1);
                return Optional.of(name != null && name.startsWith(APPLICATION) ? name.substring(APPLICATION.length())
                        : "a session that is not a pipeline node (" + name + ")");
            }
        } catch (SQLException e) {
            drop();
            throw e;
        }
    }

    private Connection connection() throws SQLException {
        if (connection == null) {
            connection = DriverManager.getConnection(url, properties);
            held = false;
        }
        return connection;
    }

    /** Forgets the connection (and with it the lock, if it still held it). */
    private void drop() {
        held = false;
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                // it is gone either way
            }
            connection = null;
        }
    }

    /** Releases the lock by closing its connection. */
    @Override
    public synchronized void close() {
        drop();
    }
}
