package kz.dsr.intake;

import java.util.concurrent.atomic.AtomicBoolean;
import kz.dsr.cluster.Leadership;
import kz.dsr.store.ErrorText;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.apache.camel.spi.RouteController;
import org.apache.camel.spi.SupervisingRouteController;
import org.apache.camel.support.RoutePolicySupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mailbox route runs on the node that leads ({@link Leadership}, the store's advisory lock) and on
 * no other: after every check of the lead the route is set right, started on the leading node and
 * stopped everywhere else. Starts and stops go through the context's route controller, which supervises
 * this route ({@code camel.routecontroller.*}): a route the leading node cannot start is retried by it
 * with its backoff (this policy then leaves it to those retries), and a stop, by the same controller,
 * ends any retries, so a node that lost the lead stays stopped.
 *
 * <p>Why not camel-cluster's {@code ClusteredRoutePolicy} over a cluster service on the same lock: it
 * marks its route not to start by itself, which takes the route out of the supervising controller's
 * hands (a failed start is then never retried), and it stops only a route that is running, so a route in
 * the controller's backoff would be started again later on a node that no longer leads. Both would fight
 * the controller this pipeline relies on for a mail server that is down at start.
 *
 * <p>At start-up the controller starts the route on every node; on a node that does not lead, the poll
 * strategy ({@link LeaderOnlyPolls}) keeps it from reading anything until the next check stops it.
 */
public final class MailboxLeaderPolicy extends RoutePolicySupport {

    private static final Logger LOG = LoggerFactory.getLogger(MailboxLeaderPolicy.class);

    private final Leadership leadership;
    private final AtomicBoolean listening = new AtomicBoolean();
    private volatile Route route;
    /** Whether the route controller supervises the route (its mark is taken off while this node stands by). */
    private volatile boolean supervised;
    /** The last start failure logged, so a failure the controller retries is logged once, not per check. */
    private volatile String startFailure;

    public MailboxLeaderPolicy(Leadership leadership) {
        this.leadership = leadership;
    }

    @Override
    public void onInit(Route route) {
        this.route = route;
        if (listening.compareAndSet(false, true)) {
            leadership.onCheck(this::setRight);
        }
    }

    /** Starts the route on the leading node, stops it on any other; nothing while the context starts or stops. */
    void setRight(boolean leads) {
        Route r = route;
        if (r == null) {
            return;
        }
        CamelContext context = r.getCamelContext();
        if (!context.isStarted()) {
            return;
        }
        RouteController controller = context.getRouteController();
        if (controller instanceof SupervisingRouteController supervising && supervising.isStartingRoutes()) {
            // Its first round of starts is under way: the next check sets right what it started.
            return;
        }
        String id = r.getRouteId();
        ServiceStatus status = controller.getRouteStatus(id);
        boolean retrying = controller instanceof SupervisingRouteController supervising
                && supervising.getRestartingRoutes().contains(r);
        try {
            if (leads && status != null && status.isStopped() && !retrying) {
                if (supervised) {
                    r.getProperties().put(Route.SUPERVISED, true);
                }
                controller.startRoute(id);
                startFailure = null;
            } else if (!leads && (retrying || status != null && (status.isStarted() || status.isStarting()
                    || status.isSuspended()))) {
                controller.stopRoute(id);
                // Camel's route check calls a supervised route stopped by hand UNKNOWN, which takes the node out
                // of readiness; here it is stopped on purpose, not waiting for the controller, so it is not
                // marked supervised while this node stands by (its checks then say UP; intake-leader says why).
                supervised |= Boolean.TRUE.equals(r.getProperties().remove(Route.SUPERVISED));
            }
        } catch (Exception e) {
            String reason = ErrorText.forLog(ErrorText.full(e));
            if (!reason.equals(startFailure)) {
                LOG.warn("Node {} leads but cannot start the intake route {} ({}); it is retried.", leadership.node(), id,
                        reason);
            }
            startFailure = reason;
        }
    }
}
