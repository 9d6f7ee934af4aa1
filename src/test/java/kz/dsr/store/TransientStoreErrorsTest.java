package kz.dsr.store;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.apache.camel.RuntimeCamelException;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLState;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;

/** Which store failures are passing (the work is tried again as it is) and which are the work's own. */
class TransientStoreErrorsTest {

    @Test
    void aRestartACutConnectionAndACollisionArePassing() {
        // pg_ctl restart -m fast: statements in flight.
        assertTrue(TransientStoreErrors.isTransient(wrapped(new SQLException(
                "FATAL: terminating connection due to administrator command", "57P01"))));
        assertTrue(TransientStoreErrors.isTransient(new SQLException("the database system is starting up", "57P03")));
        assertTrue(TransientStoreErrors.isTransient(new PSQLException("An I/O error occurred while sending to the backend.",
                PSQLState.CONNECTION_FAILURE)));
        assertTrue(TransientStoreErrors.isTransient(new PSQLException("Connection refused",
                PSQLState.CONNECTION_UNABLE_TO_CONNECT)));
        // The pool hands out a connection it has just closed (no SQLSTATE), and a rollback on it fails.
        TransactionSystemException rollbackFailed = new TransactionSystemException("JDBC rollback failed",
                new SQLException("Connection is closed"));
        assertTrue(TransientStoreErrors.isTransient(new RuntimeCamelException(rollbackFailed)));
        // Hikari's pool timing out while the server is down.
        assertTrue(TransientStoreErrors.isTransient(new CannotCreateTransactionException("Could not open JDBC Connection",
                new SQLTransientConnectionException("dsr-store - Connection is not available, request timed out"))));
        assertTrue(TransientStoreErrors.isTransient(new CannotGetJdbcConnectionException("Failed to obtain JDBC Connection")));
        assertTrue(TransientStoreErrors.isTransient(new SQLException("could not serialize access", "40001")));
        assertTrue(TransientStoreErrors.isTransient(new SQLException("deadlock detected", "40P01")));
        // The application's error hidden behind a failed rollback.
        TransactionSystemException hidden = new TransactionSystemException("rollback failed",
                new IllegalStateException("unexpected"));
        hidden.initApplicationException(new SQLException("terminating connection", "57P01"));
        assertTrue(TransientStoreErrors.isTransient(hidden));
    }

    @Test
    void whatTheWorkItselfCausesIsNot() {
        assertFalse(TransientStoreErrors.isTransient(new DataIntegrityViolationException("check constraint",
                new PSQLException("new row violates check constraint \"poison\"", PSQLState.CHECK_VIOLATION))));
        assertFalse(TransientStoreErrors.isTransient(new SQLException("value too long", "22001")));
        assertFalse(TransientStoreErrors.isTransient(new SQLException("canceling statement due to statement timeout",
                "57014")));
        assertFalse(TransientStoreErrors.isTransient(new SQLException("Connection is closed", "42000")));
        assertFalse(TransientStoreErrors.isTransient(new IllegalStateException("a bug")));
        assertFalse(TransientStoreErrors.isTransient(null));
        RuntimeException looped = new RuntimeException("cause cycle");
        RuntimeException other = new RuntimeException("other", looped);
        looped.initCause(other);
        assertFalse(TransientStoreErrors.isTransient(looped));
    }

    private static RuntimeException wrapped(SQLException e) {
        return new RuntimeCamelException(new DataAccessResourceFailureException("PreparedStatementCallback", e));
    }
}
