package kz.dsr.app;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import picocli.CommandLine;

/**
 * The demo's classes (embedded servers, sample databases), which production does not carry: the build
 * puts them, with the libraries they need, in {@code demo-lib/} beside the jar. The commands that use
 * them ({@code demo}, {@code samples}) are thin launchers in the product that hand over to a command
 * class found here; an installation without that folder (the container image) says so in one line.
 */
final class DemoClasses {

    private DemoClasses() {
    }

    /**
     * Runs the picocli command {@code className} of the demo's classes with these arguments; exit code 2
     * with one line when this installation has no demo-lib/.
     */
    static int run(String command, String className, List<String> args) throws Exception {
        ClassLoader loader = loader(className);
        if (loader == null) {
            System.err.println("`" + command + "` is not part of this installation: it needs the folder demo-lib/"
                    + " beside dsr-pipeline.jar, which `mvn package` makes. Production runs with `run`.");
            return 2;
        }
        Thread.currentThread().setContextClassLoader(loader);
        Object target = loader.loadClass(className).getDeclaredConstructor().newInstance();
        CommandLine cli = new CommandLine(target);
        // Its failures are reported as every command's: a refusal in one line, a bug with its trace.
        cli.setExecutionExceptionHandler(kz.dsr.DsrPipeline::report);
        return cli.execute(args.toArray(String[]::new));
    }

    /** The class loader that sees {@code className}: this one (tests, an IDE), else one over demo-lib/; null if none. */
    private static ClassLoader loader(String className) throws IOException {
        ClassLoader own = DemoClasses.class.getClassLoader();
        try {
            own.loadClass(className);
            return own;
        } catch (ClassNotFoundException e) {
            // Packaged: the demo lives beside the jar.
        }
        URL jar = DemoClasses.class.getProtectionDomain().getCodeSource().getLocation();
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
