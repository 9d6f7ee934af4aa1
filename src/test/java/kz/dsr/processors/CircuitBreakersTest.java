package kz.dsr.processors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import kz.dsr.testing.MovableClock;
import org.junit.jupiter.api.Test;

/** A processor's circuit: opens after N failures in a row, waits M seconds, lets one trial through. */
class CircuitBreakersTest {

    private final MovableClock clock = new MovableClock(Instant.parse("2026-11-02T09:00:00Z"));
    private final CircuitBreakers breakers = new CircuitBreakers(3, Duration.ofSeconds(300), clock);

    @Test
    void opensAfterNFailuresInARowAndOnlyForThatProcessor() {
        breakers.failed("paybox");
        breakers.failed("paybox");
        assertEquals(Optional.empty(), breakers.waitBeforeCalling("paybox"), "two failures: still closed");
        breakers.failed("paybox");
        assertTrue(breakers.isOpen("paybox"));
        assertEquals(Optional.of(Duration.ofSeconds(300)), breakers.waitBeforeCalling("paybox"));
        clock.advance(Duration.ofSeconds(100));
        assertEquals(Optional.of(Duration.ofSeconds(200)), breakers.waitBeforeCalling("paybox"),
                "the wait is what remains of the open period");
        assertEquals(Optional.empty(), breakers.waitBeforeCalling("metrika"), "other processors are not held");
    }

    @Test
    void aSuccessResetsTheCountOfFailuresInARow() {
        breakers.failed("paybox");
        breakers.failed("paybox");
        breakers.succeeded("paybox");
        breakers.failed("paybox");
        breakers.failed("paybox");
        assertFalse(breakers.isOpen("paybox"));
    }

    @Test
    void afterTheOpenPeriodOneTrialGoesAndItsSuccessClosesTheCircuit() {
        open();
        clock.advance(Duration.ofSeconds(300));
        assertEquals(Optional.empty(), breakers.waitBeforeCalling("paybox"), "the trial call goes");
        assertTrue(breakers.waitBeforeCalling("paybox").isPresent(), "others wait for the trial's outcome");
        breakers.succeeded("paybox");
        assertFalse(breakers.isOpen("paybox"));
        assertEquals(Optional.empty(), breakers.waitBeforeCalling("paybox"));
    }

    @Test
    void aFailedTrialOpensTheCircuitForAnotherPeriod() {
        open();
        clock.advance(Duration.ofSeconds(301));
        assertEquals(Optional.empty(), breakers.waitBeforeCalling("paybox"));
        breakers.failed("paybox");
        assertEquals(Optional.of(Duration.ofSeconds(300)), breakers.waitBeforeCalling("paybox"));
    }

    @Test
    void aTrialWhoseOutcomeNeverCameIsReplacedAfterAnotherPeriod() {
        open();
        clock.advance(Duration.ofSeconds(300));
        assertEquals(Optional.empty(), breakers.waitBeforeCalling("paybox"));
        clock.advance(Duration.ofSeconds(300));
        assertEquals(Optional.empty(), breakers.waitBeforeCalling("paybox"), "a new trial");
    }

    private void open() {
        for (int i = 0; i < 3; i++) {
            breakers.failed("paybox");
        }
        assertTrue(breakers.isOpen("paybox"));
    }
}
