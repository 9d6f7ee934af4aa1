package kz.dsr.app;

import java.util.Optional;
import kz.dsr.config.ConfigurationError;
import org.apache.camel.ResolveEndpointFailedException;

/**
 * Which failures of a start are refusals, told as one line without a stack trace: a
 * {@link ConfigurationError} anywhere among the causes (the outermost one: it has the most context, the
 * key or file that a deeper one was about), or an endpoint of a route that Camel cannot build from the
 * settings.
 */
public final class Refusals {

    /** The exit code of a refused start (1 is left to failures that are bugs). */
    public static final int EXIT_CODE = 2;

    /** Causes looked through at most (a cycle of causes must not loop). */
    private static final int DEPTH = 50;

    private Refusals() {
    }

    /** The line to print for this failure, if it is a refusal. */
    public static Optional<String> oneLine(Throwable failure) {
        int depth = 0;
        for (Throwable t = failure; t != null && depth < DEPTH; t = t.getCause(), depth++) {
            if (t instanceof ConfigurationError && t.getMessage() != null && !t.getMessage().isBlank()) {
                return Optional.of(t.getMessage().strip());
            }
        }
        depth = 0;
        for (Throwable t = failure; t != null && depth < DEPTH; t = t.getCause(), depth++) {
            // A route's endpoint built from a setting that does not fit it (a cron that is not one, say):
            // Camel names the endpoint and the reason; the route it names is not always the one at fault.
            if (t instanceof ResolveEndpointFailedException && t.getMessage() != null) {
                return Optional.of("A route cannot start: " + t.getMessage().replaceAll("\\s+", " ").strip()
                        + " Correct the setting it is built from (config/application.properties) or the route"
                        + " (routes/*.yaml).");
            }
        }
        return Optional.empty();
    }
}
