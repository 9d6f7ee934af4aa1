package kz.dsr.health;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs a probe of a server (a database, the mail server) on a thread of its own, so a probe that hangs
 * costs the caller at most {@code timeout}; never two at once: while one still waits for its server,
 * callers get "no answer" at once instead of starting another (a storm of probes opens no storm of
 * connections). An answer is reused for {@code reuse} (zero: every call asks again).
 *
 * <p>A down verdict's message is only the reason (the probe's exception, or the time-out): the check
 * says which server and what to do about it.
 */
final class TimedProbe implements AutoCloseable {

    private final String what;
    private final Callable<Verdict> probe;
    private final Duration timeout;
    private final Duration reuse;
    private final Clock clock;
    private final ExecutorService thread;

    private Future<Verdict> running;
    private Instant runningSince;
    private Verdict last;
    private Instant lastAt;

    /**
     * @param what  the server, for the name of the probe's thread
     * @param probe asks the server: an up verdict, or an exception that says what is wrong
     */
    TimedProbe(String what, Callable<Verdict> probe, Duration timeout, Duration reuse, Clock clock) {
        this.what = what;
        this.probe = probe;
        this.timeout = timeout;
        this.reuse = reuse;
        this.clock = clock;
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "dsr-health " + what);
            t.setDaemon(true);
            return t;
        });
    }

    Verdict get() {
        Future<Verdict> answer;
        boolean waitingAlready;
        synchronized (this) {
            Instant now = clock.instant();
            if (last != null && now.isBefore(lastAt.plus(reuse))) {
                return last;
            }
            waitingAlready = running != null;
            if (running == null) {
                running = thread.submit(probe);
                runningSince = now;
            }
            answer = running;
        }
        Verdict verdict;
        try {
            verdict = answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            synchronized (this) {
                if (running == answer) {
                    running = null;
                }
            }
        } catch (TimeoutException e) {
            long waiting = Duration.between(runningSinceOr(clock.instant()), clock.instant()).toSeconds();
            verdict = Verdict.down("no answer within " + timeout.toMillis() + " ms"
                    + (waitingAlready ? " (the check started " + waiting + " s ago is still waiting)" : ""));
        } catch (ExecutionException e) {
            synchronized (this) {
                if (running == answer) {
                    running = null;
                }
            }
            verdict = Verdict.down(Problems.describe(e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Verdict.down("the check was interrupted");
        }
        synchronized (this) {
            last = verdict;
            lastAt = clock.instant();
        }
        return verdict;
    }

    private synchronized Instant runningSinceOr(Instant now) {
        return runningSince != null ? runningSince : now;
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
