package kz.dsr.store;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import kz.dsr.request.RequestStatus;
import kz.dsr.request.RequestType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;

/** The requests table: opening a request under a new public reference, finding one, counting. */
public final class RequestStore {

    /** A request as the rest of the pipeline sees it. */
    public record Request(long id, String reference, RequestType type, RequestStatus status, String language,
                          String requesterEmail, Instant receivedAt, LocalDate dueDate, int floodMerged) {
    }

    private static final String COLUMNS =
            "id, reference, type, status, language, requester_email, received_at, due_date, flood_merged";

    private static final RowMapper<Request> ROW = (rs, n) -> new Request(
            rs.getLong("id"), rs.getString("reference"), RequestType.valueOf(rs.getString("type")),
            RequestStatus.valueOf(rs.getString("status")), rs.getString("language"),
            rs.getString("requester_email"), rs.getTimestamp("received_at").toInstant(),
            rs.getDate("due_date").toLocalDate(), rs.getInt("flood_merged"));

    private final JdbcTemplate jdbc;

    public RequestStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Opens a request under the next reference of the receipt year (DSR-YYYY-NNNNNN). The counter
     * row stays locked until the transaction ends, so references have no gaps and no duplicates.
     */
    public Request open(RequestType type, RequestStatus status, String language, String requesterEmail,
                        Instant receivedAt, LocalDate dueDate, double confidence, boolean review,
                        Map<String, ?> classification) {
        int year = receivedAt.atZone(ZoneOffset.UTC).getYear();
        // One round trip: the next number of the year and the request under it.
        Map.Entry<Long, String> created = jdbc.queryForObject(
                "with counter as (insert into reference_counter (year, last) values (?, 1) on conflict (year) "
                        + "do update set last = reference_counter.last + 1 returning year, last) "
                        + "insert into request (reference, type, status, language, requester_email, received_at, "
                        + "due_date, confidence, review, classification) "
                        + "select 'DSR-' || year || '-' || lpad(last::text, 6, '0'), ?, ?, ?, ?, ?, ?, ?, ?, ? "
                        + "from counter returning id, reference",
                (rs, n) -> Map.entry(rs.getLong(1), rs.getString(2)),
                year, type.name(), status.name(), language, requesterEmail, Timestamp.from(receivedAt),
                java.sql.Date.valueOf(dueDate), confidence, review, Json.write(classification));
        long id = created.getKey();
        String reference = created.getValue();
        return new Request(id, reference, type, status, language, requesterEmail, receivedAt, dueDate, 0);
    }

    public Optional<Request> byReference(String reference) {
        return jdbc.query("select " + COLUMNS + " from request where reference = ?", ROW, reference)
                .stream().findFirst();
    }

    public Optional<Request> byId(long id) {
        return jdbc.query("select " + COLUMNS + " from request where id = ?", ROW, id).stream().findFirst();
    }

    /** Requests opened for this requester since the given time (flood guard). */
    public int countOpenedSince(String requesterEmail, Instant since) {
        Integer n = jdbc.queryForObject(
                "select count(*) from request where requester_email = ? and created_at >= ?",
                Integer.class, requesterEmail, Timestamp.from(since));
        return n == null ? 0 : n;
    }

    /** The newest request of this requester that is still open, if any. */
    public Optional<Request> latestOpen(String requesterEmail) {
        return jdbc.query("select " + COLUMNS + " from request where requester_email = ? and status not in "
                        + RequestStatus.closedSqlList() + " order by id desc limit 1", ROW, requesterEmail)
                .stream().findFirst();
    }

    /** Counts one more mail merged into this request by the flood guard. */
    public void countFloodMerge(long requestId) {
        jdbc.update("update request set flood_merged = flood_merged + 1, updated_at = now() where id = ?", requestId);
    }

    public List<Request> all() {
        return jdbc.query("select " + COLUMNS + " from request order by id", ROW);
    }

    /** Moves a request to {@code status} (transition rules come with the lifecycle). */
    public void setStatus(long requestId, RequestStatus status) {
        jdbc.update("update request set status = ?, updated_at = now() where id = ?", status.name(), requestId);
    }

    /** Links a request to its data subject: the subject key in the application database, as text. */
    public void setSubjectRef(long requestId, String subjectRef) {
        jdbc.update("update request set subject_ref = ?, updated_at = now() where id = ?", subjectRef, requestId);
    }

    public Optional<String> subjectRef(long requestId) {
        return jdbc.query("select subject_ref from request where id = ?", (rs, n) -> rs.getString(1), requestId)
                .stream().filter(java.util.Objects::nonNull).findFirst();
    }

    /** What the classifier found (evidence, identifiers, rectification), as stored at intake. */
    public com.fasterxml.jackson.databind.JsonNode classification(long requestId) {
        return classificationOf(requestId,
                jdbc.queryForObject("select classification from request where id = ?", String.class, requestId));
    }

    /** The classification column of request {@code requestId} as read (null when none was stored). */
    public static com.fasterxml.jackson.databind.JsonNode classificationOf(long requestId, String json) {
        try {
            return Json.mapper().readTree(json == null ? "{}" : json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("request " + requestId + " has unreadable classification JSON", e);
        }
    }
}
