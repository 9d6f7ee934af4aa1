package kz.dsr.processors;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The callbacks a task already had, by the SHA-256 of their raw body ({@code processor_callback}), for
 * a window: the signature covers the body only, so a captured callback can be sent again as often as
 * anyone likes. A replay within the window is answered with the first call's outcome and changes
 * nothing; after the window its digest is forgotten, and the replay is only a report like any other,
 * which still cannot move the task backwards ({@link ProcessorTasks}).
 */
public final class CallbackReplays {

    private final JdbcTemplate jdbc;
    private final Clock clock;
    private final Duration window;

    public CallbackReplays(JdbcTemplate jdbc, Clock clock, Duration window) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.window = window;
    }

    /** Lowercase hex SHA-256 of a raw body: what is kept of it. */
    public static String digest(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * In the caller's transaction: the body is this task's from now on. Returns what its first call
     * did when the task had it within the window, else empty (this call is the first; {@link #settle}
     * its outcome in the same transaction). Two calls with one body at once: the second waits for the
     * first's transaction and then sees its outcome.
     */
    public Optional<ProcessorTasks.Change> claim(long taskId, String digest) {
        Timestamp now = Timestamp.from(clock.instant());
        jdbc.update("delete from processor_callback where task_id = ? and body_sha256 = ? and received_at < ?",
                taskId, digest, Timestamp.from(now.toInstant().minus(window)));
        int inserted = jdbc.update("insert into processor_callback (task_id, body_sha256, outcome, received_at)"
                + " values (?, ?, 'CLAIMED', ?) on conflict (task_id, body_sha256) do nothing", taskId, digest, now);
        if (inserted == 1) {
            return Optional.empty();
        }
        List<String> outcome = jdbc.queryForList("select outcome from processor_callback where task_id = ? and"
                + " body_sha256 = ?", String.class, taskId, digest);
        return outcome.stream().filter(o -> !o.equals("CLAIMED")).findFirst().map(ProcessorTasks.Change::valueOf);
    }

    /** What the first call with this body did. */
    public void settle(long taskId, String digest, ProcessorTasks.Change outcome) {
        jdbc.update("update processor_callback set outcome = ? where task_id = ? and body_sha256 = ?",
                outcome.name(), taskId, digest);
    }

    /**
     * Forgets the digests older than the window; returns how many. Run by the follow-up timer, so each
     * run deletes about one interval's worth.
     */
    public int purge() {
        return jdbc.update("delete from processor_callback where received_at < ?",
                Timestamp.from(clock.instant().minus(window)));
    }
}
