package kz.dsr.execute;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import kz.dsr.datamap.DataMap;
import kz.dsr.datamap.DataMap.Preference;
import kz.dsr.datamap.Sql;
import kz.dsr.datamap.Sql.Untyped;
import kz.dsr.execute.TableOutcome.Action;

/**
 * CONSENT_WITHDRAWAL and MARKETING_OPT_OUT: set the columns the data map names for consent purposes
 * or marketing channels to their "off" value — all of them, or the ones the person named.
 */
public final class Preferences {

    private final DataMap map;
    private final Sql sql;
    private final AppDatabase db;

    public Preferences(DataMap map, AppDatabase db) {
        this.map = map;
        this.sql = new Sql(map);
        this.db = db;
    }

    /** Withdraws consent for {@code purposes} (empty: every purpose in the map). */
    public Execution withdrawConsent(Object subjectKey, Collection<String> purposes) {
        return turnOff(subjectKey, map.consentPurposes(), purposes, "purposes");
    }

    /** Stops marketing on {@code channels} (empty: every channel in the map). */
    public Execution optOut(Object subjectKey, Collection<String> channels) {
        return turnOff(subjectKey, map.marketingChannels(), channels, "channels");
    }

    private Execution turnOff(Object subjectKey, Map<String, Preference> known, Collection<String> named, String what) {
        List<Preference> chosen = new ArrayList<>();
        for (String n : named) {
            Preference p = known.get(n);
            if (p == null) {
                return Execution.rejected("unknown " + what + " '" + n + "' (the data map has " + known.keySet() + ")");
            }
            chosen.add(p);
        }
        if (chosen.isEmpty()) {
            chosen.addAll(known.values());
        }
        if (chosen.isEmpty()) {
            return Execution.rejected("the data map lists no " + what);
        }
        return db.inTransaction(c -> {
            List<TableOutcome> outcomes = new ArrayList<>();
            for (Preference p : chosen) {
                long rows = AppDatabase.update(c, sql.update(map.table(p.table()),
                        Map.of(p.column(), new Untyped(p.offValue())), p.where(), subjectKey));
                outcomes.add(new TableOutcome(p.table(), Action.SET, rows, p.name() + ": " + p.column() + " = "
                        + p.offValue()));
            }
            Map<String, Object> facts = new LinkedHashMap<>();
            facts.put(what, chosen.stream().map(Preference::name).toList());
            return Execution.done(outcomes, facts);
        });
    }
}
