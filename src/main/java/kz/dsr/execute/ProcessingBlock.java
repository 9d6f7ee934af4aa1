package kz.dsr.execute;

import java.util.List;
import java.util.Map;
import kz.dsr.datamap.DataMap;
import kz.dsr.datamap.Sql;
import kz.dsr.datamap.Sql.Untyped;
import kz.dsr.execute.TableOutcome.Action;

/**
 * BLOCKING: marks the subject so that the company's application, later steps and processors see that
 * their data must not be processed; an operator lifts it. The mark is the data map's blocking column
 * when it has one, else a row of the pipeline's own store ({@link BlockList}).
 */
public final class ProcessingBlock {

    /** The store's record of blocked subjects, for companies whose database has no column for it. */
    public interface BlockList {
        /** true when the subject was not blocked before. */
        boolean block(String company, String subjectKey);

        /** true when the subject was blocked before. */
        boolean unblock(String company, String subjectKey);

        boolean isBlocked(String company, String subjectKey);
    }

    private final DataMap map;
    private final Sql sql;
    private final AppDatabase db;
    private final BlockList store;

    public ProcessingBlock(DataMap map, AppDatabase db, BlockList store) {
        this.map = map;
        this.sql = new Sql(map);
        this.db = db;
        this.store = store;
    }

    public Execution block(Object subjectKey) {
        return set(subjectKey, true);
    }

    public Execution unblock(Object subjectKey) {
        return set(subjectKey, false);
    }

    private Execution set(Object subjectKey, boolean blocked) {
        if (map.subject().blocking().isEmpty()) {
            boolean changed = blocked ? store.block(map.company(), String.valueOf(subjectKey))
                    : store.unblock(map.company(), String.valueOf(subjectKey));
            return Execution.done(List.of(new TableOutcome("dsr.subject_block", Action.SET, changed ? 1 : 0,
                    blocked ? "blocked" : "unblocked")), Map.of("blocked", blocked));
        }
        DataMap.Blocking b = map.subject().blocking().get();
        String value = blocked ? b.blockedValue() : b.clearedValue();
        return db.inTransaction(c -> {
            long rows = AppDatabase.update(c, sql.update(map.subjectTable(), Map.of(b.column(), new Untyped(value)),
                    subjectKey));
            return Execution.done(List.of(new TableOutcome(map.subject().table(), Action.SET, rows,
                    b.column() + " = " + value)), Map.of("blocked", blocked));
        });
    }
}
