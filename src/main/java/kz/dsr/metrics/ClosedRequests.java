package kz.dsr.metrics;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import kz.dsr.request.RequestStatus;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Closed requests (COMPLETED, REJECTED, EXPIRED, FAILED) by status and type: nearly every row of the
 * request table, so no index helps and the count is a pass over the table (about 60 MB at 200,000
 * requests). It is therefore made in the background every few minutes (dsr.metrics.closed-requests-refresh-seconds),
 * never during a scrape; closed counts only grow, so a few minutes late is still right for a dashboard.
 */
public final class ClosedRequests {

    static final String[] CLOSED_STATUSES = Arrays.stream(RequestStatus.values()).filter(RequestStatus::isClosed)
            .map(Enum::name).toArray(String[]::new);

    static final String SQL = "select status, type, count(*) from request where status = any (?) group by status, type";

    private final JdbcTemplate store;

    public ClosedRequests(JdbcTemplate store) {
        this.store = store;
    }

    /** Counts keyed "status|type". */
    public Map<String, Long> read() {
        Map<String, Long> out = new HashMap<>();
        store.query(SQL, rs -> {
            out.put(rs.getString(1) + "|" + rs.getString(2), rs.getLong(3));
        }, (Object) CLOSED_STATUSES);
        return out;
    }
}
