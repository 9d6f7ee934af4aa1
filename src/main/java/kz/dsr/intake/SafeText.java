package kz.dsr.intake;

import java.util.regex.Pattern;

/** Attacker text made safe to keep, log and show: no control characters, no display spoofing, bounded. */
final class SafeText {

    /** Control characters (header injection, log forging) and bidi overrides (display spoofing). */
    private static final Pattern UNSAFE_IN_HEADER =
            Pattern.compile("[\\p{Cc}\\u2028\\u2029\\u202A-\\u202E\\u2066-\\u2069]+");
    private static final Pattern SPACES = Pattern.compile(" {2,}");

    private SafeText() {
    }

    /** Unsafe characters replaced by spaces, runs of spaces collapsed, trimmed, capped. */
    static String clean(String value, int maxChars) {
        String safe = UNSAFE_IN_HEADER.matcher(value).replaceAll(" ");
        return cap(SPACES.matcher(safe).replaceAll(" ").strip(), maxChars);
    }

    /** At most maxChars characters, never cutting a surrogate pair in half. */
    static String cap(String value, int maxChars) {
        if (value.length() <= maxChars) {
            return value;
        }
        int end = Character.isHighSurrogate(value.charAt(maxChars - 1)) ? maxChars - 1 : maxChars;
        return value.substring(0, end);
    }

    /** Control characters other than newline, tab and carriage return; PostgreSQL text rejects NUL. */
    static boolean unsafeInBody(char c) {
        return c <= 0x08 || c == 0x0B || c == 0x0C || c >= 0x0E && c <= 0x1F || c >= 0x7F && c <= 0x9F;
    }
}
