package kz.dsr.cluster;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import kz.dsr.store.ErrorText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which node of the installation does one job that only one node may do at a time (read the support
 * mailbox): the node holding an {@link AdvisoryLock} in the store. Every {@code every} a standing-by node
 * tries to take the lock, and the leading node checks that it still holds it; in between, the work the
 * job does asks {@link #stillLeads()} before each piece, on the lock's own connection. A node that loses
 * its connection to the store loses the lead at that moment; a node that stops or is killed frees the
 * lock with its connection, and another node takes it at its next try.
 *
 * <p>Listeners run on the one thread that does the checks, one after the other.
 */
public final class Leadership implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Leadership.class);

    private final AdvisoryLock lock;
    private final String node;
    private final String job;
    private final Duration every;
    private final ScheduledExecutorService checks;
    private final List<Consumer<Boolean>> onChange = new CopyOnWriteArrayList<>();
    private final List<Consumer<Boolean>> onCheck = new CopyOnWriteArrayList<>();
    private volatile boolean leads;
    private volatile String leader;
    private volatile boolean closed;
    /**
     * Until when (System.nanoTime) a node that lost the lead leaves the lock to the others: two check
     * intervals, so a standing-by node, whose next try comes within one, takes over rather than the node
     * whose connection just died (and may die again).
     */
    private volatile long yieldsUntil = System.nanoTime();
    /** Why the store could not be asked at the last check (logged once per outage); null when it could. */
    private String problem;

    /**
     * @param job what the lead is for, as an operator reads it ("the support mailbox")
     * @param every how often a standing-by node tries to take the lock (and the leader checks it)
     */
    public Leadership(AdvisoryLock lock, String node, String job, Duration every) {
        this.lock = lock;
        this.node = node;
        this.job = job;
        this.every = every;
        this.checks = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dsr-leadership");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts the checks (the first one at once). */
    public Leadership start() {
        checks.scheduleWithFixedDelay(this::check, 0, every.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** This node's name. */
    public String node() {
        return node;
    }

    /** Whether this node led at the last check (no round trip). */
    public boolean leads() {
        return leads;
    }

    /**
     * Whether this node still leads, asked of the store on the lock's connection: before each piece of
     * the work, so a node that lost the lock stops at the next piece, not at the next check.
     */
    public boolean stillLeads() {
        if (!leads) {
            return false;
        }
        if (lock.stillHeld()) {
            return true;
        }
        lose("its connection to the store, which held the lock, is gone");
        return false;
    }

    /** The node that leads, as this node last saw it (itself when it leads); empty when none does or unknown. */
    public Optional<String> leader() {
        return Optional.ofNullable(leads ? node : leader);
    }

    /** Called with true when this node takes the lead and false when it loses it. */
    public void onChange(Consumer<Boolean> listener) {
        onChange.add(listener);
    }

    /** Called after every check with whether this node leads (to set right what drifted since). */
    public void onCheck(Consumer<Boolean> listener) {
        onCheck.add(listener);
    }

    private void check() {
        if (closed) {
            return;
        }
        try {
            if (leads) {
                stillLeads();
            } else if (System.nanoTime() - yieldsUntil >= 0 && lock.tryTake()) {
                take();
            } else {
                standBy(lock.holder().orElse(null));
            }
            if (problem != null) {
                LOG.info("Node {} can reach the store again to learn who reads {}.", node, job);
                problem = null;
            }
        } catch (Exception e) {
            String reason = ErrorText.forLog(ErrorText.full(e));
            if (problem == null) {
                LOG.warn("Node {} cannot reach the store to learn who reads {} ({}). It does not read it meanwhile and"
                        + " tries again every {} ms.", node, job, reason, every.toMillis());
            }
            problem = reason;
            leader = null;
        }
        for (Consumer<Boolean> listener : onCheck) {
            call(listener, leads);
        }
    }

    private synchronized void take() {
        if (leads || closed) {
            return;
        }
        leads = true;
        leader = node;
        LOG.info("Node {} now reads {}.", node, job);
        checks.execute(() -> onChange.forEach(l -> call(l, true)));
    }

    private synchronized void lose(String why) {
        if (!leads) {
            return;
        }
        leads = false;
        leader = null;
        yieldsUntil = System.nanoTime() + 2 * every.toNanos();
        LOG.warn("Node {} no longer reads {}: {}. Another node takes over; this one tries again every {} ms.", node, job,
                why, every.toMillis());
        try {
            checks.execute(() -> onChange.forEach(l -> call(l, false)));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing: nothing left to tell
        }
    }

    private void standBy(String holder) {
        if (holder != null && !holder.equals(leader)) {
            LOG.info("Node {} stands by: node {} reads {}.", node, holder, job);
        }
        leader = holder;
    }

    private void call(Consumer<Boolean> listener, boolean value) {
        try {
            listener.accept(value);
        } catch (RuntimeException e) {
            LOG.warn("Node {}: acting on the lead for {} failed: {}", node, job, ErrorText.forLog(ErrorText.full(e)));
        }
    }

    /** Stops the checks and frees the lock (its connection closes): another node takes over at its next try. */
    @Override
    public void close() {
        closed = true;
        checks.shutdownNow();
        try {
            checks.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        boolean led;
        synchronized (this) {
            led = leads;
            leads = false;
        }
        lock.close();
        if (led) {
            LOG.info("Node {} stops and no longer reads {}: another node takes over.", node, job);
        }
    }
}
