package kz.dsr.store;

import java.time.Instant;
import java.util.List;
import java.util.Map;
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

    public EventLog(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public void append(long requestId, String kind, String actor, Map<String, ?> details) {
        jdbc.update("insert into request_event (request_id, kind, actor, details) values (?, ?, ?, ?)",
                requestId, kind, actor, Json.write(details));
    }

    public List<Event> timeline(long requestId) {
        return jdbc.query("select id, request_id, at, kind, actor, details from request_event "
                        + "where request_id = ? order by id",
                (rs, n) -> new Event(rs.getLong(1), rs.getLong(2), rs.getTimestamp(3).toInstant(),
                        rs.getString(4), rs.getString(5), rs.getString(6)), requestId);
    }
}
