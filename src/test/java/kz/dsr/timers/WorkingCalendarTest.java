package kz.dsr.timers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Working-day arithmetic on the shipped Kazakhstan calendar (config/calendar.yaml). */
class WorkingCalendarTest {

    private static final Path SHIPPED = Path.of("config/calendar.yaml");
    private static final WorkingCalendar KZ = WorkingCalendar.load(SHIPPED);

    @TempDir
    Path dir;

    private static LocalDate d(String iso) {
        return LocalDate.parse(iso);
    }

    private static void offDays(WorkingCalendar c, String... days) {
        for (String day : days) {
            assertFalse(c.isWorkingDay(d(day)), day + " is a day off");
        }
    }

    private static void workingDays(WorkingCalendar c, String... days) {
        for (String day : days) {
            assertTrue(c.isWorkingDay(d(day)), day + " is a working day");
        }
    }

    @Test
    void theShippedCalendarIsKazakhstans() {
        assertEquals(ZoneId.of("Asia/Almaty"), KZ.zone());
        assertTrue(KZ.kurbanAitYears().containsAll(List.of(2025, 2026, 2027, 2028, 2029, 2030)));
    }

    @Test
    void theCountStartsTheDayAfterAndSkipsTheWeekend() {
        // Friday 6 February 2026, no holiday near.
        assertEquals(d("2026-02-09"), KZ.plusWorkingDays(d("2026-02-06"), 1), "Friday + 1 = Monday");
        assertEquals(d("2026-02-09"), KZ.plusWorkingDays(d("2026-02-07"), 1), "Saturday + 1 = Monday");
        assertEquals(d("2026-02-09"), KZ.plusWorkingDays(d("2026-02-08"), 1), "Sunday + 1 = Monday");
        assertEquals(d("2026-02-13"), KZ.plusWorkingDays(d("2026-02-06"), 5));
        assertEquals(d("2026-02-06"), KZ.plusWorkingDays(d("2026-02-06"), 0));
        assertEquals(1, KZ.workingDaysBetween(d("2026-02-06"), d("2026-02-09")));
        assertEquals(0, KZ.workingDaysBetween(d("2026-02-06"), d("2026-02-08")));
        assertEquals(5, KZ.workingDaysBetween(d("2026-02-06"), d("2026-02-13")));
        assertEquals(-5, KZ.workingDaysBetween(d("2026-02-13"), d("2026-02-06")));
        offDays(KZ, "2026-02-07", "2026-02-08");
        assertThrows(IllegalArgumentException.class, () -> KZ.plusWorkingDays(d("2026-02-06"), -1));
    }

    @Test
    void independenceDayOnAWeekdayIsOneDayOff() {
        // 16 December 2026 is a Wednesday.
        offDays(KZ, "2026-12-16");
        workingDays(KZ, "2026-12-15", "2026-12-17");
        assertEquals(d("2026-12-17"), KZ.plusWorkingDays(d("2026-12-15"), 1));
        assertEquals(1, KZ.workingDaysBetween(d("2026-12-15"), d("2026-12-17")));
    }

    @Test
    void independenceDayOnAWeekendMovesTheDayOffToMonday() {
        // 2028: Saturday 16 December -> Monday 18 December off.
        offDays(KZ, "2028-12-16", "2028-12-17", "2028-12-18");
        workingDays(KZ, "2028-12-15", "2028-12-19");
        assertEquals(d("2028-12-19"), KZ.plusWorkingDays(d("2028-12-15"), 1));
        // 2029: Sunday 16 December -> Monday 17 December off.
        offDays(KZ, "2029-12-16", "2029-12-17");
        assertEquals(d("2029-12-18"), KZ.plusWorkingDays(d("2029-12-14"), 1));
    }

