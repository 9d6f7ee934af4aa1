package kz.dsr.health;

import kz.dsr.cluster.Leadership;

/**
 * Which node reads the support mailbox, and whether it is this one. Always UP: standing by while another
 * node reads the mailbox is what a second node is for, never a reason to take it out of service (it
 * serves callbacks, runs timers and sends the outbox like the other). Details: {@code node} (this node),
 * {@code leader} (whether it reads the mailbox) and {@code reading.node} (the node that does, as last seen).
 */
public final class IntakeLeaderCheck extends ReadinessCheck {

    private final Leadership leadership;

    public IntakeLeaderCheck(Leadership leadership) {
        super("intake-leader");
        this.leadership = leadership;
    }

    @Override
    protected Verdict verdict() {
        String node = leadership.node();
        boolean leads = leadership.leads();
        String reading = leadership.leader().orElse(null);
        String message = leads
                ? "this node (" + node + ") reads the support mailbox"
                : reading != null
                        ? "this node (" + node + ") stands by; node " + reading + " reads the support mailbox"
                        : "this node (" + node + ") stands by; no node holds the mailbox now (the store may be out of"
                                + " reach); one takes it over within dsr.intake.leader-check-ms once it can";
        Verdict verdict = Verdict.up(message).with("node", node).with("leader", leads);
        return reading == null ? verdict : verdict.with("reading.node", reading);
    }
}
