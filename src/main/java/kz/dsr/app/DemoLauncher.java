package kz.dsr.app;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * {@code demo}: hands over to the demo ({@code kz.dsr.demo.DemoCommand}), which is not part of what
 * production runs. The build puts it, with the embedded PostgreSQL and mail server it needs, in
 * {@code demo-lib/} beside the jar; an installation without that folder (the container image) has no
 * demo, and says so in one line.
 */
@Command(name = "demo", description = "Run the pipeline on embedded PostgreSQL and an embedded mail server with"
        + " sample mails (`demo --help` for its options).")
public final class DemoLauncher implements Callable<Integer> {

    static final String DEMO_COMMAND = "kz.dsr.demo.DemoCommand";

    @Unmatched
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        ClassLoader loader = demoLoader();
        if (loader == null) {
            System.err.println("The demo is not part of this installation: it needs the folder demo-lib/ beside"
                    + " dsr-pipeline.jar, which `mvn package` makes. Production runs with `run`.");
            return 2;
        }
        Thread.currentThread().setContextClassLoader(loader);
        Object demo = loader.loadClass(DEMO_COMMAND).getDeclaredConstructor().newInstance();
        return new CommandLine(demo).execute(args.toArray(String[]::new));
    }

    /** The class loader that sees the demo: this one (tests, an IDE), else one over demo-lib/; null if none. */
    private static ClassLoader demoLoader() throws IOException {
        ClassLoader own = DemoLauncher.class.getClassLoader();
        try {
            own.loadClass(DEMO_COMMAND);
            return own;
        } catch (ClassNotFoundException e) {
            // Packaged: the demo lives beside the jar.
        }
        URL jar = DemoLauncher.class.getProtectionDomain().getCodeSource().getLocation();
        Path lib;
        try {
            lib = Path.of(jar.toURI()).getParent().resolve("demo-lib");
        } catch (java.net.URISyntaxException | IllegalArgumentException e) {
            return null;
        }
        if (!Files.isDirectory(lib)) {
            return null;
        }
        List<URL> urls = new ArrayList<>();
        try (Stream<Path> files = Files.list(lib)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".jar")).sorted().toList()) {
                urls.add(p.toUri().toURL());
            }
        }
        return urls.isEmpty() ? null : new URLClassLoader("demo", urls.toArray(URL[]::new), own);
    }
}