    @Test
    void nauryzOnAWeekendMovesEachWeekendDayToTheNextWorkingDays() {
        // 2026: 21 March Saturday, 22 Sunday, 23 Monday (holiday) -> 24 and 25 March off; back on the 26th.
        offDays(KZ, "2026-03-21", "2026-03-22", "2026-03-23", "2026-03-24", "2026-03-25");
        workingDays(KZ, "2026-03-20", "2026-03-26", "2026-03-27");
        assertEquals(d("2026-03-26"), KZ.plusWorkingDays(d("2026-03-20"), 1));
        assertEquals(4, KZ.workingDaysBetween(d("2026-03-20"), d("2026-03-31")));
        // 2027: 21 March Sunday, 22-23 Monday-Tuesday -> 24 March off.
        offDays(KZ, "2027-03-21", "2027-03-22", "2027-03-23", "2027-03-24");
        workingDays(KZ, "2027-03-19", "2027-03-25");
        assertEquals(d("2027-03-25"), KZ.plusWorkingDays(d("2027-03-19"), 1));
        // 2028: all three on weekdays, no transfer.
        offDays(KZ, "2028-03-21", "2028-03-22", "2028-03-23");
        workingDays(KZ, "2028-03-20", "2028-03-24");
        // 2026: 8 March is a Sunday -> Monday 9 March off.
        offDays(KZ, "2026-03-09");
        workingDays(KZ, "2026-03-10");
    }

    @Test
    void newYearOnAWeekendMovesBothDays() {
        // 2028: 1 January Saturday, 2 Sunday -> 3 and 4 January off; 7 January (Friday) off too.
        offDays(KZ, "2028-01-03", "2028-01-04", "2028-01-07");
        workingDays(KZ, "2028-01-05", "2028-01-06", "2028-01-10");
    }

    @Test
    void orthodoxChristmasOnAWeekendIsNotMoved() {
        // 2029: 7 January is a Sunday; Monday 8 January stays a working day (Labour Code art. 84 p.5).
        workingDays(KZ, "2029-01-08");
        assertEquals(d("2029-01-08"), KZ.plusWorkingDays(d("2029-01-05"), 1));
        // On a weekday it is a day off: 7 January 2026 is a Wednesday.
        offDays(KZ, "2026-01-07");
        assertEquals(d("2026-01-08"), KZ.plusWorkingDays(d("2026-01-06"), 1));
    }

    @Test
    void kurbanAitIsADayOffAndNeverMoved() {
        // 2026-05-27, a Wednesday.
        offDays(KZ, "2026-05-27");
        assertEquals(d("2026-05-28"), KZ.plusWorkingDays(d("2026-05-26"), 1));
        // 2030-04-13 is a Saturday and 2027-05-16 a Sunday: the Monday after stays a working day.
        workingDays(KZ, "2030-04-15", "2027-05-17");
        // 2025-06-06, a Friday.
        offDays(KZ, "2025-06-06");
        assertEquals(d("2025-06-09"), KZ.plusWorkingDays(d("2025-06-05"), 1));
    }

    @Test
    void plusAndBetweenAgreeOnEveryDayOfTheShippedYears() {
        for (LocalDate day = d("2025-01-01"); day.isBefore(d("2031-01-01")); day = day.plusDays(1)) {
            for (int n : new int[] {1, 3, 15}) {
                LocalDate due = KZ.plusWorkingDays(day, n);
                assertEquals(n, KZ.workingDaysBetween(day, due), day + " + " + n);
                assertTrue(KZ.isWorkingDay(due), day + " + " + n + " = " + due + " is a working day");
            }
        }
    }

    private Path calendarWith(String transfers2026) throws Exception {
        String shipped = Files.readString(SHIPPED);
        String from = "  2026:\n";
        int at = shipped.indexOf(from);
        assertTrue(at > 0);
        Path file = dir.resolve("calendar.yaml");
        Files.writeString(file, shipped.substring(0, at) + transfers2026);
        return file;
    }

