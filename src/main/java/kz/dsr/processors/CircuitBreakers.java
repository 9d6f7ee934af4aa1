package kz.dsr.processors;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One circuit breaker per processor: after {@code failures} failed calls in a row its circuit opens
 * and its messages wait {@code openFor} without being tried (a processor that is down is not hammered,
 * and its messages do not use up their attempts); then one call is let through, and its outcome closes
 * or reopens the circuit. Each node keeps its own circuits, in memory: a restart starts them closed.
 */
public final class CircuitBreakers {

    private static final Logger LOG = LoggerFactory.getLogger(CircuitBreakers.class);

    private final int failures;
    private final Duration openFor;
    private final Clock clock;
    private final Map<String, Circuit> circuits = new HashMap<>();

    /** Where one processor's circuit stands. {@code openUntil} null: closed. */
    private static final class Circuit {
        int failuresInARow;
        Instant openUntil;
        /** The half-open trial call under way, since then (null: none). */
        Instant trialSince;
    }

    public CircuitBreakers(int failures, Duration openFor, Clock clock) {
        if (failures < 1 || openFor.isNegative() || openFor.isZero()) {
            throw new IllegalArgumentException("a circuit opens after at least 1 failure, for a positive time");
        }
        this.failures = failures;
        this.openFor = openFor;
        this.clock = clock;
    }

    /**
     * Whether a call to the processor may go now: empty when it may, else how long its messages wait.
     * Once the open period is over, the call let through is the trial; other calls wait for its outcome
     * (a trial whose outcome never came is replaced after another open period).
     */
    public synchronized Optional<Duration> waitBeforeCalling(String processor) {
        Circuit c = circuits.get(processor);
        if (c == null || c.openUntil == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        if (now.isBefore(c.openUntil)) {
            return Optional.of(Duration.between(now, c.openUntil));
        }
        if (c.trialSince != null && now.isBefore(c.trialSince.plus(openFor))) {
            return Optional.of(Duration.between(now, c.trialSince.plus(openFor)));
        }
        c.trialSince = now;
        LOG.info("Processor {}: its circuit was open for {} s; one call is let through to see whether it answers"
                + " again", processor, openFor.toSeconds());
        return Optional.empty();
    }

    /** The processor answered (a 2xx, or a refusal: it is up either way). */
    public synchronized void succeeded(String processor) {
        Circuit c = circuits.remove(processor);
        if (c != null && c.openUntil != null) {
            LOG.info("Processor {} answers again: its circuit is closed, its waiting messages are sent on the"
                    + " relay's next runs", processor);
        }
    }

    /** A call to the processor failed in a way worth retrying (no answer, timeout, 408, 429, 5xx). */
    public synchronized void failed(String processor) {
        Circuit c = circuits.computeIfAbsent(processor, p -> new Circuit());
        Instant now = clock.instant();
        c.failuresInARow++;
        if (c.openUntil != null) {
            // The trial failed: open again, said quietly (the operator was told when it first opened).
            c.openUntil = now.plus(openFor);
            c.trialSince = null;
            LOG.info("Processor {}: the trial call failed too; its circuit stays open for another {} s",
                    processor, openFor.toSeconds());
        } else if (c.failuresInARow >= failures) {
            c.openUntil = now.plus(openFor);
            LOG.warn("Processor {} failed {} calls in a row: its circuit is open, its messages wait {} s before"
                    + " the next try (attempts are not used up meanwhile). Check that the processor is up and its"
                    + " url in the processors file is right.", processor, c.failuresInARow, openFor.toSeconds());
        }
    }

    /** Where a circuit stands; the metric of a processor's circuit is its ordinal (0, 1, 2). */
    public enum State {
        /** Calls go. */
        CLOSED,
        /** Calls wait until the open period is over. */
        OPEN,
        /** The open period is over: one trial call goes (or is under way), the others wait for its outcome. */
        HALF_OPEN
    }

    /** Where the processor's circuit stands now. */
    public synchronized State state(String processor) {
        Circuit c = circuits.get(processor);
        if (c == null || c.openUntil == null) {
            return State.CLOSED;
        }
        return clock.instant().isBefore(c.openUntil) ? State.OPEN : State.HALF_OPEN;
    }

    /** Whether the processor's circuit is open now (for tests and status pages). */
    public synchronized boolean isOpen(String processor) {
        Circuit c = circuits.get(processor);
        return c != null && c.openUntil != null;
    }
}
