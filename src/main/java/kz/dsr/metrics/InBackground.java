package kz.dsr.metrics;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * A value too slow to read during a scrape (a full table scan, a remote mail server): a scrape that
 * finds it older than its period starts one reading in the background and answers with the value it
 * has (unknown before the first reading ends), so a scrape never waits for it.
 */
final class InBackground<T> {

    private final Reading<T> read;
    private final long periodNanos;
    private final Executor executor;
    private volatile T value;
    private long readAt;
    private boolean started;
    private boolean running;

    InBackground(String what, Duration period, Executor executor, Supplier<T> read) {
        this.read = new Reading<>(what, read);
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
            value = read.take();
        } finally {
            synchronized (this) {
                running = false;
                readAt = System.nanoTime();
            }
        }
    }
}
