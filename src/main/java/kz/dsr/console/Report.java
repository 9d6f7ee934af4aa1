package kz.dsr.console;

import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Map;
import java.util.TreeMap;
import kz.dsr.request.RequestStatus;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The period report as CSV: per request type, the requests received and closed in the period (dates in the
 * calendar's zone, both ends included) and how many of the closed ones closed by their due date.
 */
public final class Report {

    private final JdbcTemplate jdbc;
    private final ZoneId zone;

    public Report(JdbcTemplate jdbc, ZoneId zone) {
        this.jdbc = jdbc;
        this.zone = zone;
    }

    private record Line(long received, long closed, long onTime) {
    }

    public String csv(LocalDate from, LocalDate to) {
        Timestamp start = Timestamp.from(from.atStartOfDay(zone).toInstant());
        Timestamp end = Timestamp.from(to.plusDays(1).atStartOfDay(zone).toInstant());
        Map<String, Line> lines = new TreeMap<>();
        jdbc.query("select type, count(*) from request where received_at >= ? and received_at < ? group by type",
                rs -> {
                    lines.put(rs.getString(1), new Line(rs.getLong(2), 0, 0));
                }, start, end);
        // When a request closed is the time of its last move to a closed status (its timeline says).
        jdbc.query("select r.type, count(*), count(*) filter (where (c.at at time zone ?)::date <= r.due_date)"
                + " from request r join lateral (select e.at from request_event e where e.request_id = r.id and e.kind"
                + " in ('STATUS_COMPLETED', 'STATUS_REJECTED', 'STATUS_EXPIRED', 'STATUS_FAILED') order by e.id desc"
                + " limit 1) c on true where r.status in " + RequestStatus.closedSqlList()
                + " and c.at >= ? and c.at < ? group by r.type", rs -> {
                    Line before = lines.getOrDefault(rs.getString(1), new Line(0, 0, 0));
                    lines.put(rs.getString(1), new Line(before.received(), rs.getLong(2), rs.getLong(3)));
                }, zone.getId(), start, end);
        StringBuilder csv = new StringBuilder("from,to,type,received,closed,closed_on_time,on_time_rate\r\n");
        long received = 0;
        long closed = 0;
        long onTime = 0;
        for (Map.Entry<String, Line> e : lines.entrySet()) {
            Line l = e.getValue();
            csv.append(row(from, to, e.getKey(), l));
            received += l.received();
            closed += l.closed();
            onTime += l.onTime();
        }
        csv.append(row(from, to, "ALL", new Line(received, closed, onTime)));
        return csv.toString();
    }

    private static String row(LocalDate from, LocalDate to, String type, Line l) {
        String rate = l.closed() == 0 ? "" : String.format(java.util.Locale.ROOT, "%.3f", (double) l.onTime() / l.closed());
        return from + "," + to + "," + type + "," + l.received() + "," + l.closed() + "," + l.onTime() + "," + rate + "\r\n";
    }
}
