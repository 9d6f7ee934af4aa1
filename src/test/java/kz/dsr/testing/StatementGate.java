package kz.dsr.testing;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;

/**
 * Real store connections that stop the first statement starting with a given text until the test lets
 * it go: what another node (or thread) has read by then, it has read, and what it writes comes after
 * whatever the test does meanwhile. That forces the order of two writers without a sleep.
 */
public final class StatementGate {

    private final DataSource target;
    private final String prefix;
    private final AtomicBoolean armed = new AtomicBoolean(true);
    private final CountDownLatch reached = new CountDownLatch(1);
    private final CountDownLatch released = new CountDownLatch(1);

    /** @param prefix the statement's beginning, compared without case (e.g. "update processor_task set status") */
    public StatementGate(DataSource target, String prefix) {
        this.target = target;
        this.prefix = prefix.toLowerCase(Locale.ROOT);
    }

    /** Connections of the target whose first statement with the prefix waits at the gate. */
    public DataSource dataSource() {
        return (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    Object result = invoke(target, method, args);
                    return result instanceof Connection c ? gated(c) : result;
                });
    }

    /** Waits until a statement stands at the gate. */
    public void awaitReached(Duration timeout) throws InterruptedException {
        if (!reached.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("no statement starting with '" + prefix + "' reached the gate within "
                    + timeout.toSeconds() + " s");
        }
    }

    /** Lets the waiting statement (and every later one) run. */
    public void release() {
        released.countDown();
    }

    private Connection gated(Connection c) {
        InvocationHandler handler = (proxy, method, args) -> {
            if (method.getName().startsWith("prepare") && args != null && args.length > 0
                    && args[0] instanceof String sql && sql.strip().toLowerCase(Locale.ROOT).startsWith(prefix)
                    && armed.compareAndSet(true, false)) {
                reached.countDown();
                if (!released.await(60, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the test never released the gate");
                }
            }
            return invoke(c, method, args);
        };
        return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                handler);
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
