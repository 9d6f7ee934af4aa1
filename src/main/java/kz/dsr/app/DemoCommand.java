package kz.dsr.app;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code demo}: the pipeline end to end on embedded PostgreSQL and an embedded mail server. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the pipeline on embedded PostgreSQL and an embedded mail server with sample mails.")
public final class DemoCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new UnsupportedOperationException("demo is being written");
    }
}
