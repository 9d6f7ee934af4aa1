package kz.dsr.health;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * A database the pipeline works on (the store, the application database) answers: {@code select 1}
 * through the pipeline's own pool, within the timeout. When it does not, one connection is opened
 * around the pool to learn why (refused, unknown database, wrong password, no route to the host): the
 * pool only says it timed out, and an operator needs the reason.
 */
public final class DatabaseCheck extends ReadinessCheck implements AutoCloseable {

    private static final Pattern JDBC = Pattern.compile("jdbc:[a-z]+://([^/?]+)/([^?;]*).*");

    private final String name;
    private final String url;
    private final String username;
    private final String password;
    private final String settings;
    private final Duration timeout;
    private final TimedProbe probe;

    /**
     * @param id       the check's name on /observe/health/ready
     * @param name     what the database is to an operator ("the store database")
     * @param settings the keys that point at it, for the line that says what to check
     */
    public DatabaseCheck(String id, String name, DataSource pool, String url, String username, String password,
            String settings, Duration timeout, Clock clock) {
        super(id);
        this.name = name + " " + where(url);
        this.url = url;
        this.username = username;
        this.password = password;
        this.settings = settings;
        this.timeout = timeout;
        this.probe = new TimedProbe(this.name, () -> selectOne(pool), timeout, Duration.ZERO, clock);
    }

    /** "dsr on db.company.kz:5432": the URL without its parameters, which may hold credentials. */
    static String where(String jdbcUrl) {
        Matcher m = JDBC.matcher(jdbcUrl);
        return m.matches() ? m.group(2) + " on " + m.group(1) : "(dsr.*.url is not a jdbc:...://host/database URL)";
    }

    private Verdict selectOne(DataSource pool) throws SQLException {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.setQueryTimeout(seconds());
            try (ResultSet rs = s.executeQuery("select 1")) {
                rs.next();
            }
        }
        return Verdict.up(name + " answers");
    }

    @Override
    protected Verdict verdict() {
        Verdict verdict = probe.get();
        if (verdict.up()) {
            return verdict;
        }
        return Verdict.down(name + " does not answer: " + reason(verdict) + ". The pipeline waits for it; check that"
                + " the database is up and reachable from here, and " + settings + ".");
    }

    /** Why the pool gets no connection, from a connection of its own (the pool's timeout says nothing). */
    private String reason(Verdict fromPool) {
        Properties props = new Properties();
        props.setProperty("user", username);
        props.setProperty("password", password);
        props.setProperty("connectTimeout", String.valueOf(seconds()));
        props.setProperty("socketTimeout", String.valueOf(seconds()));
        props.setProperty("loginTimeout", String.valueOf(seconds()));
        try (Connection c = DriverManager.getConnection(url, props)) {
            // A new connection works: the pool's connections are broken or all in use.
            return "through the pipeline's pool: " + fromPool.message() + " (a new connection does work: the pool's"
                    + " connections are broken or all busy)";
        } catch (SQLException e) {
            return Problems.describe(e);
        }
    }

    private int seconds() {
        return (int) Math.max(1, (timeout.toMillis() + 999) / 1000);
    }

    @Override
    public void close() {
        probe.close();
    }
}
