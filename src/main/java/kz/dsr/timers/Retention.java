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
 * no transaction holds row locks for long and the app's own writes go on meanwhile. A rule ends when
 * a batch finds fewer rows than the batch size; each rule's run is recorded in the store
 * ({@link RetentionRuns}); a rule that fails stops there (its committed batches stay) and the next
 * rule still runs.
 *
 * <p><b>Delete</b> walks the time column's index oldest first, one range per batch: an index-only
 * scan finds the time of the (batch size + 1)-th oldest due row, then {@code DELETE … WHERE time >= from
 * AND time < boundary} removes the rows before it (a plain range scan, the same work per row as one big
 * DELETE), and the next batch starts at that boundary, so no batch steps again over the index entries
 * of rows already deleted. A row the app holds locked is waited for (as long as the app's transaction),
 * not skipped. More rows sharing one time than a batch holds are deleted together.
 *
 * <p><b>Anonymise</b> takes the oldest due rows that are not anonymised yet with {@code FOR UPDATE SKIP
 * LOCKED} (a row the app holds is left for the next run), hashes in Java, and rewrites them by row id
 * in one statement ({@link Anonymiser}, the same erase actions as ERASURE). It leaves the rule's own
 * time column as it is (users.closed_at says "erase: value now" for ERASURE; rewriting it would move
 * the account's closing date) and takes only rows that are not anonymised yet — a column erased to
 * NULL still set, a hashed column not yet a keyed hash, a fixed value not yet written — so running a
 * rule again changes nothing. A fixed value such as {@code now} (a different moment at every run) does
 * not count in that test.
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
            Object[] from = {null};
            return runs.run(rule.name(), "app", "delete", cutoff, batchSize, limit -> app.inTransaction(c -> {
                noCommitWait(c);
                Object to = first(c, sql.retentionBoundary(rule, bound, from[0], limit));
                boolean through = to != null && to.equals(from[0]);
                long rows = AppDatabase.update(c, sql.retentionDelete(rule, from[0], to == null ? bound : to, through));
                from[0] = to;
                return new Step(rows, to != null);
            }));
        }
        Anonymiser.Plan plan = Anonymiser.plan(map.table(rule.table())).without(Set.of(rule.timeColumn()));
        Map<String, Object> pending = new java.util.LinkedHashMap<>(plan.values());
        pending.values().removeIf(v -> v instanceof Untyped u && isMoment(u.text()));
        Object[] after = {null};
        return runs.run(rule.name(), "app", "anonymise", cutoff, batchSize, limit -> app.inTransaction(c -> {
            noCommitWait(c);
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

    /**
     * A batch's commit does not wait for its WAL to reach the disk ({@code synchronous_commit = off} for
     * this transaction only): a crash may lose the last batches of a run — never half of one — and the
     * next run does them again, since a rule only ever takes rows still due. Saves a disk flush per batch.
     */
    private static void noCommitWait(java.sql.Connection c) throws java.sql.SQLException {
        try (java.sql.Statement st = c.createStatement()) {
            st.execute("SET LOCAL synchronous_commit = off");
        }
    }

    /** The first column of the first row, or null when there is none. */
    private static Object first(java.sql.Connection c, Query q) throws java.sql.SQLException {
        try (PreparedStatement ps = c.prepareStatement(q.sql())) {
            Sql.bind(ps, q.params());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getObject(1) : null;
            }
        }
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
