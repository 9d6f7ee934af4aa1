package kz.dsr.health;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one check found: up or down, one line an operator can act on, and details (shown with
 * {@code ?data=true}). A degraded part (an open circuit) is up, with what is degraded in the line.
 */
public record Verdict(boolean up, String message, Map<String, Object> details) {

    public Verdict {
        details = Map.copyOf(details);
    }

    public static Verdict up(String message) {
        return new Verdict(true, message, Map.of());
    }

    public static Verdict down(String message) {
        return new Verdict(false, message, Map.of());
    }

    /** The same verdict with one more detail. */
    public Verdict with(String key, Object value) {
        Map<String, Object> more = new LinkedHashMap<>(details);
        more.put(key, value);
        return new Verdict(up, message, more);
    }
}
