package kz.dsr.request;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import kz.dsr.app.Settings;
import kz.dsr.timers.WorkingCalendar;

/**
 * When a request is due, computed once at receipt and stored with it (it never moves afterwards): per
 * request type a term in calendar or working days, counted from the day the mail was received (in the
 * calendar's time zone; the count starts the day after), and an optional cap that the due date never
 * passes (ERASURE: 15 working days, but never later than the policy's 30 calendar days).
 *
 * <p>Configured as {@code dsr.deadline.<TYPE> = N calendar-days | N working-days} and
 * {@code dsr.deadline.cap.<TYPE> = N calendar-days | N working-days} (empty: no cap); working days
 * come from the {@link WorkingCalendar} of {@code dsr.calendar.file}.
 */
public final class Deadlines {

    /** What a term counts. */
    public enum Unit {
        CALENDAR_DAYS("calendar-days"), WORKING_DAYS("working-days");

        private final String written;

        Unit(String written) {
            this.written = written;
        }

        @Override
        public String toString() {
            return written;
        }
    }

    /** A number of calendar or working days, as written in the configuration: {@code 15 working-days}. */
    public record Term(int days, Unit unit) {

        private static final Pattern FORM = Pattern.compile("(\\d{1,4})\\s+(calendar|working)-days?");

        /** Parses {@code N calendar-days} or {@code N working-days}; anything else is refused with the form expected. */
        public static Term parse(String text) {
            Matcher m = FORM.matcher(text.strip().toLowerCase(Locale.ROOT));
            if (!m.matches()) {
                throw new IllegalArgumentException("'" + text.strip() + "' is not a deadline: write a whole number and"
                        + " calendar-days or working-days, e.g. 15 working-days or 30 calendar-days");
            }
            return new Term(Integer.parseInt(m.group(1)),
                    m.group(2).equals("calendar") ? Unit.CALENDAR_DAYS : Unit.WORKING_DAYS);
        }

        /** The day this term ends when it starts on {@code start} (counting from the day after). */
        public LocalDate from(LocalDate start, WorkingCalendar calendar) {
            return unit == Unit.CALENDAR_DAYS ? start.plusDays(days) : calendar.plusWorkingDays(start, days);
        }

        @Override
        public String toString() {
            return days + " " + unit;
        }
    }

    /** The term of one request type and the cap it never passes (none: {@code cap} empty). */
    public record Rule(Term term, Optional<Term> cap) {

        public LocalDate due(LocalDate received, WorkingCalendar calendar) {
            LocalDate due = term.from(received, calendar);
            if (cap.isPresent()) {
                LocalDate latest = cap.get().from(received, calendar);
                if (latest.isBefore(due)) {
                    return latest;
                }
            }
            return due;
        }
    }

    private final Map<RequestType, Rule> rules;
    private final Rule fallback;
    private final WorkingCalendar calendar;

    /**
     * @param rules    per type; a type not in the map gets {@code fallback}
     * @param fallback the rule of a type not configured (UNKNOWN: a request waiting for review)
     */
    public Deadlines(Map<RequestType, Rule> rules, Rule fallback, WorkingCalendar calendar) {
        this.rules = new EnumMap<>(RequestType.class);
        this.rules.putAll(rules);
        this.fallback = fallback;
        this.calendar = calendar;
    }

    /**
     * The deadlines of the configuration: {@code dsr.deadline.<TYPE>}, {@code dsr.deadline.cap.<TYPE>},
     * {@code dsr.deadline.default}. A value that is not a term is refused with its file and line.
     */
    public static Deadlines configured(Settings settings, WorkingCalendar calendar) {
        Map<RequestType, Rule> rules = new EnumMap<>(RequestType.class);
        for (RequestType type : RequestType.values()) {
            if (type != RequestType.NOT_DSR && type != RequestType.UNKNOWN) {
                rules.put(type, new Rule(term(settings, "dsr.deadline." + type.name()),
                        settings.optional("dsr.deadline.cap." + type.name()).map(v -> term(settings, "dsr.deadline.cap." + type.name()))));
            }
        }
        return new Deadlines(rules, new Rule(term(settings, "dsr.deadline.default"), Optional.empty()), calendar);
    }

    private static Term term(Settings settings, String key) {
        String value = settings.string(key);
        try {
            return Term.parse(value);
        } catch (IllegalArgumentException e) {
            throw new kz.dsr.config.ConfigurationError(settings.where(key) + ": " + key + " = " + e.getMessage(), e);
        }
    }

    public LocalDate dueDate(RequestType type, Instant receivedAt) {
        return rule(type).due(receivedAt.atZone(calendar.zone()).toLocalDate(), calendar);
    }

    public Rule rule(RequestType type) {
        return rules.getOrDefault(type, fallback);
    }

    public ZoneId zone() {
        return calendar.zone();
    }

    public WorkingCalendar calendar() {
        return calendar;
    }
}
