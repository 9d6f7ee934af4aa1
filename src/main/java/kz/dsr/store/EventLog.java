package kz.dsr.store;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The append-only timeline of each request: what happened, when, by whom. Details hold ids, counts
 * and reasons, never personal data in clear. A database trigger refuses updates and deletes.
 */
public final class EventLog {

    /** One entry of a request's timeline. */
    public record Event(long id, long requestId, Instant at, String kind, String actor, String details) {
    }

    private final JdbcTemplate jdbc;
    private final Consumer<List<New>> appended;

    public EventLog(JdbcTemplate jdbc) {
        this(jdbc, entries -> { });
    }

    /**
     * @param appended told of each batch of events once it is written (in the caller's transaction, if
     *                 any: a listener that counts must wait for the commit)
     */
    public EventLog(JdbcTemplate jdbc, Consumer<List<New>> appended) {
        this.jdbc = jdbc;
        this.appended = appended;
    }

    /** An event to append. */
    public record New(long requestId, String kind, String actor, Map<String, ?> details) {
    }

    public void append(long requestId, String kind, String actor, Map<String, ?> details) {
        append(List.of(new New(requestId, kind, actor, details)));
    }

    /** Appends several events in one round trip, in order. */
    public void append(List<New> entries) {
        jdbc.batchUpdate("insert into request_event (request_id, kind, actor, details) values (?, ?, ?, ?)",
                entries, entries.size(), (ps, e) -> {
                    ps.setLong(1, e.requestId());
                    ps.setString(2, e.kind());
                    ps.setString(3, e.actor());
                    ps.setString(4, Json.write(e.details()));
                });
        appended.accept(entries);
    }

    public List<Event> timeline(long requestId) {
        return jdbc.query("select id, request_id, at, kind, actor, details from request_event "
                        + "where request_id = ? order by id",
                (rs, n) -> new Event(rs.getLong(1), rs.getLong(2), rs.getTimestamp(3).toInstant(),
                        rs.getString(4), rs.getString(5), rs.getString(6)), requestId);
    }
}
