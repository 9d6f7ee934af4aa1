package kz.dsr.health;

import java.util.List;
import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipeline's own readiness checks, beside Camel's (context, routes, consumers), served by the
 * management server on {@code /observe/health/ready}. Closing stops the threads some of them probe on.
 */
public final class HealthChecks implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HealthChecks.class);

    private final List<ReadinessCheck> checks;

    public HealthChecks(List<ReadinessCheck> checks) {
        this.checks = List.copyOf(checks);
    }

    public List<ReadinessCheck> all() {
        return checks;
    }

    /** Binds each check in Camel's registry, where the health-check registry finds it. */
    public void bindTo(CamelContext context) {
        for (ReadinessCheck check : checks) {
            check.setCamelContext(context);
            context.getRegistry().bind("health-check-" + check.getId(), check);
        }
    }

    @Override
    public void close() {
        for (ReadinessCheck check : checks) {
            if (check instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    LOG.warn("Stopping the {} health check failed: {}", check.getId(), e.getMessage());
                }
            }
        }
    }
}
