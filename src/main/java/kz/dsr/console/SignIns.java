package kz.dsr.console;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Failed sign-ins per name: after {@code failures} wrong passwords in a row a name waits {@code wait}
 * before any password is tried again. Kept for names that do not exist too, so a locked name tells
 * nothing about which names exist.
 */
public final class SignIns {

    private record Failures(int count, Instant lockedUntil) {
    }

    /** Names tracked at most; past that, the entries that are neither counting nor locked are dropped. */
    private static final int TRACKED = 10_000;

    private final Map<String, Failures> byName = new ConcurrentHashMap<>();
    private final int failures;
    private final Duration wait;
    private final Clock clock;

    public SignIns(int failures, Duration wait, Clock clock) {
        this.failures = failures;
        this.wait = wait;
        this.clock = clock;
    }

    public Duration waitAfterLockOut() {
        return wait;
    }

    /** True while the name waits after too many failures. */
    public boolean locked(String name) {
        Failures f = byName.get(key(name));
        return f != null && f.lockedUntil() != null && clock.instant().isBefore(f.lockedUntil());
    }

    /** Counts a wrong password; returns true when this one locked the name. */
    public boolean failed(String name) {
        if (byName.size() > TRACKED) {
            Instant now = clock.instant();
            byName.values().removeIf(f -> f.lockedUntil() == null || !now.isBefore(f.lockedUntil()));
        }
        Failures after = byName.compute(key(name), (k, f) -> {
            int count = (f == null || f.lockedUntil() != null ? 0 : f.count()) + 1;
            return count >= failures ? new Failures(0, clock.instant().plus(wait)) : new Failures(count, null);
        });
        return after.lockedUntil() != null;
    }

    public void succeeded(String name) {
        byName.remove(key(name));
    }

    private static String key(String name) {
        String n = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
        return n.length() > 100 ? n.substring(0, 100) : n;
    }
}
