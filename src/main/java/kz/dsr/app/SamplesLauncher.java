package kz.dsr.app;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * {@code samples}: hands over to {@code kz.dsr.demo.SamplesCommand}, which builds a sample company's
 * application database; like the demo, it lives in demo-lib/ beside the jar (see {@link DemoClasses}).
 */
@Command(name = "samples", description = "Create a sample application database (inservice or inji) in a"
        + " PostgreSQL, to run the pipeline against (`samples create --help`).")
public final class SamplesLauncher implements Callable<Integer> {

    static final String SAMPLES_COMMAND = "kz.dsr.demo.SamplesCommand";

    @Unmatched
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        return DemoClasses.run("samples", SAMPLES_COMMAND, args);
    }
}
