package kz.dsr.timers;

import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.MonthDay;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import kz.dsr.config.YamlFile;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Which days are working days in Kazakhstan, from {@code config/calendar.yaml}: weekend days, holidays
 * on fixed dates, the first day of Kurban Ait per year, and the government's yearly transfers.
 *
 * <p>The statutory transfer (Law 267-II art. 5) is applied per year: a holiday marked {@code transfer}
 * that falls on a weekend day makes the first following day that is neither a weekend day, nor a
 * holiday, nor already a transfer, a day off. Holidays without it (7 January, Kurban Ait: Labour Code
 * art. 84 p.5) are days off only when they fall on a working day. Government transfers come last: a
 * listed working day is a working day whatever else applies; a listed day off is a day off.
 *
 * <p>Plain Java, immutable once built, safe to share between threads.
 */
public final class WorkingCalendar {

    /** A holiday on the same date every year. */
    public record Holiday(MonthDay date, String name, boolean transfer) {
    }

    private static final Set<String> TOP_KEYS = Set.of("zone", "weekend", "holidays", "kurban-ait", "transfers");
    private static final Set<String> HOLIDAY_KEYS = Set.of("date", "name", "transfer");
    private static final Set<String> TRANSFER_KEYS = Set.of("days-off", "working-days");
    private static final DateTimeFormatter MONTH_DAY = DateTimeFormatter.ofPattern("MM-dd");
    /** A run of non-working days longer than this is a broken calendar, not a holiday season. */
    private static final int MAX_DAYS_OFF_IN_A_ROW = 366;

    private final ZoneId zone;
    private final Set<DayOfWeek> weekend;
    private final List<Holiday> holidays;
    private final Map<Integer, LocalDate> kurbanAit;
    private final Set<LocalDate> extraDaysOff;
    private final Set<LocalDate> extraWorkingDays;
    /** Per year: its holidays, Kurban Ait and transfers (a transfer may fall early in the next year). */
    private final Map<Integer, Set<LocalDate>> daysOffOfYear = new ConcurrentHashMap<>();

    public WorkingCalendar(ZoneId zone, Set<DayOfWeek> weekend, List<Holiday> holidays, Collection<LocalDate> kurbanAit,
                           Collection<LocalDate> extraDaysOff, Collection<LocalDate> extraWorkingDays) {
        if (weekend.size() >= 7) {
            throw new IllegalArgumentException("every day of the week is a weekend day: no working day is left");
        }
        this.zone = zone;
        this.weekend = weekend.isEmpty() ? EnumSet.noneOf(DayOfWeek.class) : EnumSet.copyOf(weekend);
        this.holidays = List.copyOf(holidays);
        Map<Integer, LocalDate> kurban = new HashMap<>();
        for (LocalDate d : kurbanAit) {
            if (kurban.put(d.getYear(), d) != null) {
                throw new IllegalArgumentException("two first days of Kurban Ait in " + d.getYear());
            }
        }
        this.kurbanAit = Map.copyOf(kurban);
        this.extraDaysOff = Set.copyOf(extraDaysOff);
        this.extraWorkingDays = Set.copyOf(extraWorkingDays);
    }

    /** The time zone the day of receipt and due dates are counted in. */
    public ZoneId zone() {
        return zone;
    }

    /** The years that have a first day of Kurban Ait (a year without one lacks that day off). */
    public Set<Integer> kurbanAitYears() {
        return new TreeSet<>(kurbanAit.keySet());
    }

    public boolean isWorkingDay(LocalDate day) {
        if (extraWorkingDays.contains(day)) {
            return true;
        }
        if (extraDaysOff.contains(day) || weekend.contains(day.getDayOfWeek())) {
            return false;
        }
        return !daysOff(day.getYear()).contains(day) && !daysOff(day.getYear() - 1).contains(day);
    }

    /**
     * The day {@code n} working days after {@code start}: the count starts the day after {@code start}
     * (so a mail received on a Friday with 1 working day is due on Monday). {@code n = 0} is {@code start}.
     */
    public LocalDate plusWorkingDays(LocalDate start, int n) {
        if (n < 0) {
            throw new IllegalArgumentException("a negative number of working days: " + n);
        }
        LocalDate day = start;
        int counted = 0;
        int offInARow = 0;
        while (counted < n) {
            day = day.plusDays(1);
            if (isWorkingDay(day)) {
                counted++;
                offInARow = 0;
            } else if (++offInARow > MAX_DAYS_OFF_IN_A_ROW) {
                throw new IllegalStateException("no working day in the year after " + day.minusDays(offInARow));
            }
        }
        return day;
    }

