package kz.dsr.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A mail the attacker sized is parsed in memory bounded by the configured limits, not by what the mail
 * expands into: hostile 5 MB mails (HTML that expands, header blocks of tiny lines) are parsed by
 * {@link HostileMailProbe} in a child JVM with a 64 MB heap (the test JVM's heap is too large to notice),
 * with the parser the pipeline builds.
 */
class HostileMailHeapTest {

    private static final String CHILD_HEAP = "64m";
    private static final List<String> SHAPES = List.of("quotes", "formatting", "headers", "part-headers");

    @Test
    void hostileMailsAreParsedInASmallHeapWithBoundedText() throws IOException, InterruptedException {
        Map<String, String> probe = runProbe();

        int maxBodyChars = Integer.parseInt(probe.get("max_body_chars"));
        assertTrue(Long.parseLong(probe.get("max_heap_bytes")) <= 64L * 1024 * 1024, probe.toString());
        for (String shape : SHAPES) {
            int text = Integer.parseInt(probe.get(shape + ".text"));
            System.out.printf("hostile %s mail: %,d bytes parsed in %s ms (-Xmx%s): %,d characters of text, "
                            + "limit reason: %s%n", shape, Long.parseLong(probe.get(shape + ".mail_bytes")),
                    probe.get(shape + ".ms"), CHILD_HEAP, text, probe.get(shape + ".limit"));
            assertTrue(text > 0 && text <= maxBodyChars, shape + ": " + text + " characters");
            assertNotNull(probe.get(shape + ".limit"), shape);
            assertTrue(!probe.get(shape + ".limit").equals("null"), shape + ": the limit was not noted");
        }
    }

    /** Runs {@link HostileMailProbe} in a child JVM with the small heap; its {@code probe.*} lines as a map. */
    private static Map<String, String> runProbe() throws IOException, InterruptedException {
        Path dir = Files.createDirectories(Path.of("target", "hostile-mail"));
        Path log = dir.resolve("probe.log");
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + CHILD_HEAP, "-XX:+ExitOnOutOfMemoryError",
                // Surefire's class path may be a manifest-only jar: its Class-Path entries still apply.
                "-cp", System.getProperty("java.class.path"),
                HostileMailProbe.class.getName()));
        command.addAll(SHAPES);
        Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!child.waitFor(180, TimeUnit.SECONDS)) {
            child.destroyForcibly();
            throw new AssertionError("the hostile-mail child JVM did not finish in 180 seconds; see " + log);
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(0, child.exitValue(), "the hostile-mail child JVM (-Xmx" + CHILD_HEAP + ") failed:\n" + output);
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : output.split("\n")) {
            int eq = line.indexOf('=');
            if (line.startsWith("probe.") && eq > 0) {
                out.put(line.substring("probe.".length(), eq), line.substring(eq + 1).strip());
            }
        }
        return out;
    }
}
