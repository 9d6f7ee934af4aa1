package kz.dsr.execute;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import kz.dsr.datamap.DataMap;
import kz.dsr.datamap.Sql;
import kz.dsr.request.RequestType;

/** Evaluates the data map's legal holds for a subject, in the caller's transaction. */
final class HoldCheck {

    private HoldCheck() {
    }

    /** The first hold that applies to {@code type} for the subject, in map order. */
    static Optional<DataMap.Hold> first(Connection c, DataMap map, RequestType type, Object subjectKey)
            throws SQLException {
        for (DataMap.Hold h : map.holds()) {
            if (h.appliesTo().contains(type.name()) && AppDatabase.exists(c, Sql.exists(h.sql(), subjectKey))) {
                return Optional.of(h);
            }
        }
        return Optional.empty();
    }
}
