package kz.dsr.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The command line as an operator runs it, {@code java kz.dsr.DsrPipeline ARGS}, in a JVM of its own on
 * this test JVM's class path (the classes Maven compiled: during {@code mvn test} there is no jar yet):
 * its exit code and everything it printed, stdout and stderr in the order printed.
 */
public final class ChildJvm {

    /** What the command left: its exit code and its output (stdout and stderr together). */
    public record Result(int exitCode, String output) {

        /** The lines of a Java stack trace in the output ({@code \tat ...}, {@code Caused by: ...}). */
        public List<String> stackTraceLines() {
            return output.lines().filter(l -> l.startsWith("\tat ") || l.startsWith("Caused by: ")).toList();
        }
    }

    private ChildJvm() {
    }

    /** The java binary of this JVM. */
    public static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * Runs the command to its end (at most {@code timeout}; a command still running then is killed and
     * the test fails), with these -D settings and these environment variables added to this JVM's.
     */
    public static Result run(Map<String, String> systemProperties, Map<String, String> environment, Duration timeout,
            String... args) {
        List<String> command = new ArrayList<>(List.of(java(), "-cp", System.getProperty("java.class.path")));
        systemProperties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.add("kz.dsr.DsrPipeline");
        command.addAll(List.of(args));
        try {
            Path log = Files.createTempFile("dsr-child-", ".log");
            try {
                ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
                builder.environment().putAll(environment);
                Process child = builder.start();
                if (!child.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    child.destroyForcibly().waitFor();
                    throw new AssertionError("`" + String.join(" ", args) + "` still ran after " + timeout + "; it printed:\n"
                            + Files.readString(log, StandardCharsets.UTF_8));
                }
                return new Result(child.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(log);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