    @Test
    void aGovernmentTransferFromTheConfigIsApplied() throws Exception {
        // Thursday 17 December 2026 made a day off (bridge after Independence Day), Saturday 19 December a working day.
        WorkingCalendar c = WorkingCalendar.load(calendarWith("""
                  2026:
                    days-off: [2026-12-17]
                    working-days:
                      - 2026-12-19
                """));
        offDays(c, "2026-12-16", "2026-12-17");
        workingDays(c, "2026-12-18", "2026-12-19");
        assertEquals(d("2026-12-18"), c.plusWorkingDays(d("2026-12-15"), 1));
        assertEquals(d("2026-12-19"), c.plusWorkingDays(d("2026-12-18"), 1));
        assertEquals(d("2026-12-21"), c.plusWorkingDays(d("2026-12-19"), 1));
        // The shipped calendar (no transfers) differs on those days.
        workingDays(KZ, "2026-12-17");
        offDays(KZ, "2026-12-19");
    }

    private static int lineOf(Path file, String text) throws Exception {
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i + 1;
            }
        }
        throw new AssertionError(text);
    }

    private String loadError(Path file) {
        return assertThrows(IllegalArgumentException.class, () -> WorkingCalendar.load(file)).getMessage();
    }

    @Test
    void aTransferThatChangesNothingIsRefusedWithItsLine() throws Exception {
        Path file = calendarWith("  2026:\n    days-off: [2026-12-20]\n    working-days: []\n");
        String error = loadError(file);
        assertTrue(error.startsWith(file + ", line " + lineOf(file, "2026-12-20") + ": transfers: 2026-12-20 (Sunday)"
                + " is a day off already"), error);
        file = calendarWith("  2026:\n    days-off: []\n    working-days: [2026-12-18]\n");
        assertTrue(loadError(file).contains(", line " + lineOf(file, "2026-12-18") + ": transfers: 2026-12-18 (Friday)"
                + " is a working day already"), loadError(file));
        file = calendarWith("  2026:\n    days-off: [2027-01-04]\n");
        assertTrue(loadError(file).contains(", line " + lineOf(file, "2027-01-04") + ": transfers.2026.days-off:"
                + " 2027-01-04 is not in 2026"), loadError(file));
    }

    private Path shippedWith(String replace, String with) throws Exception {
        String shipped = Files.readString(SHIPPED);
        assertTrue(shipped.contains(replace), replace);
        Path file = dir.resolve("calendar.yaml");
        Files.writeString(file, shipped.replace(replace, with));
        return file;
    }

    @Test
    void mistakesNameTheFileAndTheLine() throws Exception {
        Path file = shippedWith("{date: 12-16,", "{date: 16-12,");
        String error = loadError(file);
        assertEquals(file + ", line " + lineOf(file, "16-12") + ": holiday date '16-12' is not a month and day MM-DD"
                + " (e.g. 12-16)", error);

        file = shippedWith("  - 2026-05-27", "  - 2026-5-27");
        error = loadError(file);
        assertTrue(error.startsWith(file + ", line " + lineOf(file, "2026-5-27") + ": kurban-ait: '2026-5-27' is not a date"),
                error);

        file = shippedWith("weekend: [SATURDAY, SUNDAY]", "weekend: [SATURDAY, SONDAY]");
        assertTrue(loadError(file).startsWith(file + ", line " + lineOf(file, "SONDAY") + ": weekend: 'SONDAY'"), loadError(file));

        file = shippedWith("zone: Asia/Almaty", "zone: Asia/Almati");
        assertTrue(loadError(file).startsWith(file + ", line " + lineOf(file, "Asia/Almati") + ": zone 'Asia/Almati'"),
                loadError(file));

        file = shippedWith("name: Victory Day, transfer: true}", "name: Victory Day, transfer: yes}");
        assertTrue(loadError(file).startsWith(file + ", line " + lineOf(file, "name: Victory Day") + ": expected true or false"),
                loadError(file));

        file = shippedWith("kurban-ait:", "kurban-ayt:");
        assertTrue(loadError(file).startsWith(file + ", line " + lineOf(file, "kurban-ayt") + ": unknown key 'kurban-ayt'"),
                loadError(file));

        file = shippedWith("  - 2027-05-16", "  - 2026-05-16");
        assertTrue(loadError(file).contains("line " + lineOf(file, "2026-05-16") + ": kurban-ait: a second date in 2026"),
                loadError(file));
    }
}
