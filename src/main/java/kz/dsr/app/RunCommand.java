package kz.dsr.app;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code run}: the pipeline against the mailbox and databases in the configuration, until stopped. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run the pipeline with config/application.properties (keys overridable by environment and -D).")
public final class RunCommand implements Callable<Integer> {

    @Option(names = "--config", defaultValue = "config/application.properties",
            description = "Configuration file (default: ${DEFAULT-VALUE}).")
    Path config;

    @Override
    public Integer call() throws Exception {
        org.apache.camel.main.Main main = Pipeline.create(config, Map.of());
        main.run();
        return main.getExitCode();
    }
}
