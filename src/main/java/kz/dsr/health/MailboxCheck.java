package kz.dsr.health;

import jakarta.mail.AuthenticationFailedException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Map;
import kz.dsr.cluster.Leadership;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.spi.RouteController;
import org.apache.camel.spi.SupervisingRouteController;
import org.apache.camel.support.ScheduledPollConsumer;

/**
 * The support mailbox is read: the intake route runs and its last poll logged in. It asks nothing of
 * the mail server itself (the route polls it anyway): it reads the IMAP consumer's last poll, and
 * says in the operator's terms what Camel's {@code consumer:intake-mailbox} check says in its own —
 * which mailbox, whether the login was refused or the server not reached, and which setting to fix.
 * On a node that does not hold the intake lock the route is stopped on purpose: UP, naming the node
 * that reads the mailbox.
 */
public final class MailboxCheck extends ReadinessCheck {

    private final String routeId;
    private final String mailbox;
    private final Leadership leadership;

    /** @param leadership which node reads the mailbox: on any other node the route is stopped, and that is right */
    public MailboxCheck(String routeId, String protocol, String host, int port, String username, String folder,
            Leadership leadership) {
        super("mailbox");
        this.routeId = routeId;
        this.leadership = leadership;
        this.mailbox = "the support mailbox (login '" + username + "' on " + host + ":" + port + ", " + protocol
                + ", folder " + folder + ")";
    }

    @Override
    protected Verdict verdict() {
        Route route = getCamelContext().getRoute(routeId);
        if (route == null) {
            return Verdict.down("the intake route " + routeId + " is not loaded: " + mailbox + " is not read. Check that"
                    + " routes/intake-mailbox.yaml is in camel.main.routes-include-pattern.");
        }
        if (!leadership.leads()) {
            return Verdict.up("this node stands by: " + mailbox + " is read by "
                    + leadership.leader().map(n -> "node " + n).orElse("the node that holds the intake lock")
                    + " (see intake-leader)");
        }
        ServiceStatus status = getCamelContext().getRouteController().getRouteStatus(routeId);
        if (status == null || !status.isStarted()) {
            return Verdict.down("the intake route " + routeId + " is " + (status == null ? "unknown" : status.name())
                    + restartError() + ": " + mailbox + " is not read.");
        }
        if (!(route.getConsumer() instanceof ScheduledPollConsumer consumer)) {
            return Verdict.up(mailbox + ": the intake route " + routeId + " runs");
        }
        long failed = consumer.getErrorCounter();
        Throwable error = failed == 0 ? null : lastError(consumer);
        if (failed == 0) {
            return consumer.isFirstPollDone()
                    ? Verdict.up(mailbox + " was read at the last poll")
                    : Verdict.down(mailbox + " has not been polled yet since the start").with("polls", 0);
        }
        String polls = failed == 1 ? "the last poll" : "the last " + failed + " polls";
        String reason = error == null ? "" : ": " + Problems.describe(error);
        if (error != null && Problems.has(error, AuthenticationFailedException.class)) {
            return Verdict.down(mailbox + " refused the login at " + polls + reason + ". Check dsr.mail.imap.username"
                    + " and DSR_MAIL_IMAP_PASSWORD (the mailbox's password may have changed); intake resumes by itself"
                    + " once the login works.").with("failed.polls", failed);
        }
        if (error != null && (Problems.has(error, ConnectException.class) || Problems.has(error, UnknownHostException.class)
                || Problems.has(error, NoRouteToHostException.class) || Problems.has(error, SocketTimeoutException.class))) {
            return Verdict.down(mailbox + " could not be reached at " + polls + reason + ". Check dsr.mail.imap.host,"
                    + " dsr.mail.imap.port and the network.").with("failed.polls", failed);
        }
        return Verdict.down("reading " + mailbox + " failed at " + polls + reason + ".").with("failed.polls", failed);
    }

    /** The error of the consumer's last poll, as its own health check reports it (Camel keeps it there). */
    private static Throwable lastError(ScheduledPollConsumer consumer) {
        HealthCheck own = consumer.getHealthCheck();
        if (own == null) {
            return null;
        }
        return own.call(Map.of(HealthCheck.CHECK_KIND, HealthCheck.Kind.READINESS)).getError().orElse(null);
    }

    /** Why the route controller could not start the route, if it is trying again. */
    private String restartError() {
        RouteController controller = getCamelContext().getRouteController();
        if (controller instanceof SupervisingRouteController supervising) {
            Throwable error = supervising.getRestartException(routeId);
            if (error != null) {
                return " (it could not start: " + Problems.describe(error) + "; retried with backoff)";
            }
        }
        return "";
    }
}
