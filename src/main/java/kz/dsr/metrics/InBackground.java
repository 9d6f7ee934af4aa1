package kz.dsr.metrics;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import kz.dsr.store.ErrorText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A value too slow to read during a scrape (a full table scan, a remote mail server): a scrape that
 * finds it older than its period starts one reading in the background and answers with the value it
 * has (unknown before the first reading ends), so a scrape never waits for it.
 */
final class InBackground<T> {

    private static final Logger LOG = LoggerFactory.getLogger(InBackground.class);

    private final String what;
    private final Supplier<T> read;
    private final long periodNanos;
    private final Executor executor;
    private volatile T value;
    private long readAt;
    private boolean started;
    private boolean running;
    private boolean failing;

    InBackground(String what, Duration period, Executor executor, Supplier<T> read) {
        this.what = what;
        this.read = read;
        this.periodNanos = period.toNanos();
        this.executor = executor;
    }

    Optional<T> get() {
        synchronized (this) {
            if (!running && (!started || System.nanoTime() - readAt >= periodNanos)) {
                started = true;
                running = true;
                try {
                    executor.execute(this::refresh);
                } catch (RuntimeException e) {
                    // stopping: keep what we have
                    running = false;
                }
            }
        }
        return Optional.ofNullable(value);
    }

    private void refresh() {
        try {
            value = read.get();
            if (failing) {
                LOG.info("Metrics: {} can be read again", what);
            }
            failing = false;
        } catch (RuntimeException e) {
            value = null;
            if (!failing) {
                LOG.warn("Metrics: {} could not be read ({}); its gauges show NaN until it can",
                        what, ErrorText.forLog(ErrorText.full(e)));
            }
            failing = true;
        } finally {
            synchronized (this) {
                running = false;
                readAt = System.nanoTime();
            }
        }
    }
}
