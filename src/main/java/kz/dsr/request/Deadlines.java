package kz.dsr.request;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;

/**
 * When a request is due, fixed at receipt. Until the classifier assigns types, every request gets the
 * policies' promise: a configured number of calendar days (30), counted in the company's time zone.
 */
public final class Deadlines {

    private final int calendarDays;
    private final ZoneId zone;

    public Deadlines(int calendarDays, ZoneId zone) {
        if (calendarDays < 1) {
            throw new IllegalArgumentException("dsr.deadline.default-calendar-days must be at least 1, was " + calendarDays);
        }
        this.calendarDays = calendarDays;
        this.zone = zone;
    }

    public LocalDate dueDate(RequestType type, Instant receivedAt) {
        return receivedAt.atZone(zone).toLocalDate().plusDays(calendarDays);
    }

    public ZoneId zone() {
        return zone;
    }
}
