package kz.dsr.store;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import kz.dsr.request.LogReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.TransactionStatus;
import org.springframework.transaction.support.DefaultTransactionDefinition;

/**
 * Records that an outbox message left (the SMTP server said 250, the SMS gateway or the processor's API
 * took it): the row SENT, and what moves with it, in a short transaction of its own. Once a message has
 * left, a store that cannot be reached must not make it go again: the mark is tried again while the
 * store is away (a restart cuts its connections) for a bounded time, and never counts as a failed
 * attempt. A mark that did not reach the store in that time is kept, and made first on the relay's next
 * runs, before anything else is taken or sent; the operator is told which message may go twice (if this
 * node stops before the store is back, or another node takes it once its lease ended).
 *
 * <p>Bean {@code sentMarks} of the outbox relay, which calls it from one thread at a time.
 */
public final class SentMarks {

    private static final Logger LOG = LoggerFactory.getLogger(SentMarks.class);
    /** Pauses between two tries of a mark: short first (a cut connection is replaced at once), then longer. */
    private static final Duration FIRST_PAUSE = Duration.ofMillis(200);
    private static final Duration LONGEST_PAUSE = Duration.ofSeconds(2);

    /** What else moves when a message left, in the transaction of its mark (a processor's task). */
    @FunctionalInterface
    public interface Consequences {

        /** @param answer what the processor's API answered a call (channel HTTP), as its client gave it; null for a mail or a text */
        void follow(Outbox.Item item, Object answer);
    }

    private record Left(Outbox.Item item, Object answer) {
    }

