package kz.dsr.operator;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import kz.dsr.request.Lifecycle;
import kz.dsr.secrets.Secrets;
import kz.dsr.store.ErrorText;
import picocli.CommandLine.Option;

/**
 * What every {@code requests} subcommand shares: the configuration file, the streams and the exit
 * codes — 0 done, 1 refused (nothing changed), 2 configuration or database error (nothing changed).
 */
abstract class StoreCommand implements Callable<Integer> {

    static final int OK = 0;
    static final int REFUSED = 1;
    static final int ERROR = 2;

    @Option(names = "--config", defaultValue = "config/application.properties",
            description = "Configuration file (default: ${DEFAULT-VALUE}).")
    Path config;

    /** The subcommand's name, as the operator typed it, for the messages. */
    abstract String name();

    abstract void run(OperatorStore store, PrintStream out);

    /** Checks of the command line that need no store (exit 2 when wrong). */
    void check() {
    }

    @Override
    public Integer call() {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(System.err, true, StandardCharsets.UTF_8);
        try {
            check();
        } catch (IllegalArgumentException e) {
            err.println("requests " + name() + ": " + e.getMessage());
            return ERROR;
        }
        try (OperatorStore store = OperatorStore.open(config)) {
            run(store, out);
            return OK;
        } catch (Refused | Lifecycle.IllegalTransition e) {
            err.println(Secrets.mask("requests " + name() + ": " + e.getMessage() + ". Nothing was changed."));
            return REFUSED;
        } catch (IllegalArgumentException | IllegalStateException e) {
            err.println(Secrets.mask("requests " + name() + ": " + e.getMessage() + " — nothing was changed."));
            return ERROR;
        } catch (RuntimeException e) {
            err.println(Secrets.mask("requests " + name() + ": " + ErrorText.full(e)
                    + " — nothing was changed. Check the store (dsr.store.url) and the configuration, then retry."));
            return ERROR;
        }
    }
}
