package kz.dsr.execute;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import kz.dsr.datamap.DataMap;
import kz.dsr.datamap.DataMap.MappedColumn;
import kz.dsr.datamap.DataMap.MappedTable;
import kz.dsr.datamap.Sql;
import kz.dsr.datamap.Sql.Query;
import kz.dsr.datamap.Sql.Untyped;
import kz.dsr.execute.TableOutcome.Action;
import kz.dsr.request.RequestType;

/**
 * RECTIFICATION: writes a validated new value into the column(s) the data map gives for a field
 * (phone, email, name…). The timeline records which column changed and a keyed hash of the old
 * value — proof of the change that does not keep the old value in clear. When the field has several
 * rows (two cars), the map cannot tell which one is meant: an operator decides.
 */
public final class Rectification {

    private final DataMap map;
    private final Sql sql;
    private final AppDatabase db;
    private final KeyedHash hash;

    public Rectification(DataMap map, AppDatabase db, KeyedHash hash) {
        this.map = map;
        this.sql = new Sql(map);
        this.db = db;
        this.hash = hash;
    }

    public Execution run(Object subjectKey, String field, String newValue) {
        List<Map.Entry<MappedTable, MappedColumn>> targets = map.rectifiable(field == null ? "" : field);
        if (targets.isEmpty()) {
            return Execution.rejected("the field '" + field + "' cannot be rectified through this service (the data"
                    + " map marks no column rectifiable for it)");
        }
        Optional<String> value = targets.get(0).getValue().rectify().orElseThrow().validator().check(newValue);
        if (value.isEmpty()) {
            return Execution.rejected("the new value for " + field + " is not "
                    + targets.get(0).getValue().rectify().get().validator().describe());
        }
        return db.inTransaction(c -> {
            Optional<DataMap.Hold> hold = HoldCheck.first(c, map, RequestType.RECTIFICATION, subjectKey);
            if (hold.isPresent()) {
                return Execution.onHold(hold.get());
            }
            List<TableOutcome> outcomes = new ArrayList<>();
            Map<String, Object> facts = new LinkedHashMap<>();
            facts.put("field", field);
            for (Map.Entry<MappedTable, MappedColumn> target : targets) {
                MappedTable t = target.getKey();
                MappedColumn col = target.getValue();
                List<String> old = oldValues(c, t, col, subjectKey);
                if (old.size() > 1) {
                    c.rollback();
                    return Execution.needsReview("the subject has " + old.size() + " rows in " + t.name()
                            + " for field " + field + ": an operator must say which one to change");
                }
                if (old.isEmpty()) {
                    continue;
                }
                long rows = AppDatabase.update(c, sql.update(t, Map.of(col.name(), new Untyped(value.get())),
                        subjectKey));
                outcomes.add(new TableOutcome(t.name(), Action.CHANGED, rows, "column " + col.name()));
                facts.put("old." + t.name() + "." + col.name(), old.get(0) == null ? "null" : hash.hash(old.get(0)));
            }
            if (outcomes.isEmpty()) {
                return Execution.rejected("the subject has no row holding " + field + " to change");
            }
            return Execution.done(outcomes, facts);
        });
    }

    private List<String> oldValues(Connection c, MappedTable t, MappedColumn col, Object subjectKey) throws SQLException {
        Query q = sql.selectForUpdate(t, List.of(col.name()), subjectKey);
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(q.sql())) {
            Sql.bind(ps, q.params());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(2));
                }
            }
        }
        return out;
    }
}
