package kz.dsr.request;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import kz.dsr.app.Settings;
import kz.dsr.timers.WorkingCalendar;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Due dates per request type from the shipped config/application.properties and config/calendar.yaml. */
class DeadlinesTest {

    private static final Path CONFIG = Path.of("config/application.properties");
    private static final WorkingCalendar KZ = WorkingCalendar.load(Path.of("config/calendar.yaml"));

    @TempDir
    Path dir;

    private static Settings settings(Path file, Map<String, String> overrides) {
        CamelContext context = new DefaultCamelContext();
        context.getPropertiesComponent().setLocation("file:" + file);
        if (!overrides.isEmpty()) {
            Properties p = new Properties();
            p.putAll(overrides);
            context.getPropertiesComponent().setOverrideProperties(p);
        }
        return new Settings(context, file);
    }

    private static Deadlines shipped(Map<String, String> overrides) {
        Settings s = settings(CONFIG, overrides);
        return Deadlines.configured(s, WorkingCalendar.load(Path.of(s.string("dsr.calendar.file"))));
    }

    /** Monday 2 March 2026, 01:00 in Almaty (20:00 UTC the day before): the day of receipt is 2 March. */
    private static final Instant MONDAY_2_MARCH = Instant.parse("2026-03-01T20:00:00Z");

    @Test
    void dueDatesPerTypeFromTheShippedConfig() {
        Deadlines deadlines = shipped(Map.of());
        // 15 working days from Monday 2 March 2026: 3-6 (4), 9 March off (8 March was a Sunday), 10-13 (8),
        // 16-20 (13), 21-25 March Nauryz and its transfers, 26 (14), 27 (15).
        LocalDate fifteen = LocalDate.parse("2026-03-27");
        assertEquals(fifteen, deadlines.dueDate(RequestType.ERASURE, MONDAY_2_MARCH));
        assertEquals(fifteen, deadlines.dueDate(RequestType.CONSENT_WITHDRAWAL, MONDAY_2_MARCH));
        assertEquals(fifteen, deadlines.dueDate(RequestType.MARKETING_OPT_OUT, MONDAY_2_MARCH));
        assertEquals(LocalDate.parse("2026-04-01"), deadlines.dueDate(RequestType.ACCESS, MONDAY_2_MARCH), "30 calendar days");
        assertEquals(LocalDate.parse("2026-04-01"), deadlines.dueDate(RequestType.UNKNOWN, MONDAY_2_MARCH), "the default");
        assertEquals(LocalDate.parse("2026-03-03"), deadlines.dueDate(RequestType.RECTIFICATION, MONDAY_2_MARCH));
        // 1 working day from Friday 20 March 2026: Nauryz 21-23 and the transfers 24-25 -> Thursday 26 March.
        Instant friday = Instant.parse("2026-03-20T06:00:00Z");
        assertEquals(LocalDate.parse("2026-03-26"), deadlines.dueDate(RequestType.BLOCKING, friday));
        assertEquals(LocalDate.parse("2026-03-26"), deadlines.dueDate(RequestType.RECTIFICATION, friday));
    }

    @Test
    void erasureIsCappedAtThePolicys30CalendarDays() {
        Deadlines deadlines = shipped(Map.of());
        assertEquals(new Deadlines.Rule(new Deadlines.Term(15, Deadlines.Unit.WORKING_DAYS),
                Optional.of(new Deadlines.Term(30, Deadlines.Unit.CALENDAR_DAYS))), deadlines.rule(RequestType.ERASURE));
        assertEquals(Optional.empty(), deadlines.rule(RequestType.ACCESS).cap());
        // 25 working days from 2 March 2026 would be 10 April; the shipped cap stops it at 1 April.
        Deadlines longer = shipped(Map.of("dsr.deadline.ERASURE", "25 working-days"));
        assertEquals(LocalDate.parse("2026-04-10"), KZ.plusWorkingDays(LocalDate.parse("2026-03-02"), 25));
        assertEquals(LocalDate.parse("2026-04-01"), longer.dueDate(RequestType.ERASURE, MONDAY_2_MARCH));
        // No type other than ERASURE is capped.
        Deadlines access = shipped(Map.of("dsr.deadline.ACCESS", "25 working-days"));
        assertEquals(LocalDate.parse("2026-04-10"), access.dueDate(RequestType.ACCESS, MONDAY_2_MARCH));
    }

