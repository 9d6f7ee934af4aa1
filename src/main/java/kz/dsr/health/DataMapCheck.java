package kz.dsr.health;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.sql.DataSource;
import kz.dsr.datamap.DataMap;
import kz.dsr.datamap.DataMapException;
import kz.dsr.datamap.SchemaCheck;

/**
 * The data map the pipeline runs with still fits the live schema of the application database: a
 * migration of the company's database (a renamed column, a dropped table) would make erasures and
 * exports fail. The check of the start ({@link SchemaCheck}) is run again every {@code every}, in the
 * background (it compiles every statement, too slow for a probe); a probe reads its last result.
 * An application database that cannot be read is not a verdict on the map (the {@code app-db} check
 * reports it): the last verdict stays, and the re-check is tried again a minute later.
 */
public final class DataMapCheck extends ReadinessCheck implements AutoCloseable {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);
    private static final Duration RETRY = Duration.ofMinutes(1);

    private final DataMap map;
    private final String file;
    private final DataSource app;
    private final Duration every;
    private final Clock clock;
    private final ExecutorService thread;

    private Verdict current;
    private Instant checkedAt;
    private Instant triedAt;
    private String lastReadError;
    private boolean running;

    /** @param map the data map as checked at start (so the first verdict is that check's) */
    public DataMapCheck(DataMap map, String file, DataSource app, Duration every, Clock clock) {
        super("datamap");
        this.map = map;
        this.file = file;
        this.app = app;
        this.every = every;
        this.clock = clock;
        this.checkedAt = clock.instant();
        this.triedAt = checkedAt;
        this.current = fits(checkedAt);
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "dsr-health datamap");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    protected synchronized Verdict verdict() {
        Instant now = clock.instant();
        Duration wait = lastReadError == null ? every : RETRY.compareTo(every) < 0 ? RETRY : every;
        if (!running && !now.isBefore(triedAt.plus(wait))) {
            running = true;
            triedAt = now;
            thread.execute(this::recheck);
        }
        Verdict verdict = current.with("checked.at", TIME.format(checkedAt));
        return lastReadError == null ? verdict : verdict.with("recheck.failed", lastReadError);
    }

    private void recheck() {
        Verdict verdict = null;
        String readError = null;
        Instant at = clock.instant();
        try {
            SchemaCheck.check(map, app);
            verdict = fits(at);
        } catch (DataMapException e) {
            verdict = Verdict.down(file + " no longer fits the application database (" + e.problems().size()
                    + (e.problems().size() == 1 ? " problem" : " problems") + ", first: " + e.problems().get(0)
                    + "). Requests that touch these tables will fail: correct the data map (or the schema) and restart.");
        } catch (RuntimeException e) {
            readError = "the application database could not be read to re-check the map: " + Problems.describe(e);
        }
        synchronized (this) {
            if (verdict != null) {
                current = verdict;
                checkedAt = at;
            }
            lastReadError = readError;
            running = false;
        }
    }

    private Verdict fits(Instant at) {
        return Verdict.up(file + " fits the live schema of the application database (checked " + TIME.format(at) + ")");
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
