package kz.dsr.timers;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import kz.dsr.datamap.DataMap;
import kz.dsr.datamap.DataMap.RetentionRule;
import kz.dsr.datamap.DataMap.TableErasure;
import kz.dsr.datamap.SchemaCheck;
import kz.dsr.datamap.Sql;
import kz.dsr.datamap.Sql.Query;
import kz.dsr.datamap.Sql.Untyped;
import kz.dsr.execute.AppDatabase;
import kz.dsr.execute.Anonymiser;
import kz.dsr.execute.KeyedHash;
import kz.dsr.timers.RetentionRuns.RuleRun;
import kz.dsr.timers.RetentionRuns.Step;

/**
 * The data map's retention rules against the application database: rows whose time column is older
 * than the rule's period (from the injected clock) are deleted, or anonymised with the table's column
 * erase actions, in batches of {@code batchSize} rows, each batch its own short transaction, so that
 * no transaction holds row locks for long and the app's own writes go on meanwhile.
 *
 * <p>A batch takes the oldest due rows with {@code FOR UPDATE SKIP LOCKED} (a row the app holds is left
 * for the next run, never waited for) and deletes or rewrites them by row id in the same statement or
 * transaction; the next batch starts at the latest time the previous one reached, so it does not step
 * again over the index entries of the rows just deleted. A rule ends when a batch finds fewer rows
 * than the batch size. Each rule's run is recorded in the store ({@link RetentionRuns}).
 *
 * <p>Anonymise leaves the rule's own time column as it is (users.closed_at says "erase: value now" for
 * ERASURE; rewriting it would move the account's closing date) and takes only rows that are not
 * anonymised yet — a column erased to NULL still set, a hashed column not yet a keyed hash, a fixed
 * value not yet written — so running a rule again changes nothing. A fixed value {@code now} (which
 * differs at every run) does not count in that test.
 */
public final class Retention {

    private final DataMap map;
    private final AppDatabase app;
    private final Anonymiser anonymiser;
    private final RetentionRuns runs;
    private final Sql sql;
    private final int batchSize;

    public Retention(DataMap map, AppDatabase app, KeyedHash hash, RetentionRuns runs, int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("dsr.retention.batch-size must be at least 1, not " + batchSize);
        }
        this.map = map;
        this.app = app;
        this.anonymiser = new Anonymiser(map, hash);
        this.runs = runs;
        this.sql = new Sql(map);
        this.batchSize = batchSize;
    }

    /** Every rule of the map, in map order; a rule that fails is recorded and the next one still runs. */
    public List<RuleRun> runAll() {
        List<RuleRun> out = new ArrayList<>();
        for (RetentionRule r : map.retention()) {
            out.add(run(r));
        }
        return out;
    }

    /** The rule with this name. */
    public RuleRun run(String ruleName) {
        return run(map.retention().stream().filter(r -> r.name().equals(ruleName)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no retention rule '" + ruleName + "' in " + map.file())));
    }

    public RuleRun run(RetentionRule rule) {
        Instant cutoff = cutoff(rule, runs.clock());
        OffsetDateTime bound = cutoff.atOffset(ZoneOffset.UTC);
        if (rule.action() == TableErasure.DELETE) {
            Object[] after = {null};
            return runs.run(rule.name(), "app", "delete", cutoff, batchSize, limit -> app.inTransaction(c -> {
                Query q = sql.retentionDelete(rule, bound, after[0], limit);
                try (PreparedStatement ps = c.prepareStatement(q.sql())) {
                    Sql.bind(ps, q.params());
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        long rows = rs.getLong(1);
                        if (rows > 0) {
                            after[0] = rs.getObject(2);
                        }
                        return new Step(rows, rows >= limit);
                    }
                }
            }));
        }
        Anonymiser.Plan plan = Anonymiser.plan(map.table(rule.table())).without(Set.of(rule.timeColumn()));
        Map<String, Object> pending = new java.util.LinkedHashMap<>(plan.values());
        pending.values().removeIf(v -> v instanceof Untyped u && isMoment(u.text()));
        Object[] after = {null};
        return runs.run(rule.name(), "app", "anonymise", cutoff, batchSize, limit -> app.inTransaction(c -> {
            Query q = sql.retentionAnonymiseBatch(rule, pending, plan.hashed(), KeyedHash.PREFIX + "%",
                    SchemaCheck.HASH_LENGTH, bound, after[0], limit);
            List<String> ids = new ArrayList<>();
            List<String[]> current = new ArrayList<>();
            Object latest = null;
            try (PreparedStatement ps = c.prepareStatement(q.sql())) {
                Sql.bind(ps, q.params());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getString(1));
                        latest = rs.getObject(2);
                        String[] values = new String[plan.hashed().size()];
                        for (int i = 0; i < values.length; i++) {
                            values[i] = rs.getString(3 + i);
                        }
                        current.add(values);
                    }
                }
            }
            long rows = anonymiser.rows(c, plan, ids, current);
            if (latest != null) {
                after[0] = latest;
            }
            return new Step(rows, ids.size() >= limit);
        }));
    }

    /** Rows older than this are due: the clock's instant minus the rule's period (calendar years and months in UTC). */
    public static Instant cutoff(RetentionRule rule, Clock clock) {
        return clock.instant().atZone(ZoneOffset.UTC).minus(rule.period()).toInstant();
    }

    /** PostgreSQL's special date/time inputs: a value that is a different moment at every run. */
    private static boolean isMoment(String value) {
        return value != null && Set.of("now", "today", "tomorrow", "yesterday")
                .contains(value.strip().toLowerCase(java.util.Locale.ROOT));
    }
}
