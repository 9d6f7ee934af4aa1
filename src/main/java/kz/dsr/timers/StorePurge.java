package kz.dsr.timers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import kz.dsr.request.RequestStatus;
import kz.dsr.timers.RetentionRuns.RuleRun;
import kz.dsr.timers.RetentionRuns.Step;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Retention of the pipeline's own data (schema {@code dsr} and the export directory), in batches like
 * the data map's rules, each recorded in {@code retention_run}:
 * <ul>
 * <li>{@code store.raw-mail}: raw MIME whose {@code inbound_raw.keep_until} has passed (set at intake
 *     from dsr.store.raw-mail-retention-days; the parsed record stays);</li>
 * <li>{@code store.verification-codes}: one-time codes used or expired more than
 *     dsr.retention.codes-days ago;</li>
 * <li>{@code store.dead-letters}: dead letters older than dsr.retention.dead-letters-days;</li>
 * <li>{@code store.outbox}: messages sent or given up (SENT, FAILED) more than dsr.retention.outbox-days
 *     ago whose request (if any) was closed more than that ago. Messages still to be sent are never
 *     touched, and those of open or recently closed requests stay: intake threads a reply onto its
 *     request by the outbox's Message-IDs, so a reply to a request closed longer ago is threaded only by
 *     the [DSR-…] reference in its subject (or read as a new mail).</li>
 * <li>{@code store.exports}: the directory {@code dsr.export.dir/DSR-…} of a request closed more than
 *     dsr.retention.exports-days ago whose mails are no longer waiting to be sent (they attach those
 *     files). Only directories named like a reference are ever touched.</li>
 * </ul>
 * Request events are never purged here: the timeline is the proof of what was done (and the table
 * refuses DELETE).
 */
public final class StorePurge {

    /** The names its rules are recorded under in {@code retention_run}, in the order they run. */
    public static final String RAW_MAIL = "store.raw-mail";
    public static final String VERIFICATION_CODES = "store.verification-codes";
    public static final String DEAD_LETTERS = "store.dead-letters";
    public static final String OUTBOX = "store.outbox";
    public static final String EXPORTS = "store.exports";
    public static final List<String> RULES = List.of(RAW_MAIL, VERIFICATION_CODES, DEAD_LETTERS, OUTBOX, EXPORTS);

    private static final Pattern REFERENCE = Pattern.compile("DSR-\\d{4}-\\d{6}");

    /** How long each kind of the pipeline's own data is kept, in days. */
    public record Periods(int exportsDays, int codesDays, int deadLettersDays, int outboxDays) {
    }

    private final JdbcTemplate store;
    private final RetentionRuns runs;
    private final Path exportDir;
    private final int batchSize;
    private final Periods periods;

    public StorePurge(JdbcTemplate store, RetentionRuns runs, Path exportDir, int batchSize, Periods periods) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("dsr.retention.batch-size must be at least 1, not " + batchSize);
        }
        this.store = store;
        this.runs = runs;
        this.exportDir = exportDir;
        this.batchSize = batchSize;
        this.periods = periods;
    }

    /** All five purges; a failing one is recorded and the others still run. */
    public List<RuleRun> runAll() {
        return List.of(rawMail(), verificationCodes(), deadLetters(), outbox(), exports());
    }

    public RuleRun rawMail() {
        Instant now = runs.clock().instant();
        return deleteRule(RAW_MAIL, now, "inbound_raw", "keep_until < ?", now);
    }

    public RuleRun verificationCodes() {
        Instant cutoff = daysAgo(periods.codesDays());
        return deleteRule(VERIFICATION_CODES, cutoff, "verification_code", "(used_at < ? or expires_at < ?)",
                cutoff, cutoff);
    }

    public RuleRun deadLetters() {
        Instant cutoff = daysAgo(periods.deadLettersDays());
        return deleteRule(DEAD_LETTERS, cutoff, "dead_letter", "created_at < ?", cutoff);
    }

    public RuleRun outbox() {
        Instant cutoff = daysAgo(periods.outboxDays());
        return deleteRule(OUTBOX, cutoff, "outbox", "status in ('SENT', 'FAILED') and created_at < ?"
                + " and (request_id is null or request_id in (select r.id from request r where r.status in "
                + RequestStatus.closedSqlList() + " and r.updated_at < ?))", cutoff, cutoff);
    }

    /** Export directories of requests closed before the cutoff, {@code batchSize} directory names at a time. */
    public RuleRun exports() {
        Instant cutoff = daysAgo(periods.exportsDays());
        List<String> names = exportDirectories();
        int[] at = {0};
        return runs.run(EXPORTS, "store", "delete", cutoff, batchSize, limit -> {
            List<String> chunk = names.subList(at[0], Math.min(names.size(), at[0] + limit));
            at[0] += chunk.size();
            long deleted = 0;
            if (!chunk.isEmpty()) {
                List<String> due = store.queryForList("select r.reference from request r where r.reference = any (?)"
                        + " and r.status in " + RequestStatus.closedSqlList() + " and r.updated_at < ?"
                        + " and not exists (select 1 from outbox o where o.request_id = r.id"
                        + " and o.status in ('PENDING', 'SENDING'))", String.class,
                        chunk.toArray(String[]::new), Timestamp.from(cutoff));
                for (String reference : due) {
                    deleteTree(exportDir.resolve(reference));
                    deleted++;
                }
            }
            return new Step(deleted, at[0] < names.size());
        });
    }

    private RuleRun deleteRule(String rule, Instant cutoff, String table, String where, Instant... bounds) {
        // Constant table and condition (never input); values bound. One statement per batch: autocommit.
        String sql = "with batch as (delete from " + table + " where ctid = any (array(select ctid from " + table
                + " where " + where + " limit ? for update skip locked)) returning 1) select count(*) from batch";
        return runs.run(rule, "store", "delete", cutoff, batchSize, limit -> {
            Object[] params = new Object[bounds.length + 1];
            for (int i = 0; i < bounds.length; i++) {
                params[i] = Timestamp.from(bounds[i]);
            }
            params[bounds.length] = limit;
            Long rows = store.queryForObject(sql, Long.class, params);
            long n = rows == null ? 0 : rows;
            return new Step(n, n >= limit);
        });
    }

    private Instant daysAgo(int days) {
        return runs.clock().instant().minus(Duration.ofDays(days));
    }

    /** Directory names under the export directory that look like a request reference, sorted. */
    private List<String> exportDirectories() {
        if (!Files.isDirectory(exportDir)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(exportDir)) {
            return entries.filter(Files::isDirectory).map(p -> p.getFileName().toString())
                    .filter(n -> REFERENCE.matcher(n).matches()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list the export directory " + exportDir + " (dsr.export.dir)", e);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            List<Path> all = new ArrayList<>(walk.toList());
            java.util.Collections.reverse(all); // files before their directories
            for (Path p : all) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete the export directory " + dir, e);
        }
    }
}
