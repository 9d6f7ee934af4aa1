package kz.dsr.operator;

import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneId;
import kz.dsr.app.Components;
import kz.dsr.notify.Replies;
import kz.dsr.processors.ProcessorTasks;
import kz.dsr.request.Lifecycle;
import kz.dsr.store.EventLog;
import kz.dsr.store.RequestStore;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The store as an operator command sees it, opened from the configuration file through the same
 * {@link Components} as the running pipeline: every part here writes through the one store template,
 * so it joins the decision's transaction.
 */
final class OperatorStore implements AutoCloseable {

    final Components parts;
    final JdbcTemplate jdbc;
    final TransactionTemplate transaction;
    final ZoneId zone;
    /** False when the parts belong to someone else (the running pipeline's console): closing leaves them open. */
    private final boolean owned;

    private OperatorStore(Components parts, boolean owned) {
        this.parts = parts;
        this.owned = owned;
        this.jdbc = parts.store();
        this.transaction = parts.transaction();
        // The time zone of due dates is the calendar's (config/calendar.yaml, key zone).
        this.zone = parts.calendar().zone();
    }

    static OperatorStore open(Path config) {
        Components parts = Components.fromFile(config);
        try {
            return new OperatorStore(parts, true);
        } catch (RuntimeException e) {
            parts.close();
            throw e;
        }
    }

    /** The running pipeline's own parts (the console): the same store, lifecycle and replies; left open on close. */
    static OperatorStore over(Components parts) {
        return new OperatorStore(parts, false);
    }

    LocalDate today() {
        return LocalDate.now(parts.clock().withZone(zone));
    }

    /** The one state machine of requests: an operator's move is the same checked transition as the pipeline's. */
    Lifecycle lifecycle() {
        return parts.lifecycle();
    }

    EventLog events() {
        return parts.events();
    }

    RequestStore requests() {
        return parts.requests();
    }

    /** The replies of the running pipeline (same templates, sender, threading and event keys). */
    Replies replies() {
        return parts.replies();
    }

    /** The processor tasks as the store keeps them, for closing a request (no processor is called). */
    ProcessorTasks processorTasks() {
        return parts.processorTasksInStore();
    }

    @Override
    public void close() {
        if (owned) {
            parts.close();
        }
    }
}
