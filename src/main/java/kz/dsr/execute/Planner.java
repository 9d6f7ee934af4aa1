package kz.dsr.execute;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import kz.dsr.datamap.DataMap;
import kz.dsr.datamap.DataMap.ColumnErasure;
import kz.dsr.datamap.DataMap.MappedColumn;
import kz.dsr.datamap.DataMap.MappedTable;
import kz.dsr.datamap.DataMap.Preference;
import kz.dsr.datamap.Sql;
import kz.dsr.execute.TableOutcome.Action;
import kz.dsr.request.RequestType;

/**
 * What a request would do, table by table and to how many rows, without changing anything (a
 * read-only transaction, rolled back): the {@code plan} command, and a check an operator can run
 * before approving.
 */
public final class Planner {

    /** The plan: the holds that would stop it, and per table the action and the rows it would touch. */
    public record Plan(RequestType type, List<String> holds, List<TableOutcome> tables) {
    }

    private final DataMap map;
    private final Sql sql;
    private final AppDatabase db;

    public Planner(DataMap map, AppDatabase db) {
        this.map = map;
        this.sql = new Sql(map);
        this.db = db;
    }

    public Plan plan(RequestType type, Object subjectKey) {
        return db.readOnly(c -> {
            List<String> holds = new ArrayList<>();
            for (DataMap.Hold h : map.holds()) {
                if (h.appliesTo().contains(type.name())
                        && AppDatabase.exists(c, Sql.exists(h.sql(), subjectKey))) {
                    holds.add(h.name() + ": " + h.reason().in("en"));
                }
            }
            List<TableOutcome> tables = new ArrayList<>();
            switch (type) {
                case ERASURE -> {
                    for (MappedTable t : map.childrenFirst()) {
                        long rows = AppDatabase.count(c, sql.count(t, subjectKey));
                        tables.add(switch (t.erasure()) {
                            case DELETE -> TableOutcome.of(t.name(), Action.WOULD_DELETE, rows);
                            case ANONYMISE -> new TableOutcome(t.name(), Action.WOULD_ANONYMISE, rows, columnActions(t));
                            case KEEP -> new TableOutcome(t.name(), Action.WOULD_KEEP, rows,
                                    t.keep().orElseThrow().reason().in("en") + " (kept " + t.keep().get().periodText() + ")");
                        });
                    }
                    if (map.suppression().isPresent()
                            && AppDatabase.exists(c, Sql.exists(map.suppression().get().bannedSql(), subjectKey))) {
                        tables.add(new TableOutcome(map.suppression().get().table(), Action.WOULD_SET,
                                map.suppression().get().identities().size(), "banned: identity hashes kept"));
                    }
                }
                case ACCESS -> {
                    for (String category : map.exportedCategories()) {
                        for (Map.Entry<MappedTable, List<MappedColumn>> e : map.exportedByCategory(category).entrySet()) {
                            tables.add(new TableOutcome(e.getKey().name(), Action.EXPORTED,
                                    AppDatabase.count(c, sql.count(e.getKey(), subjectKey)), category + ": "
                                    + String.join(", ", e.getValue().stream().map(MappedColumn::name).toList())));
                        }
                    }
                }
                case RECTIFICATION -> {
                    for (MappedTable t : map.tables().values()) {
                        for (MappedColumn col : t.columns().values()) {
                            if (col.rectify().isPresent()) {
                                tables.add(new TableOutcome(t.name(), Action.WOULD_SET,
                                        AppDatabase.count(c, sql.count(t, subjectKey)), "field " + col.rectify().get()
                                        .field() + " → " + col.name() + " (" + col.rectify().get().validator().describe()
                                        + ")"));
                            }
                        }
                    }
                }
                case BLOCKING -> tables.add(new TableOutcome(map.subject().blocking().isPresent() ? map.subject().table()
                        : "dsr.subject_block", Action.WOULD_SET, 1, map.subject().blocking()
                        .map(b -> b.column() + " = " + b.blockedValue()).orElse("blocked in the pipeline's store")));
                case CONSENT_WITHDRAWAL -> preferences(c, map.consentPurposes(), subjectKey, tables);
                case MARKETING_OPT_OUT -> preferences(c, map.marketingChannels(), subjectKey, tables);
                default -> throw new IllegalArgumentException(type + " has no plan: it is not a request to carry out");
            }
            return new Plan(type, holds, tables);
        });
    }

    private void preferences(java.sql.Connection c, Map<String, Preference> prefs, Object subjectKey,
            List<TableOutcome> out) throws java.sql.SQLException {
        for (Preference p : prefs.values()) {
            long rows = AppDatabase.count(c, sql.count(map.table(p.table()), p.where(), subjectKey));
            out.add(new TableOutcome(p.table(), Action.WOULD_SET, rows, p.name() + ": " + p.column() + " = "
                    + p.offValue() + (p.where().isEmpty() ? "" : " where " + p.where())));
        }
    }

    private static String columnActions(MappedTable t) {
        Map<String, List<String>> by = new LinkedHashMap<>();
        for (MappedColumn col : t.columns().values()) {
            if (col.erase() != ColumnErasure.KEEP) {
                by.computeIfAbsent(col.erase().name().toLowerCase(java.util.Locale.ROOT), k -> new ArrayList<>())
                        .add(col.name());
            }
        }
        List<String> parts = new ArrayList<>();
        by.forEach((action, cols) -> parts.add(action + ": " + String.join(", ", cols)));
        return String.join("; ", parts);
    }
}