    /**
     * Working days in {@code (a, b]}: after {@code a}, up to and including {@code b}, so that
     * {@code workingDaysBetween(a, plusWorkingDays(a, n)) == n}. Negative when {@code b} is before {@code a}.
     */
    public int workingDaysBetween(LocalDate a, LocalDate b) {
        if (b.isBefore(a)) {
            return -workingDaysBetween(b, a);
        }
        int n = 0;
        for (LocalDate day = a.plusDays(1); !day.isAfter(b); day = day.plusDays(1)) {
            if (isWorkingDay(day)) {
                n++;
            }
        }
        return n;
    }

    /** The holidays, Kurban Ait and statutory transfers of one year (weekends and government transfers aside). */
    private Set<LocalDate> daysOff(int year) {
        return daysOffOfYear.computeIfAbsent(year, this::computeDaysOff);
    }

    private Set<LocalDate> computeDaysOff(int year) {
        Set<LocalDate> off = new HashSet<>();
        List<LocalDate> toTransfer = new ArrayList<>();
        for (Holiday h : holidays) {
            LocalDate day = h.date().atYear(year);
            off.add(day);
            if (h.transfer() && weekend.contains(day.getDayOfWeek())) {
                toTransfer.add(day);
            }
        }
        LocalDate kurban = kurbanAit.get(year);
        if (kurban != null) {
            off.add(kurban);
        }
        toTransfer.sort(Comparator.naturalOrder());
        for (LocalDate holiday : toTransfer) {
            LocalDate day = holiday.plusDays(1);
            while (weekend.contains(day.getDayOfWeek()) || off.contains(day) || extraDaysOff.contains(day)) {
                day = day.plusDays(1);
            }
            off.add(day);
        }
        return Set.copyOf(off);
    }

