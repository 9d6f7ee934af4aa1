package kz.dsr.request;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.EnumMap;
import java.util.Map;

/**
 * When a request is due, fixed at receipt: a configured number of calendar days per request type,
 * counted in the company's time zone from the day the mail was received.
 */
public final class Deadlines {

    private final Map<RequestType, Integer> calendarDays;
    private final int defaultDays;
    private final ZoneId zone;

    /**
     * @param calendarDays days per type; a type not in the map gets {@code defaultDays}
     */
    public Deadlines(Map<RequestType, Integer> calendarDays, int defaultDays, ZoneId zone) {
        this.calendarDays = new EnumMap<>(RequestType.class);
        this.calendarDays.putAll(calendarDays);
        this.defaultDays = defaultDays;
        this.zone = zone;
    }

    public LocalDate dueDate(RequestType type, Instant receivedAt) {
        return receivedAt.atZone(zone).toLocalDate().plusDays(calendarDays.getOrDefault(type, defaultDays));
    }

    public ZoneId zone() {
        return zone;
    }
}
