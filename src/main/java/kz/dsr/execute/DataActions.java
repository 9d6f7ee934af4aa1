package kz.dsr.execute;

import java.time.Clock;
import kz.dsr.datamap.DataMap;

/** The executors of one company's data map, built once at start. */
public record DataActions(DataMap map, Erasure erasure, AccessExport access, Rectification rectification,
        ProcessingBlock block, Preferences preferences, Planner planner) {

    public static DataActions of(DataMap map, AppDatabase db, KeyedHash hash, ProcessingBlock.BlockList blocks,
            Clock clock) {
        return new DataActions(map, new Erasure(map, db, hash), new AccessExport(map, db, clock),
                new Rectification(map, db, hash), new ProcessingBlock(map, db, blocks), new Preferences(map, db),
                new Planner(map, db));
    }
}