    /** Reads {@code config/calendar.yaml}; every mistake names the file and the line. */
    public static WorkingCalendar load(Path file) {
        YamlFile yaml = YamlFile.read(file, "the working-day calendar");
        Node root = yaml.root();
        Map<String, Node> top = yaml.map(root, "the calendar", TOP_KEYS);

        Node zoneNode = yaml.required(top, "zone", root);
        ZoneId zone;
        try {
            zone = ZoneId.of(yaml.scalar(zoneNode).strip());
        } catch (DateTimeException e) {
            throw yaml.error(zoneNode, "zone '" + yaml.scalar(zoneNode) + "' is not a time zone (e.g. Asia/Almaty)");
        }

        Set<DayOfWeek> weekend = EnumSet.noneOf(DayOfWeek.class);
        Node weekendNode = yaml.required(top, "weekend", root);
        for (Node n : yaml.list(weekendNode, "weekend")) {
            String name = yaml.scalar(n).strip();
            DayOfWeek day;
            try {
                day = DayOfWeek.valueOf(name.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw yaml.error(n, "weekend: '" + name + "' is not a day of the week (MONDAY ... SUNDAY)");
            }
            if (!weekend.add(day)) {
                throw yaml.error(n, "weekend: " + name + " is listed twice");
            }
        }
        if (weekend.size() == 7) {
            throw yaml.error(weekendNode, "weekend: every day of the week is listed, no working day is left");
        }

        List<Holiday> holidays = new ArrayList<>();
        Set<MonthDay> seen = new HashSet<>();
        Node holidaysNode = yaml.required(top, "holidays", root);
        for (Node n : yaml.list(holidaysNode, "holidays")) {
            Map<String, Node> h = yaml.map(n, "a holiday", HOLIDAY_KEYS);
            Node dateNode = yaml.required(h, "date", n);
            String text = yaml.scalar(dateNode).strip();
            MonthDay date;
            try {
                date = MonthDay.parse(text, MONTH_DAY);
            } catch (DateTimeException e) {
                throw yaml.error(dateNode, "holiday date '" + text + "' is not a month and day MM-DD (e.g. 12-16)");
            }
            if (date.equals(MonthDay.of(2, 29))) {
                throw yaml.error(dateNode, "holiday date 02-29 does not occur every year");
            }
            if (!seen.add(date)) {
                throw yaml.error(dateNode, "holiday date " + text + " is listed twice");
            }
            String name = yaml.scalar(yaml.required(h, "name", n)).strip();
            boolean transfer = yaml.bool(yaml.required(h, "transfer", n));
            holidays.add(new Holiday(date, name, transfer));
        }

        List<LocalDate> kurban = new ArrayList<>();
        Set<Integer> kurbanYears = new HashSet<>();
        Node kurbanNode = yaml.required(top, "kurban-ait", root);
        for (Node n : yaml.list(kurbanNode, "kurban-ait")) {
            LocalDate d = date(yaml, n, "kurban-ait");
            if (!kurbanYears.add(d.getYear())) {
                throw yaml.error(n, "kurban-ait: a second date in " + d.getYear() + " (one first day per year)");
            }
            kurban.add(d);
        }

        Map<LocalDate, Node> daysOff = new HashMap<>();
        Map<LocalDate, Node> workingDays = new HashMap<>();
        Node transfersNode = top.get("transfers");
        if (transfersNode != null && !isEmpty(yaml, transfersNode)) {
            Map<String, Node> keys = yaml.keyNodes(transfersNode);
            for (Map.Entry<String, Node> e : yaml.map(transfersNode, "transfers", null).entrySet()) {
                int year = yaml.integer(keys.get(e.getKey()), 1900, 2999);
                Map<String, Node> t = yaml.map(e.getValue(), "transfers of " + year, TRANSFER_KEYS);
                transferDates(yaml, t.get("days-off"), year, "days-off", daysOff, workingDays);
                transferDates(yaml, t.get("working-days"), year, "working-days", workingDays, daysOff);
            }
        }

        // Each government transfer must change something: a "day off" that is one anyway, or a
        // "working day" that is one anyway, is most likely a mistyped date.
        WorkingCalendar statutory;
        try {
            statutory = new WorkingCalendar(zone, weekend, holidays, kurban, List.of(), List.of());
        } catch (IllegalArgumentException e) {
            throw yaml.error(root, e.getMessage());
        }
        for (Map.Entry<LocalDate, Node> e : daysOff.entrySet()) {
            if (!statutory.isWorkingDay(e.getKey())) {
                throw yaml.error(e.getValue(), "transfers: " + e.getKey() + " (" + dayName(e.getKey())
                        + ") is a day off already; days-off lists working days the government makes days off");
            }
        }
        for (Map.Entry<LocalDate, Node> e : workingDays.entrySet()) {
            if (statutory.isWorkingDay(e.getKey())) {
                throw yaml.error(e.getValue(), "transfers: " + e.getKey() + " (" + dayName(e.getKey())
                        + ") is a working day already; working-days lists days off the government makes working days");
            }
        }
        return new WorkingCalendar(zone, weekend, holidays, kurban, daysOff.keySet(), workingDays.keySet());
    }

    private static void transferDates(YamlFile yaml, Node listNode, int year, String what,
                                      Map<LocalDate, Node> into, Map<LocalDate, Node> other) {
        if (listNode == null || isEmpty(yaml, listNode)) {
            return;
        }
        for (Node n : yaml.list(listNode, "transfers." + year + "." + what)) {
            LocalDate d = date(yaml, n, "transfers." + year + "." + what);
            if (d.getYear() != year) {
                throw yaml.error(n, "transfers." + year + "." + what + ": " + d + " is not in " + year);
            }
            if (into.put(d, n) != null) {
                throw yaml.error(n, "transfers: " + d + " is listed twice");
            }
            if (other.containsKey(d)) {
                throw yaml.error(n, "transfers: " + d + " is listed both as a day off and as a working day");
            }
        }
    }

    private static boolean isEmpty(YamlFile yaml, Node node) {
        return node instanceof org.snakeyaml.engine.v2.nodes.ScalarNode s
                && (s.getValue().isBlank() || s.getValue().equals("~") || s.getValue().equals("null"));
    }

    private static LocalDate date(YamlFile yaml, Node n, String what) {
        String text = yaml.scalar(n).strip();
        try {
            return LocalDate.parse(text);
        } catch (DateTimeException e) {
            throw yaml.error(n, what + ": '" + text + "' is not a date YYYY-MM-DD (e.g. 2026-05-27)");
        }
    }

    private static String dayName(LocalDate d) {
        String s = d.getDayOfWeek().name();
        return s.charAt(0) + s.substring(1).toLowerCase(Locale.ROOT);
    }
}
