package kz.dsr.operator;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Locale;
import java.util.Optional;
import kz.dsr.request.RequestStatus;
import kz.dsr.request.RequestType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;

/** A request as an operator sees it: no personal data beyond the requester address, which is shown masked. */
public record RequestRow(long id, String reference, RequestType type, RequestStatus status, String statusReason,
                  String language, String requester, Instant receivedAt, LocalDate dueDate, String subjectRef) {

    public static final String COLUMNS = "id, reference, type, status, status_reason, language, requester_email,"
            + " received_at, due_date, subject_ref";

    public static final RowMapper<RequestRow> MAPPER = (rs, n) -> new RequestRow(rs.getLong("id"),
            rs.getString("reference"), RequestType.valueOf(rs.getString("type")),
            RequestStatus.valueOf(rs.getString("status")), rs.getString("status_reason"), rs.getString("language"),
            rs.getString("requester_email"), rs.getTimestamp("received_at").toInstant(),
            rs.getDate("due_date").toLocalDate(), rs.getString("subject_ref"));

    /** As the operator typed it, in any case and with stray spaces, as the store keeps it. */
    public static String normalise(String reference) {
        return reference.strip().toUpperCase(Locale.ROOT);
    }

    /** The request with this reference; {@code lock} holds its row until the transaction ends. */
    public static Optional<RequestRow> find(JdbcTemplate jdbc, String reference, boolean lock) {
        return jdbc.query("select " + COLUMNS + " from request where reference = ?" + (lock ? " for update" : ""),
                MAPPER, normalise(reference)).stream().findFirst();
    }

    /** The request with this reference, or refused when there is none. */
    static RequestRow existing(JdbcTemplate jdbc, String reference, boolean lock) {
        return find(jdbc, reference, lock).orElseThrow(() -> new Refused("no request " + normalise(reference)
                + " in the store (references look like DSR-2026-000123; `requests list` shows the open ones)"));
    }
}
