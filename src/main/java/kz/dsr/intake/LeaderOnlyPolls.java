package kz.dsr.intake;

import kz.dsr.cluster.Leadership;
import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.spi.PollingConsumerPollStrategy;

/**
 * Only the node that leads reads the mailbox: a poll on any other node ends before it begins (no login,
 * no fetch), and a node that loses the lead while its poll runs leaves the rest of that poll's mail in
 * the inbox, untouched, for the node that takes over. The rest of a poll's handling is the store
 * outage's ({@link StoreOutage}), which this strategy passes everything else to.
 *
 * <p>It is the mailbox consumer's poll strategy (route parameter {@code pollStrategy}).
 */
public final class LeaderOnlyPolls implements PollingConsumerPollStrategy {

    private final Leadership leadership;
    private final MailFiling filing;
    private final PollingConsumerPollStrategy then;

    public LeaderOnlyPolls(Leadership leadership, MailFiling filing, PollingConsumerPollStrategy then) {
        this.leadership = leadership;
        this.filing = filing;
        this.then = then;
    }

    /**
     * Before each mail: true when this node no longer leads, asked of the store on the lock's own
     * connection, so a node whose lock went with its connection stops at the next mail.
     */
    public boolean lostTheLead() {
        return !leadership.stillLeads();
    }

    @Override
    public boolean begin(Consumer consumer, Endpoint endpoint) {
        filing.pollBegins();
        return leadership.leads() && then.begin(consumer, endpoint);
    }

    @Override
    public void commit(Consumer consumer, Endpoint endpoint, int polledMessages) {
        then.commit(consumer, endpoint, polledMessages);
    }

    @Override
    public boolean rollback(Consumer consumer, Endpoint endpoint, int retryCounter, Exception cause) throws Exception {
        return then.rollback(consumer, endpoint, retryCounter, cause);
    }
}
