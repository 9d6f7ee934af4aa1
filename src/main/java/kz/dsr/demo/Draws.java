package kz.dsr.demo;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Random values drawn from a subject's stream, and the time arithmetic of the generators. Every
 * method draws a fixed number of values in a fixed order: the rows a seed gives depend on it.
 */
final class Draws {

    static final long DAY = 86_400;
    static final long YEAR = 365 * DAY;

    private static final String TOKEN_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    private Draws() {
    }

    static <T> T pick(SplittableRandom r, List<T> values) {
        return values.get(r.nextInt(values.size()));
    }

    static boolean chance(SplittableRandom r, double p) {
        return r.nextDouble() < p;
    }

    /** A whole second in [from, to]; {@code from} when the interval is empty. */
    static Instant between(SplittableRandom r, Instant from, Instant to) {
        long span = to.getEpochSecond() - from.getEpochSecond();
        return span <= 0 ? from : from.plusSeconds(r.nextLong(span + 1));
    }

    static LocalDate randomDate(SplittableRandom r, LocalDate from, LocalDate to) {
        long span = to.toEpochDay() - from.toEpochDay();
        return span <= 0 ? from : from.plusDays(r.nextLong(span + 1));
    }

    static String digits(SplittableRandom r, int n) {
        StringBuilder s = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            s.append((char) ('0' + r.nextInt(10)));
        }
        return s.toString();
    }

    static String hex(SplittableRandom r, int n) {
        StringBuilder s = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            s.append(Character.forDigit(r.nextInt(16), 16));
        }
        return s.toString();
    }

    /** Base64url characters, as in FCM push tokens. */
    static String token(SplittableRandom r, int n) {
        StringBuilder s = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            s.append(TOKEN_CHARS.charAt(r.nextInt(TOKEN_CHARS.length())));
        }
        return s.toString();
    }

    /** A version-4 UUID drawn from the subject's stream (UUID.randomUUID would not be reproducible). */
    static String uuid(SplittableRandom r) {
        long high = (r.nextLong() & ~0xF000L) | 0x4000L;
        long low = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(high, low).toString();
    }

    /** The later of two instants; a null one (no value yet) loses. */
    static Instant later(Instant a, Instant b) {
        return a == null || b.isAfter(a) ? b : a;
    }

    static Instant earlier(Instant a, Instant b) {
        return b.isBefore(a) ? b : a;
    }

    static LocalDate latest(LocalDate a, LocalDate b) {
        return b.isAfter(a) ? b : a;
    }

    /** Degrees with the 6 decimals of numeric(9,6) (about 10 cm). */
    static BigDecimal deg(double degrees) {
        return BigDecimal.valueOf(Math.round(degrees * 1_000_000), 6);
    }
}
