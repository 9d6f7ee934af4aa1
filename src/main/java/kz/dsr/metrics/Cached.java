package kz.dsr.metrics;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A value read on the caller's thread at most once per period: every gauge of one scrape takes the
 * same reading, and a second Prometheus (or a person with curl) adds no load. A failed reading is
 * "unknown" until the next period, so a store that is down is not asked again by every gauge.
 */
final class Cached<T> {

    private final Reading<T> read;
    private final long periodNanos;
    private T value;
    private long readAt;
    private boolean read0;

    Cached(String what, Duration period, Supplier<T> read) {
        this.read = new Reading<>(what, read);
        this.periodNanos = period.toNanos();
    }

    synchronized Optional<T> get() {
        long now = System.nanoTime();
        if (!read0 || now - readAt >= periodNanos) {
            read0 = true;
            readAt = now;
            value = read.take();
        }
        return Optional.ofNullable(value);
    }
}
