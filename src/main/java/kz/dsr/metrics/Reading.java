package kz.dsr.metrics;

import java.util.function.Supplier;
import kz.dsr.store.ErrorText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One source of figures read again and again: a failed reading gives null ("unknown", NaN in the
 * gauges) and is logged once when the source starts failing and once when it can be read again, so a
 * store that is down does not fill the log at every scrape.
 */
final class Reading<T> {

    private static final Logger LOG = LoggerFactory.getLogger(Reading.class);

    private final String what;
    private final Supplier<T> read;
    private boolean failing;

    Reading(String what, Supplier<T> read) {
        this.what = what;
        this.read = read;
    }

    /** The value now, or null when it cannot be read. */
    synchronized T take() {
        try {
            T value = read.get();
            if (failing) {
                LOG.info("Metrics: {} can be read again", what);
            }
            failing = false;
            return value;
        } catch (RuntimeException e) {
            if (!failing) {
                LOG.warn("Metrics: {} could not be read ({}); its gauges show NaN until it can",
                        what, ErrorText.forLog(ErrorText.full(e)));
            }
            failing = true;
            return null;
        }
    }
}
