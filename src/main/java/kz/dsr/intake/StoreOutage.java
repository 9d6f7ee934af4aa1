package kz.dsr.intake;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import kz.dsr.store.ErrorText;
import kz.dsr.store.TransientStoreErrors;
import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.spi.PollingConsumerPollStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the mailbox does while the store cannot be reached (a restart, cut connections): a mail that
 * failed for that reason stays in the inbox, unmoved, and so does the rest of that poll's mail, untried.
 * The poll then counts as failed, so the consumer does not poll again at once (greedy) and, after a few
 * such polls, backs off; while the store stays unreachable, a poll ends before it reads any mail.
 * A mail that fails for a reason of its own is not this class's business (it goes to Failed).
 *
 * <p>It is the mailbox consumer's poll strategy (route parameter {@code pollStrategy}); the intake route
 * tells it of an outage. One consumer thread polls, and processes a poll's mail, at a time.
 */
public final class StoreOutage implements PollingConsumerPollStrategy {

    private static final Logger LOG = LoggerFactory.getLogger(StoreOutage.class);
    private static final int PROBE_TIMEOUT_SECONDS = 5;

    private final DataSource store;
    /** Why the store could not be reached during the current (or, at begin, the last) poll; null if it could. */
    private volatile String outage;

    public StoreOutage(DataSource store) {
        this.store = store;
    }

    /** True when the error is the store being out of reach or a passing collision, not the mail's fault. */
    public boolean isOutage(Throwable error) {
        return error instanceof StoreUnavailableException || TransientStoreErrors.isTransient(error);
    }

    /** Fails this mail's exchange so the consumer leaves it in the inbox, and the poll ends early. */
    public void leaveInInbox(Throwable error) {
        if (error instanceof StoreUnavailableException unavailable) {
            throw unavailable;
        }
        String reason = ErrorText.forLog(ErrorText.full(error));
        if (outage == null) {
            LOG.warn("The store database cannot be reached ({}). The mail being read stays in the inbox, as does the"
                    + " rest of this poll's mail, and is read again on a later poll; while this lasts the mailbox is"
                    + " polled less often. Nothing is lost; if it goes on, check the store database.", reason);
        }
        outage = reason;
        throw new StoreUnavailableException(reason);
    }

    /** Before a mail is read: after an outage in this poll, the mail waits for a later poll untried. */
    public void checkReachable() {
        String reason = outage;
        if (reason != null) {
            throw new StoreUnavailableException(reason);
        }
    }

    @Override
    public boolean begin(Consumer consumer, Endpoint endpoint) {
        String last = outage;
        if (last != null && !reachable()) {
            // Still out of reach: a failed poll that reads no mail at all.
            throw new StoreUnavailableException("still, after: " + last);
        }
        if (last != null) {
            LOG.info("The store database can be reached again: the mail left in the inbox is read now.");
        }
        outage = null;
        return true;
    }

    @Override
    public void commit(Consumer consumer, Endpoint endpoint, int polledMessages) {
        String reason = outage;
        if (reason != null) {
            // A failed poll: no greedy poll right after it, and it counts towards the consumer's back-off.
            throw new StoreUnavailableException(reason);
        }
    }

    @Override
    public boolean rollback(Consumer consumer, Endpoint endpoint, int retryCounter, Exception cause) {
        // Not retried within this poll: the consumer logs it and polls again after its delay.
        return false;
    }

    private boolean reachable() {
        try (Connection c = store.getConnection()) {
            return c.isValid(PROBE_TIMEOUT_SECONDS);
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }
}
