package kz.dsr.app;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * {@code demo}: hands over to the demo ({@code kz.dsr.demo.DemoCommand}), which is not part of what
 * production runs (see {@link DemoClasses}).
 */
@Command(name = "demo", description = "Run the pipeline on embedded PostgreSQL and an embedded mail server with"
        + " sample mails (`demo --help` for its options).")
public final class DemoLauncher implements Callable<Integer> {

    static final String DEMO_COMMAND = "kz.dsr.demo.DemoCommand";

    @Unmatched
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        return DemoClasses.run("demo", DEMO_COMMAND, args);
    }
}
