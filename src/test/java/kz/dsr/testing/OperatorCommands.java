package kz.dsr.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import kz.dsr.DsrPipeline;
import picocli.CommandLine;

/** Runs the jar's operator commands in-process against a configuration file pointing at test databases. */
public final class OperatorCommands {

    /** What a command printed and returned. */
    public record Run(int exit, String out, String err) {
    }

    private final Path config;

    private OperatorCommands(Path config) {
        this.config = config;
    }

    /**
     * The shipped config/application.properties with the store and/or application database pointed at
     * the embedded server (null: left as shipped), written to {@code file}.
     */
    public static OperatorCommands configured(Path file, String storeUrl, String appUrl) throws IOException {
        String props = Files.readString(Path.of("config/application.properties"), StandardCharsets.UTF_8);
        if (storeUrl != null) {
            props = replaceOnce(props, "dsr.store.url = jdbc:postgresql://localhost:5432/dsr\n", "dsr.store.url = " + storeUrl + "\n");
            props = replaceOnce(props, "dsr.store.username = dsr\n", "dsr.store.username = postgres\n");
            props = replaceOnce(props, "dsr.store.password =\n", "dsr.store.password = postgres\n");
        }
        if (appUrl != null) {
            props = replaceOnce(props, "dsr.app-db.url = jdbc:postgresql://localhost:5432/app\n", "dsr.app-db.url = " + appUrl + "\n");
            props = replaceOnce(props, "dsr.app-db.username = dsr_app\n", "dsr.app-db.username = postgres\n");
            props = replaceOnce(props, "dsr.app-db.password =\n", "dsr.app-db.password = postgres\n");
        }
        // The installation's operator, which the shipped file leaves for each site to fill in.
        props = replaceOnce(props, "dsr.operator.address =\n",
                "dsr.operator.address = " + kz.dsr.demo.EmbeddedServices.OPERATOR_ADDRESS + "\n");
        Files.writeString(file, props, StandardCharsets.UTF_8);
        return new OperatorCommands(file);
    }

    private static String replaceOnce(String text, String from, String to) {
        if (!text.contains(from)) {
            throw new IllegalStateException("config/application.properties no longer has the line: " + from.strip());
        }
        return text.replace(from, to);
    }

    public Path config() {
        return config;
    }

    /** {@code java -jar dsr-pipeline.jar ARGS --config FILE}, capturing stdout and stderr. */
    public Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            List<String> all = new ArrayList<>(List.of(args));
            all.add("--config");
            all.add(config.toString());
            int exit = new CommandLine(new DsrPipeline()).execute(all.toArray(String[]::new));
            return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }
}