    @Test
    void theCapNeverLeavesADueDateLaterThan30CalendarDaysOnAnyDay() {
        Deadlines deadlines = shipped(Map.of());
        for (LocalDate day = LocalDate.parse("2025-01-01"); day.isBefore(LocalDate.parse("2031-01-01")); day = day.plusDays(1)) {
            Instant at = day.atTime(12, 0).atZone(KZ.zone()).toInstant();
            LocalDate due = deadlines.dueDate(RequestType.ERASURE, at);
            LocalDate uncapped = KZ.plusWorkingDays(day, 15);
            assertEquals(uncapped.isAfter(day.plusDays(30)) ? day.plusDays(30) : uncapped, due, day.toString());
        }
    }

    private static int lineOf(Path file, String text) throws Exception {
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(text)) {
                return i + 1;
            }
        }
        throw new AssertionError(text);
    }

    private Path shippedWith(String replace, String with) throws Exception {
        String shipped = Files.readString(CONFIG);
        assertTrue(shipped.contains(replace), replace);
        Path file = dir.resolve("application.properties");
        Files.writeString(file, shipped.replace(replace, with));
        return file;
    }

    @Test
    void aDeadlineThatIsNotATermNamesTheKeyFileAndLine() throws Exception {
        Path file = shippedWith("dsr.deadline.ERASURE = 15 working-days", "dsr.deadline.ERASURE = 15 workng-days");
        String error = assertThrows(IllegalArgumentException.class, () -> Deadlines.configured(settings(file, Map.of()), KZ))
                .getMessage();
        assertTrue(error.startsWith(file + ":" + lineOf(file, "dsr.deadline.ERASURE =") + ": dsr.deadline.ERASURE = '15 workng-days'"
                + " is not a deadline: write a whole number and calendar-days or working-days"), error);

        Path cap = shippedWith("dsr.deadline.cap.ERASURE = 30 calendar-days", "dsr.deadline.cap.ERASURE = 30");
        error = assertThrows(IllegalArgumentException.class, () -> Deadlines.configured(settings(cap, Map.of()), KZ))
                .getMessage();
        assertTrue(error.startsWith(cap + ":" + lineOf(cap, "dsr.deadline.cap.ERASURE") + ": dsr.deadline.cap.ERASURE = '30'"),
                error);
    }

    @Test
    void theOldCalendarDaysKeysAreRefusedWithWhatReplacedThem() throws Exception {
        Path file = shippedWith("dsr.deadline.ACCESS = 30 calendar-days", "dsr.deadline.calendar-days.ACCESS = 30");
        String error = assertThrows(IllegalArgumentException.class, () -> settings(file, Map.of()).refuseUnknownKeys())
                .getMessage();
        assertEquals(file + ":" + lineOf(file, "dsr.deadline.calendar-days.ACCESS") + ": unknown key"
                + " 'dsr.deadline.calendar-days.ACCESS': replaced by dsr.deadline.ACCESS = N calendar-days (or N working-days)",
                error);
    }

    @Test
    void termsAreWrittenInCalendarOrWorkingDays() {
        assertEquals(new Deadlines.Term(1, Deadlines.Unit.WORKING_DAYS), Deadlines.Term.parse("1 working-day"));
        assertEquals(new Deadlines.Term(30, Deadlines.Unit.CALENDAR_DAYS), Deadlines.Term.parse(" 30  calendar-days "));
        assertEquals("15 working-days", Deadlines.Term.parse("15 working-days").toString());
        for (String bad : List.of("30", "thirty calendar-days", "-1 working-days", "15 days", "15 business-days", "")) {
            assertThrows(IllegalArgumentException.class, () -> Deadlines.Term.parse(bad), bad);
        }
    }
}
