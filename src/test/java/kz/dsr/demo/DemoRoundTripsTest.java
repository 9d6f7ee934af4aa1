package kz.dsr.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import kz.dsr.testing.ChildJvm;
import org.junit.jupiter.api.Test;

/**
 * The README's first command, {@code demo}, as a new user runs it (a JVM of its own): what it prints
 * shows an erasure and an access request each carried out in inService's database and completed by
 * the OpenDSR payment processor (the demo's local one: 201 answer and callback, both signed) — the
 * access request with the count of results the processor holds for the person.
 */
class DemoRoundTripsTest {

    /** A line of the log (the demo's logger writes to the same console), not of the demo's report. */
    private static final Pattern LOG_LINE = Pattern.compile("^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} .*");
    private static final Pattern HOLDER = Pattern.compile("^(DSR-\\d{4}-\\d{6})  (\\S+@\\S+): code sent .*");

    @Test
    void theDemoCompletesAnErasureAndAnAccessRequestWithTheOpenDsrProcessor() {
        ChildJvm.Result run = ChildJvm.run(Map.of(), Map.of(), Duration.ofSeconds(180), "demo", "--timeout-seconds",
                "120");
        List<String> report = run.output().lines().filter(l -> !LOG_LINE.matcher(l).matches()).toList();
        String printed = String.join("\n", report);
        assertEquals(0, run.exitCode(), printed);

        List<String> erasure = block(report, "aigerim.nurlanova@example.kz");
        assertTrue(erasure.get(1).matches("DSR-\\S+  →  COMPLETED .*AWAITING_PROCESSORS → COMPLETED"), printed);
        assertTrue(erasure.contains("    paybox       OPENDSR  told → SENT (api 201) → COMPLETED (callback)"), printed);

        List<String> access = block(report, "erlan.saparov@example.kz");
        String reference = access.get(0).substring(0, access.get(0).indexOf(' '));
        assertTrue(access.get(1).matches("DSR-\\S+  →  COMPLETED .*AWAITING_PROCESSORS → COMPLETED"), printed);
        assertTrue(access.contains("    paybox       OPENDSR  told → SENT (api 201) → COMPLETED (callback, 1 result)"),
                printed);
        assertTrue(access.stream().anyMatch(l -> l.startsWith("  export: ") && l.contains(" in export.json and"
                + " export.html, mailed to the registered address")), "the export reached the person:\n" + printed);
        assertTrue(access.stream().noneMatch(l -> l.contains("appmetrica")),
                "appmetrica does not receive access requests (config/processors.yaml):\n" + printed);
        assertTrue(report.stream().anyMatch(l -> l.startsWith(reference + "  erlan.saparov@example.kz")
                && l.contains(" ACCESS ") && l.contains(" COMPLETED ")), "the requests table:\n" + printed);
    }

    /**
     * What the demo printed for the account holder's request: from its "code sent" line to the next
     * holder's or the requests table.
     */
    private static List<String> block(List<String> report, String holder) {
        List<String> block = new ArrayList<>();
        for (String line : report) {
            var m = HOLDER.matcher(line);
            if (m.matches() || line.equals("Requests")) {
                if (!block.isEmpty()) {
                    break;
                }
                if (m.matches() && m.group(2).equals(holder)) {
                    block.add(line);
                }
            } else if (!block.isEmpty()) {
                block.add(line);
            }
        }
        assertTrue(block.size() > 1, "the demo printed no verified request of " + holder + ":\n" + String.join("\n",
                report));
        return block.stream().filter(l -> !l.isBlank()).toList();
    }
}