    private final Outbox outbox;
    private final PlatformTransactionManager transactions;
    /** A transaction of its own for each try, never a caller's: the mark is kept whatever else happens. */
    private final TransactionDefinition own = new DefaultTransactionDefinition(
            TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    private final Consequences consequences;
    private final Duration retryFor;
    private final Duration lease;
    /** Messages that left but whose mark has not reached the store yet, by outbox id, oldest first. */
    private final Map<Long, Left> unmarked = new LinkedHashMap<>();
    /** Whether, in the current run, a mark gave up on the store: the run sends nothing more. */
    private boolean storeLost;

    /**
     * @param transactions   the store's transactions
     * @param retryFor       how long a mark is tried again while the store is away; shorter than the lease
     * @param lease          the outbox's lease, for the operator's line
     */
    public SentMarks(Outbox outbox, PlatformTransactionManager transactions, Consequences consequences,
            Duration retryFor, Duration lease) {
        this.outbox = outbox;
        this.transactions = transactions;
        this.consequences = consequences;
        this.retryFor = retryFor;
        this.lease = lease;
    }

    /**
     * Before a relay run takes anything: the messages that left in an earlier run and could not be
     * marked then are marked now. While the store still cannot be reached this throws, and the run ends
     * there (taking messages needs the store too).
     */
    public synchronized void runStarts() {
        storeLost = false;
        for (Iterator<Left> it = unmarked.values().iterator(); it.hasNext();) {
            Left left = it.next();
            try (LogReference ignored = LogReference.of(left.item().mail().reference())) {
                markOnce(left);
                LOG.info("Outbox message {} ({}) is now marked SENT: the store can be reached again, and it is not"
                        + " sent a second time.", left.item().id(), left.item().channel());
            } catch (RuntimeException e) {
                if (TransientStoreErrors.isTransient(e)) {
                    throw new IllegalStateException("the store database still cannot be reached to mark " + unmarked.size()
                            + " outbox message(s) that left as SENT (" + ErrorText.forLog(ErrorText.full(e))
                            + "); nothing more is sent until it can", e);
                }
                cannotMark(left.item(), e);
            }
            it.remove();
        }
    }

    /** Whether the relay may send the next message of this run (not after the store was lost in it). */
    public synchronized boolean maySend() {
        return !storeLost;
    }

    /**
     * The message left: marked SENT, tried again for a while if the store is away. Never throws: whatever
     * the store does, a message that left is not tried again as if it had failed.
     *
     * @param answer what the processor's API answered a call (channel HTTP), passed on as is; null for a mail or a text
     */
    public synchronized void sent(Outbox.Item item, Object answer) {
        try (LogReference ignored = LogReference.of(item.mail().reference())) {
            Left left = new Left(item, answer);
            long giveUpAt = System.nanoTime() + retryFor.toNanos();
            Duration pause = FIRST_PAUSE;
            RuntimeException lastError;
            while (true) {
                try {
                    markOnce(left);
                    return;
                } catch (RuntimeException e) {
                    if (!TransientStoreErrors.isTransient(e)) {
                        cannotMark(item, e);
                        return;
                    }
                    lastError = e;
                }
                if (System.nanoTime() + pause.toNanos() > giveUpAt || !paused(pause)) {
                    break;
                }
                pause = pause.multipliedBy(2).compareTo(LONGEST_PAUSE) > 0 ? LONGEST_PAUSE : pause.multipliedBy(2);
            }
            storeLost = true;
            unmarked.put(item.id(), left);
            LOG.error("Outbox message {} ({}) was sent, but the store database could not be reached for {} s to mark it"
                    + " SENT ({}); it may be sent again. This node marks it as soon as the store can be reached and"
                    + " sends nothing meanwhile; it goes a second time only if the pipeline stops first, or another"
                    + " node takes it after its lease ({} s). If the pipeline was stopped before the store came back,"
                    + " mark it by hand before starting it again: update dsr.outbox set status = 'SENT', sent_at ="
                    + " now() where id = {} and status = 'SENDING'.", item.id(), item.channel(), retryFor.toSeconds(),
                    ErrorText.forLog(ErrorText.full(lastError)), lease.toSeconds(), item.id());
        }
    }

    /**
     * One try: the row SENT and what follows in one transaction. A store that cannot be reached is
     * thrown as it came. When what follows fails for a reason of its own (not the store's), the row is
     * marked SENT alone, and the operator told: the message left all the same.
     */
    private void markOnce(Left left) {
        Outbox.Item item = left.item();
        RuntimeException fault;
        try {
            inOwnTransaction(() -> {
                outbox.markSent(item.id());
                consequences.follow(item, left.answer());
            });
            return;
        } catch (RuntimeException e) {
            if (TransientStoreErrors.isTransient(e)) {
                throw e;
            }
            fault = e;
        }
        inOwnTransaction(() -> outbox.markSent(item.id()));
        LOG.error("Outbox message {} ({}) was sent and is marked SENT, but what follows from it (its processor's task)"
                + " could not be recorded: {}. It is not sent again; see the request's timeline and settle the"
                + " processor's task by hand.", item.id(), item.channel(), ErrorText.forLog(ErrorText.full(fault)));
    }

    /**
     * Runs the work in a transaction of its own. A rollback that fails too (the connection is gone) is
     * added to the work's error rather than replacing it, and not logged on its own: the caller decides.
     */
    private void inOwnTransaction(Runnable work) {
        TransactionStatus status = transactions.getTransaction(own);
        try {
            work.run();
        } catch (RuntimeException e) {
            try {
                transactions.rollback(status);
            } catch (RuntimeException rollback) {
                e.addSuppressed(rollback);
            }
            throw e;
        }
        transactions.commit(status);
    }

    /**
     * The mark itself fails for a reason other than the store being away: retrying cannot help. (Lines
     * here carry no stack trace: a driver's message may quote the row, and ErrorText keeps that out.)
     */
    private void cannotMark(Outbox.Item item, RuntimeException e) {
        LOG.error("Outbox message {} ({}) was sent, but it cannot be marked SENT: {}. It may be sent again once its"
                + " lease ({} s) ends; mark it by hand: update dsr.outbox set status = 'SENT', sent_at = now() where"
                + " id = {} and status = 'SENDING'.", item.id(), item.channel(), ErrorText.forLog(ErrorText.full(e)),
                lease.toSeconds(), item.id());
    }

    /** Waits before the next try; false when the pipeline is stopping (interrupted). */
    private static boolean paused(Duration pause) {
        try {
            Thread.sleep(pause.toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
