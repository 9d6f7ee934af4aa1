package kz.dsr.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import kz.dsr.testing.MovableClock;
import org.junit.jupiter.api.Test;

/** The console's idle timeout and lock-out, on a clock the test moves (no waiting 15 minutes). */
class SessionsAndSignInsTest {

    private final MovableClock clock = new MovableClock(Instant.parse("2026-03-02T05:00:00Z"));
    private final Operators.Account aliya = new Operators.Account("aliya", Role.OPERATOR, "ru", "$2a$04$x");

    @Test
    void aSessionUnusedForTheIdleTimeoutIsGoneAndUseKeepsItAlive() {
        Sessions sessions = new Sessions(Duration.ofMinutes(30), clock);
        Sessions.Session s = sessions.signIn(sessions.anonymous("ru"), aliya);
        clock.advance(Duration.ofMinutes(29));
        assertTrue(sessions.find(s.id).isPresent(), "used within the timeout");
        clock.advance(Duration.ofMinutes(29));
        assertTrue(sessions.find(s.id).isPresent(), "the last use counts, not the sign-in");
        clock.advance(Duration.ofMinutes(31));
        assertFalse(sessions.find(s.id).isPresent(), "idle too long");
    }

    @Test
    void signingInStartsANewSessionAndEndsTheOneBefore() {
        Sessions sessions = new Sessions(Duration.ofMinutes(30), clock);
        Sessions.Session before = sessions.anonymous("ru");
        Sessions.Session after = sessions.signIn(before, aliya);
        assertNotEquals(before.id, after.id);
        assertNotEquals(before.csrf(), after.csrf());
        assertFalse(sessions.find(before.id).isPresent(), "an id known before the sign-in is worth nothing after it");
    }

    @Test
    void fiveWrongPasswordsLockANameForFifteenMinutesThenItMayTryAgain() {
        SignIns signIns = new SignIns(5, Duration.ofMinutes(15), clock);
        for (int i = 1; i <= 4; i++) {
            assertFalse(signIns.failed("Aliya"));
        }
        assertFalse(signIns.locked("aliya"));
        assertTrue(signIns.failed("aliya"), "the fifth locks");
        assertTrue(signIns.locked("ALIYA "));
        clock.advance(Duration.ofMinutes(14));
        assertTrue(signIns.locked("aliya"));
        clock.advance(Duration.ofMinutes(2));
        assertFalse(signIns.locked("aliya"), "after 15 minutes the name may try again");
        assertFalse(signIns.failed("aliya"), "and has five tries again");
        signIns.succeeded("aliya");
        assertEquals(false, signIns.locked("aliya"));
    }
}
