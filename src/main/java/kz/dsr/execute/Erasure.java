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
import kz.dsr.datamap.DataMap.MappedTable;
import kz.dsr.datamap.Sql;
import kz.dsr.datamap.Sql.Query;
import kz.dsr.execute.TableOutcome.Action;
import kz.dsr.request.RequestType;

/**
 * ERASURE: follows the data map's links children before parents and, per table, deletes the
 * subject's rows, anonymises them column by column, or keeps them for their legal reason; when the
 * subject is banned, keeps hashes of their identities in the suppression table first. One
 * transaction; a legal hold stops it before anything changes. Running it again is safe: deleted
 * rows are gone, hashed values are recognised and left alone, suppression rows are not duplicated.
 */
public final class Erasure {

    private final DataMap map;
    private final Sql sql;
    private final AppDatabase db;
    private final KeyedHash hash;
    private final Anonymiser anonymiser;

    public Erasure(DataMap map, AppDatabase db, KeyedHash hash) {
        this.map = map;
        this.sql = new Sql(map);
        this.db = db;
        this.hash = hash;
        this.anonymiser = new Anonymiser(map, hash);
    }

    public Execution run(Object subjectKey) {
        return db.inTransaction(c -> {
            lockSubject(c, subjectKey);
            Optional<DataMap.Hold> hold = HoldCheck.first(c, map, RequestType.ERASURE, subjectKey);
            if (hold.isPresent()) {
                return Execution.onHold(hold.get());
            }
            // Read before anything is erased: the ban and the identities live in tables erasure changes.
            List<String[]> suppress = suppressionEntries(c, subjectKey);
            List<TableOutcome> outcomes = new ArrayList<>();
            for (MappedTable t : map.childrenFirst()) {
                outcomes.add(erase(c, t, subjectKey));
            }
            long suppressed = 0;
            for (String[] entry : suppress) {
                DataMap.Suppression s = map.suppression().orElseThrow();
                suppressed += AppDatabase.update(c, sql.suppress(s, entry[0], entry[1], "banned subject erased"));
            }
            Map<String, Object> facts = new LinkedHashMap<>();
            facts.put("banned", !suppress.isEmpty());
            if (!suppress.isEmpty()) {
                outcomes.add(new TableOutcome(map.suppression().get().table(), Action.SUPPRESSED, suppressed,
                        "banned subject: identity hashes kept so the account cannot be registered again"));
            }
            return Execution.done(outcomes, facts);
        });
    }

    /** Serialises two executions for one subject (a retry racing a timer, two nodes). */
    private void lockSubject(Connection c, Object subjectKey) throws SQLException {
        Query q = sql.identities(List.of(map.subject().key()), subjectKey);
        try (PreparedStatement ps = c.prepareStatement(q.sql() + " FOR UPDATE")) {
            Sql.bind(ps, q.params());
            ps.executeQuery().close();
        }
    }

    private TableOutcome erase(Connection c, MappedTable t, Object subjectKey) throws SQLException {
        return switch (t.erasure()) {
            case DELETE -> TableOutcome.of(t.name(), Action.DELETED, AppDatabase.update(c, sql.delete(t, subjectKey)));
            case KEEP -> new TableOutcome(t.name(), Action.KEPT, AppDatabase.count(c, sql.count(t, subjectKey)),
                    t.keep().orElseThrow().reason().in("en") + " (kept " + t.keep().get().periodText() + ")");
            case ANONYMISE -> TableOutcome.of(t.name(), Action.ANONYMISED, anonymiser.subject(c, t, subjectKey));
        };
    }

    /** [identity type, keyed hash of its normalised value] for a banned subject; empty otherwise. */
    private List<String[]> suppressionEntries(Connection c, Object subjectKey) throws SQLException {
        if (map.suppression().isEmpty()) {
            return List.of();
        }
        DataMap.Suppression s = map.suppression().get();
        if (!AppDatabase.exists(c, Sql.exists(s.bannedSql(), subjectKey))) {
            return List.of();
        }
        List<DataMap.Identity> ids = s.identities().stream().map(n -> map.subject().identities().get(n)).toList();
        Query q = sql.identities(ids.stream().map(DataMap.Identity::column).toList(), subjectKey);
        List<String[]> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(q.sql())) {
            Sql.bind(ps, q.params());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    for (int i = 0; i < ids.size(); i++) {
                        String raw = rs.getString(i + 1);
                        if (raw != null && !KeyedHash.isHash(raw)) {
                            String normal = ids.get(i).normaliser().apply(raw).orElse(raw.strip());
                            out.add(new String[] {ids.get(i).name(), hash.hash(normal)});
                        }
                    }
                }
            }
        }
        return out;
    }
}
