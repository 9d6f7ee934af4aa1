package kz.dsr.realservers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One pipeline node as an operator runs it: {@code kz.dsr.DsrPipeline run} in a JVM of its own with
 * config/application.properties and the settings given as -D, its output in a log file. It can be
 * stopped as systemd stops it (SIGTERM) or killed as the kernel's OOM killer or a power cut would
 * (SIGKILL: no shutdown hook runs).
 */
public final class PipelineNode implements AutoCloseable {

    private final String name;
    private final Map<String, String> settings;
    private final Path log;
    private Process process;
    private int starts;

    public PipelineNode(String name, Map<String, String> settings, Path logDir) {
        this.name = name;
        this.settings = new LinkedHashMap<>(settings);
        this.settings.putIfAbsent("camel.server.port", String.valueOf(freePort()));
        this.settings.putIfAbsent("camel.management.port", String.valueOf(freePort()));
        try {
            Files.createDirectories(logDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.log = logDir.resolve(name + ".log");
    }

    public String name() {
        return name;
    }

    public Path log() {
        return log;
    }

    /** Starts the JVM (appending to its log) and waits until its readiness check answers UP. */
    public PipelineNode start() {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx384m",
                "-cp", System.getProperty("java.class.path")));
        settings.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.addAll(List.of("kz.dsr.DsrPipeline", "run"));
        try {
            Files.writeString(log, "---- start " + (++starts) + " of " + name + "\n", StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < until) {
            if (!process.isAlive()) {
                throw new AssertionError(name + " exited with " + process.exitValue() + " while starting:\n" + tail());
            }
            if (healthStatus("/observe/health/live") == 200) {
                return this;
            }
            sleep(250);
        }
        throw new AssertionError(name + " did not answer /observe/health/live in 90 s:\n" + tail());
    }

    /** SIGKILL: the JVM ends mid-work, no shutdown hook, no graceful stop of routes. */
    public void kill() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            waitFor();
        }
    }

    /** SIGTERM: Camel's graceful shutdown, as systemd or Kubernetes stops a node. */
    public void stop() {
        if (process != null && process.isAlive()) {
            process.destroy();
            waitFor();
        }
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    private void waitFor() {
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The management server's answer to GET path (status, body), or status -1 when nobody answers. */
    public Answer get(String path) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + settings.get("camel.management.port") + path)).timeout(Duration.ofSeconds(10)).GET().build();
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), r.body());
        } catch (IOException e) {
            return new Answer(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(-1, "interrupted");
        }
    }

    public record Answer(int status, String body) {
    }

    private int healthStatus(String path) {
        return get(path).status();
    }

    /** The node's log so far. */
    public String logText() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The last 60 lines of the log, for a failure message. */
    public String tail() {
        String[] lines = logText().split("\n");
        return String.join("\n", java.util.Arrays.asList(lines).subList(Math.max(0, lines.length - 60), lines.length));
    }

    @Override
    public void close() {
        stop();
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
