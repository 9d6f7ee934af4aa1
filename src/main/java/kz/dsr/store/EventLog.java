package kz.dsr.store;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
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

    /** The request's events, oldest first. */
    public List<Event> timeline(long requestId) {
        return events(jdbc.queryForObject("select " + timelineJson("?"), String.class, requestId));
    }

    /**
     * A sub-select giving the timeline of the request whose id {@code requestId} is (an SQL expression: a
     * parameter, or a column of the outer query) as one JSON array, oldest first; {@link #events} reads it.
     * A page that shows a request puts it beside its other reads, so the timeline costs no round trip of its
     * own. The details go as the text they are stored as.
     */
    public static String timelineJson(String requestId) {
        return "(select coalesce(json_agg(json_build_array(e.id, e.request_id, e.at, e.kind, e.actor, e.details)"
                + " order by e.id), '[]') from request_event e where e.request_id = " + requestId + ")";
    }

    /** The events of a {@link #timelineJson} value. */
    public static List<Event> events(String timelineJson) {
        List<Event> events = new ArrayList<>();
        for (JsonNode e : Json.tree(timelineJson)) {
            events.add(new Event(e.get(0).asLong(), e.get(1).asLong(), Json.instant(e.get(2)), e.get(3).asText(),
                    e.get(4).asText(), e.get(5).asText()));
        }
        return events;
    }
}
