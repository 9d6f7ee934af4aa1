package kz.dsr.metrics;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import kz.dsr.store.ErrorText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A value read on the caller's thread at most once per period: every gauge of one scrape takes the
 * same reading, and a second Prometheus (or a person with curl) adds no load. A failed reading is
 * "unknown" until the next period, so a store that is down is not asked again by every gauge.
 */
final class Cached<T> {

    private static final Logger LOG = LoggerFactory.getLogger(Cached.class);

    private final String what;
    private final Supplier<T> read;
    private final long periodNanos;
    private T value;
    private long readAt;
    private boolean read0;
    private boolean failing;

    Cached(String what, Duration period, Supplier<T> read) {
        this.what = what;
        this.read = read;
        this.periodNanos = period.toNanos();
    }

    synchronized Optional<T> get() {
        long now = System.nanoTime();
        if (!read0 || now - readAt >= periodNanos) {
            read0 = true;
            readAt = now;
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
            }
        }
        return Optional.ofNullable(value);
    }
}
