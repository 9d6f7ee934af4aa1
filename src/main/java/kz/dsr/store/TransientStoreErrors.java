package kz.dsr.store;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.TransactionSystemException;

/**
 * Tells a store failure that passes by itself (the database restarts, a connection is cut, two
 * transactions collide) from one that the work itself causes (a constraint, bad data, a bug). Work that
 * failed for a passing reason is tried again later as it is; only the other kind is set aside.
 */
public final class TransientStoreErrors {

    /** SQLSTATE class 08: connection exception (refused, broken, closed: Hikari's "Connection is closed" too). */
    private static final String CONNECTION_CLASS = "08";
    /**
     * 57P01 admin_shutdown (a restart's "terminating connection due to administrator command"),
     * 57P02 crash_shutdown, 57P03 cannot_connect_now (starting up or shutting down),
     * 40001 serialization_failure, 40P01 deadlock_detected.
     */
    private static final Set<String> TRANSIENT_STATES = Set.of("57P01", "57P02", "57P03", "40001", "40P01");
    /**
     * What Hikari's connection proxy throws, without an SQLSTATE, once the pool has evicted a broken
     * connection that a transaction still holds (its rollback then fails with it).
     */
    private static final String HIKARI_CLOSED = "Connection is closed";
    /** Causes looked at, at most: a chain is never longer in practice, and a cycle must end. */
    private static final int MAX_CAUSES = 50;

    private TransientStoreErrors() {
    }

    /**
     * True when the error, or anything it was caused by (causes, suppressed exceptions, chained SQL
     * exceptions), is a lost or refused store connection or a transaction collision.
     */
    public static boolean isTransient(Throwable error) {
        return find(error, new IdentityHashMap<>());
    }

    private static boolean find(Throwable error, Map<Throwable, Boolean> seen) {
        if (error == null || seen.size() >= MAX_CAUSES || seen.put(error, Boolean.TRUE) != null) {
            return false;
        }
        if (error instanceof SQLTransientConnectionException || error instanceof CannotGetJdbcConnectionException) {
            // Hikari's "Connection is not available, request timed out": the pool could not get one.
            return true;
        }
        if (error instanceof SQLException sql) {
            String state = sql.getSQLState();
            if (state != null && (state.startsWith(CONNECTION_CLASS) || TRANSIENT_STATES.contains(state))) {
                return true;
            }
            if (state == null && HIKARI_CLOSED.equals(sql.getMessage())) {
                return true;
            }
            if (find(sql.getNextException(), seen)) {
                return true;
            }
        }
        // A rollback that failed hides the error that caused it (often the lost connection itself).
        if (error instanceof TransactionSystemException tx && find(tx.getApplicationException(), seen)) {
            return true;
        }
        for (Throwable suppressed : error.getSuppressed()) {
            if (find(suppressed, seen)) {
                return true;
            }
        }
        return find(error.getCause(), seen);
    }
}
