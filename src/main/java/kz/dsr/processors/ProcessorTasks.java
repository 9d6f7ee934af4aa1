package kz.dsr.processors;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import kz.dsr.intake.MailIntake;
import kz.dsr.intake.ParsedMail;
import kz.dsr.intake.ThreadReplies;
import kz.dsr.notify.MailComposer;
import kz.dsr.notify.OutgoingMail;
import kz.dsr.request.Lifecycle;
import kz.dsr.request.LogReference;
import kz.dsr.request.RequestStatus;
import kz.dsr.store.EventLog;
import kz.dsr.store.Outbox;
import kz.dsr.store.RequestStore.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionOperations;

/**
 * The processors that must act on each request, in the store ({@code processor_task}): opened with
 * the execution (one outbox message each, in the same transaction), moved by what the processors
 * report (API answer, callback, status poll, answer by mail), and the request completed once every
 * one of them has confirmed. Every change is an event on the request; a report that changes nothing
 * (a duplicate callback) records nothing.
 *
 * <p>A task only moves forward ({@link TaskStatus#canMoveTo}), and each move is one conditional update
 * ({@code ... where status = <what was read>}) in one transaction: reports come from the relay, from
 * callbacks, from polls and from mail, on several threads and nodes, and a late one (the API's answer
 * after the processor already confirmed) must never overwrite a later state. A report that would move
 * the task backwards changes nothing and is recorded as {@code PROCESSOR_REPORT_REFUSED}.
 */
public final class ProcessorTasks implements ThreadReplies {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessorTasks.class);
    private static final String ACTOR = "processors";

    /** One task as read from the store. */
    public record Task(long id, long requestId, String reference, String processor, UUID subjectRequestId,
            TaskStatus status, Instant dueAt) {
    }

    /** What a report did. */
    public enum Change {
        /** The task moved; an event says so. */
        CHANGED,
        /** The task already stood there (a duplicate): nothing changed. */
        DUPLICATE,
        /**
         * The report would move the task backwards, or out of the processor's own last word (completed,
         * cancelled): nothing changed, a PROCESSOR_REPORT_REFUSED event says so.
         */
        BACKWARDS,
        /** We settled the task ourselves (refused by its API, closed by an operator): a late report changes nothing. */
        STALE,
        /** No task of this processor has that id. */
        NOT_FOUND
    }

    private final JdbcTemplate jdbc;
    private final TransactionOperations transaction;
    private final Processors processors;
    private final Notices notices;
    private final Outbox outbox;
    private final EventLog events;
    private final Lifecycle lifecycle;
    private final MailComposer composer;
    private final MailIntake.Operator operator;
    private final Clock clock;

    /**
     * @param transaction over the store of {@code jdbc}: each report and each close runs in one
     *                    (the caller's, when it has one)
     */
    public ProcessorTasks(JdbcTemplate jdbc, TransactionOperations transaction, Processors processors,
            Notices notices, Outbox outbox, EventLog events, Lifecycle lifecycle, MailComposer composer,
            MailIntake.Operator operator, Clock clock) {
        this.jdbc = jdbc;
        this.transaction = transaction;
        this.processors = processors;
        this.notices = notices;
        this.outbox = outbox;
        this.events = events;
        this.lifecycle = lifecycle;
        this.composer = composer;
        this.operator = operator;
        this.clock = clock;
    }

    public Processors processors() {
        return processors;
    }

    /** The processors a carried-out request must be told of. */
    public List<DataProcessor> receiving(Request r, Set<String> fieldCategories) {
        return processors.receiving(r.type(), fieldCategories);
    }

    /**
     * Opens a task per processor and queues what it is sent, in the caller's transaction (the one that
     * records the execution). Opening twice opens nothing new (one task per request and processor).
     *
     * @param correction for a RECTIFICATION: {@code field} and {@code new_value}
     */
    public int open(Request r, List<DataProcessor> who, SubjectIdentities identities, Map<String, String> correction) {
        Instant now = clock.instant();
        int opened = 0;
        for (DataProcessor p : who) {
            UUID id = UUID.randomUUID();
            int inserted = jdbc.update("insert into processor_task (request_id, processor, kind, subject_request_id,"
                    + " due_at) values (?, ?, ?, ?, ?) on conflict (request_id, processor) do nothing",
                    r.id(), p.name(), p.kind().name(), id, Timestamp.from(now.plus(p.confirmWithin())));
            if (inserted == 0) {
                continue;
            }
            String key = Outbox.PROCESSOR_KEY_PREFIX + r.reference() + ":" + p.name();
            switch (p.kind()) {
                case OPENDSR -> outbox.enqueueHttp(key, r.id(), p.name(), "OpenDSR " + r.type(), id.toString(),
                        notices.openDsr(p, id, r, r.receivedAt(), identities));
                case HTTP -> outbox.enqueueHttp(key, r.id(), p.name(), "HTTP " + r.type(), id.toString(),
                        notices.custom(p, id, r, r.receivedAt(), identities, correction));
                case EMAIL -> outbox.enqueueMail(key, r.id(), notices.mail(p, id, r, r.receivedAt(), identities,
                        correction));
            }
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("processor", p.name());
            details.put("kind", p.kind().name());
            details.put("subjectRequestId", id.toString());
            details.put("dueAt", now.plus(p.confirmWithin()).toString());
            events.append(r.id(), "PROCESSOR_TOLD", ACTOR, details);
            opened++;
        }
        return opened;
    }

    public Optional<Task> byId(UUID subjectRequestId) {
        return jdbc.query("select t.id, t.request_id, r.reference, t.processor, t.subject_request_id, t.status,"
                + " t.due_at from processor_task t join request r on r.id = t.request_id"
                + " where t.subject_request_id = ?", (rs, n) -> task(rs), subjectRequestId).stream().findFirst();
    }

    public List<Task> ofRequest(long requestId) {
        return jdbc.query("select t.id, t.request_id, r.reference, t.processor, t.subject_request_id, t.status,"
                + " t.due_at from processor_task t join request r on r.id = t.request_id"
                + " where t.request_id = ? order by t.id", (rs, n) -> task(rs), requestId);
    }

    private static Task task(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Task(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4),
                rs.getObject(5, UUID.class), TaskStatus.valueOf(rs.getString(6)), rs.getTimestamp(7).toInstant());
    }

    /**
     * The processor reports where it stands ({@code source}: api, callback, poll, mail). Runs in one
     * transaction (the caller's, when it has one); the request row is locked first, so two reports
     * for one request complete it once.
     */
    public Change report(String processor, UUID subjectRequestId, TaskStatus to, String source,
            Map<String, ?> details) {
        return report(processor, subjectRequestId, to, source, details, "-");
    }

    /** @param told what the operator is shown if this report escalates (a refusal's response); never logged */
    private Change report(String processor, UUID subjectRequestId, TaskStatus to, String source,
            Map<String, ?> details, String told) {
        return transaction.execute(s -> apply(processor, subjectRequestId, to, source, details, told));
    }

    private Change apply(String processor, UUID subjectRequestId, TaskStatus to, String source,
            Map<String, ?> details, String told) {
        Optional<Task> found = byId(subjectRequestId).filter(t -> t.processor().equals(processor));
        if (found.isEmpty()) {
            return Change.NOT_FOUND;
        }
        Task t = found.get();
        jdbc.queryForList("select id from request where id = ? for update", t.requestId());
        // Our own reports take turns on the request's lock; the conditional update also holds against
        // any writer that does not (another version of this code, a hand-made fix): when it lost, the
        // task moved meanwhile, so it is read again and the report decided on what it holds now. Each
        // lost round means the task moved forward, which it can do only so many times.
        for (int round = 0; round < TaskStatus.values().length; round++) {
            TaskStatus seen = TaskStatus.valueOf(jdbc.queryForObject(
                    "select status from processor_task where id = ?", String.class, t.id()));
            Change verdict = verdict(seen, to);
            if (verdict == Change.BACKWARDS) {
                refuse(t, seen, to, source);
            }
            if (verdict != Change.CHANGED) {
                return verdict;
            }
            Instant at = clock.instant();
            Optional<DataProcessor> config = processors.byName(processor);
            Timestamp nextPoll = config.filter(p -> !p.pollEvery().isZero() && !to.isFinal())
                    .map(p -> Timestamp.from(at.plus(p.pollEvery()))).orElse(null);
            int moved = jdbc.update("update processor_task set status = ?, last_change_at = ?, next_poll_at = ?"
                    + " where id = ? and status = ?", to.name(), Timestamp.from(at), nextPoll, t.id(), seen.name());
            if (moved == 1) {
                if (details.get("resultsUrl") instanceof String url) {
                    jdbc.update("update processor_task set results_url = ?, results_count = ? where id = ?", url,
                            details.get("resultsCount") instanceof Number n ? n.longValue() : null, t.id());
                }
                changed(t, seen, to, source, details, told);
                return Change.CHANGED;
            }
            LOG.debug("Request {}: the task of processor {} moved from {} while {} was reported; read again",
                    t.reference(), processor, seen, to);
        }
        throw new IllegalStateException("request " + t.reference() + ": the task of processor " + processor
                + " keeps changing under the report of " + to + "; nothing was changed by this report");
    }

    /** What a report of {@code to} does to a task standing at {@code seen}. */
    static Change verdict(TaskStatus seen, TaskStatus to) {
        if (seen == to) {
            return Change.DUPLICATE;
        }
        if (seen == TaskStatus.REFUSED || seen == TaskStatus.CLOSED) {
            return Change.STALE;
        }
        return seen.canMoveTo(to) ? Change.CHANGED : Change.BACKWARDS;
    }

    private void changed(Task t, TaskStatus from, TaskStatus to, String source, Map<String, ?> details,
            String told) {
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("processor", t.processor());
        all.put("subjectRequestId", t.subjectRequestId().toString());
        all.put("from", from.name());
        all.put("to", to.name());
        all.put("source", source);
        all.putAll(details);
        events.append(t.requestId(), "PROCESSOR_" + to.name(), ACTOR, all);
        LOG.info("Request {}: processor {} is now {} ({})", t.reference(), t.processor(), to, source);
        if (to == TaskStatus.COMPLETED) {
            completeIfConfirmed(t.requestId());
        } else if (to == TaskStatus.CANCELLED || to == TaskStatus.REFUSED) {
            escalate(t, to == TaskStatus.CANCELLED ? "cancelled the request" : "refused the request", told);
        }
    }

    /** A report that would move the task backwards: nothing changes, the timeline says so. */
    private void refuse(Task t, TaskStatus standing, TaskStatus reported, String source) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("processor", t.processor());
        details.put("subjectRequestId", t.subjectRequestId().toString());
        details.put("status", standing.name());
        details.put("reported", reported.name());
        details.put("source", source);
        details.put("why", standing.isFinal() ? standing.name() + " is final" : "it would move the task backwards");
        events.append(t.requestId(), "PROCESSOR_REPORT_REFUSED", ACTOR, details);
        LOG.info("Request {}: processor {} reported {} ({}), but its task is already {}: nothing changed",
                t.reference(), t.processor(), reported, source, standing);
    }

    /** Completes the request when every processor has confirmed; its held final reply is released. */
    public boolean completeIfConfirmed(long requestId) {
        Integer open = jdbc.queryForObject("select count(*) from processor_task where request_id = ?"
                + " and status <> 'COMPLETED'", Integer.class, requestId);
        if (open == null || open > 0) {
            return false;
        }
        String reference = jdbc.queryForObject("select reference from request where id = ?", String.class, requestId);
        boolean moved = lifecycle.move(requestId, RequestStatus.AWAITING_PROCESSORS, RequestStatus.COMPLETED,
                "every processor confirmed", ACTOR);
        if (moved) {
            outbox.release("completed:" + reference);
            LOG.info("Request {}: every processor confirmed; completed, final reply released", reference);
        }
        return moved;
    }

    /**
     * An operator closes a request that waits for processors, with a reason: the tasks still open are
     * CLOSED and the final reply goes. Returns false when the request was not waiting for processors.
     */
    public boolean close(long requestId, String reason, String actor) {
        return transaction.execute(s -> closeNow(requestId, reason, actor));
    }

    private boolean closeNow(long requestId, String reason, String actor) {
        jdbc.queryForList("select id from request where id = ? for update", requestId);
        String reference = jdbc.queryForObject("select reference from request where id = ?", String.class, requestId);
        // OpenDSR processors that have not started on it: their requests are cancelled there (§9 allows it
        // while pending). Read from the store, not the processors file: the operator's command has none.
        List<Task> notStarted = jdbc.query("select t.id, t.request_id, r.reference, t.processor, t.subject_request_id,"
                + " t.status, t.due_at from processor_task t join request r on r.id = t.request_id where t.request_id = ?"
                + " and t.kind = 'OPENDSR' and t.status in ('QUEUED', 'SENT', 'PENDING') order by t.id",
                (rs, n) -> task(rs), requestId);
        List<String> open = jdbc.queryForList("update processor_task set status = 'CLOSED', last_change_at = now(),"
                + " next_poll_at = null where request_id = ? and status not in ('COMPLETED', 'CLOSED') returning processor",
                String.class, requestId);
        boolean moved = lifecycle.move(requestId, RequestStatus.AWAITING_PROCESSORS, RequestStatus.COMPLETED,
                "closed by an operator: " + reason, actor, Map.of("openProcessors", open));
        if (!moved) {
            throw new IllegalStateException("request " + reference + " is not waiting for processors: nothing closed");
        }
        notStarted.forEach(this::cancel);
        outbox.release("completed:" + reference);
        return true;
    }

    /**
     * What a message that left moves, in the transaction of its mark: a call the processor's API took
     * ({@link #delivered}), a mail to an email processor ({@link #mailSent}); a text moves nothing.
     *
     * @param answer what the processor's API answered a call ({@link ProcessorClient.Delivered}); null for a
     *        mail or a text
     */
    public void left(Outbox.Item item, Object answer) {
        if (item.isHttp()) {
            if (answer instanceof ProcessorClient.Delivered d) {
                if (!d.settled()) {
                    delivered(item, d.status(), d.details());
                }
            } else {
                delivered(item, 200, Map.of());
            }
        } else if (!item.isSms()) {
            mailSent(item);
        }
    }


    /** Event key of the cancellation sent to a processor for one task. */
    public static String cancelKey(UUID subjectRequestId) {
        return "processor-cancel:" + subjectRequestId;
    }

    /**
     * In the close's transaction: a notice still waiting in the outbox is withdrawn (the processor never
     * hears of the request); one that left, or may have, is followed by a DELETE of the request there.
     */
    private void cancel(Task t) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("processor", t.processor());
        details.put("subjectRequestId", t.subjectRequestId().toString());
        String notice = Outbox.PROCESSOR_KEY_PREFIX + t.reference() + ":" + t.processor();
        if (t.status() == TaskStatus.QUEUED && outbox.withdraw(notice, "withdrawn before it was sent: the request"
                + " was closed by an operator")) {
            events.append(t.requestId(), "PROCESSOR_WITHDRAWN", ACTOR, details);
            LOG.info("Request {}: the notice to processor {} was withdrawn before it was sent (request closed)",
                    t.reference(), t.processor());
            return;
        }
        outbox.enqueueHttp(cancelKey(t.subjectRequestId()), t.requestId(), t.processor(), Notices.OPENDSR_CANCEL,
                t.subjectRequestId().toString(), "");
        events.append(t.requestId(), "PROCESSOR_CANCEL_REQUESTED", ACTOR, details);
        LOG.info("Request {}: processor {} had not started on it; its request there is cancelled (DELETE)",
                t.reference(), t.processor());
    }

    /**
     * The processor answered our cancellation: 2xx (signed, checked by the caller) or 404 (it never had
     * the request) settle it; any other refusal is the operator's (it started meanwhile, most likely).
     */
    public void cancelAnswered(Outbox.Item item, int httpStatus, Map<String, Object> details, String refusal) {
        Optional<Task> found = byId(UUID.fromString(item.mail().messageId()));
        if (found.isEmpty()) {
            return;
        }
        Task t = found.get();
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("processor", t.processor());
        all.put("subjectRequestId", t.subjectRequestId().toString());
        all.put("httpStatus", httpStatus);
        all.putAll(details);
        transaction.executeWithoutResult(s -> {
            if (refusal == null) {
                events.append(t.requestId(), "PROCESSOR_CANCEL_CONFIRMED", ACTOR, all);
                LOG.info("Request {}: processor {} confirmed the cancellation (HTTP {})", t.reference(), t.processor(),
                        httpStatus);
            } else {
                events.append(t.requestId(), "PROCESSOR_CANCEL_REFUSED", ACTOR, all);
                escalate(t, "refused to cancel the request (closed by an operator); it may have started on it",
                        refusal);
            }
        });
    }

    /**
     * The processor's API took the request: OpenDSR waits for its status; a custom API's 2xx confirms.
     *
     * @param details what its answer told us beside the status (an OpenDSR answer's ids and dates), for the timeline
     */
    public Change delivered(Outbox.Item item, int httpStatus, Map<String, Object> details) {
        UUID id = UUID.fromString(item.mail().messageId());
        DataProcessor p = processors.byName(item.mail().recipient()).orElse(null);
        TaskStatus to = p != null && p.kind() == DataProcessor.Kind.HTTP ? TaskStatus.COMPLETED : TaskStatus.SENT;
        Map<String, Object> all = new LinkedHashMap<>(details);
        all.put("httpStatus", httpStatus);
        return report(item.mail().recipient(), id, to, "api", all);
    }

    /** The mail to an email processor left (called by the relay after every sent mail; others are ignored). */
    public void mailSent(Outbox.Item item) {
        if (item.eventKey() == null || !item.eventKey().startsWith(Outbox.PROCESSOR_KEY_PREFIX)) {
            return;
        }
        String processor = item.eventKey().substring(item.eventKey().lastIndexOf(':') + 1);
        try (LogReference ignored = LogReference.of(item.mail().reference())) {
            jdbc.query("select subject_request_id from processor_task where request_id = ? and processor = ?",
                    (rs, n) -> rs.getObject(1, UUID.class), item.requestId(), processor)
                    .forEach(id -> report(processor, id, TaskStatus.SENT, "mail", Map.of()));
        }
    }

    /** The processor's API refused the request for good: no retry, the operator is told with its answer. */
    public Change refused(Outbox.Item item, int httpStatus, String response) {
        return report(item.mail().recipient(), UUID.fromString(item.mail().messageId()), TaskStatus.REFUSED, "api",
                Map.of("httpStatus", httpStatus), "HTTP " + httpStatus + ": " + ellipsis(response));
    }

    /**
     * Every attempt to reach the processor failed (the outbox gave the message up): the operator is told
     * now. The task stays as it is; settling with the processor and closing the request is theirs (the
     * message cannot be resent: the identities it held left the store when it was given up).
     */
    public void undeliverable(Outbox.Item item, String reason) {
        byId(UUID.fromString(item.mail().messageId())).ifPresent(t -> escalate(t,
                "could not be reached: the call was given up after " + item.attempt() + " attempts", reason));
    }

    /**
     * A mail in a request's thread: when it comes from an email processor's address and carries the id
     * we sent it (only the processor got that mail), it is that processor's confirmation.
     */
    @Override
    public void onReply(Request r, ParsedMail mail) {
        if (r.status() != RequestStatus.AWAITING_PROCESSORS) {
            return;
        }
        Optional<DataProcessor> p = processors.byAddress(mail.fromAddress());
        if (p.isEmpty()) {
            return;
        }
        String text = (mail.subject() + "\n" + mail.newText() + "\n" + mail.quotedText()).toLowerCase(Locale.ROOT);
        for (Task t : ofRequest(r.id())) {
            if (t.processor().equals(p.get().name()) && text.contains(t.subjectRequestId().toString())) {
                report(t.processor(), t.subjectRequestId(), TaskStatus.COMPLETED, "mail",
                        Map.of("answer", "a reply from the processor's address carrying our id"));
                return;
            }
        }
        events.append(r.id(), "PROCESSOR_MAIL_UNMATCHED", ACTOR, Map.of("processor", p.get().name(),
                "why", "the reply does not carry the id of our mail to this processor: an operator reads it"));
    }

    /** Tasks whose status is asked now (OpenDSR polling), at most {@code limit}. */
    public List<Task> duePolls(int limit) {
        return jdbc.query("select t.id, t.request_id, r.reference, t.processor, t.subject_request_id, t.status,"
                + " t.due_at from processor_task t join request r on r.id = t.request_id"
                + " where t.next_poll_at <= ? and t.status not in ('COMPLETED', 'REFUSED', 'CLOSED', 'CANCELLED')"
                + " order by t.next_poll_at limit ?", (rs, n) -> task(rs), Timestamp.from(clock.instant()), limit);
    }

    /** The poll of this task was answered or failed: asked again after the processor's interval. */
    public void polled(Task t) {
        processors.byName(t.processor()).filter(p -> !p.pollEvery().isZero()).ifPresent(p -> jdbc.update(
                "update processor_task set next_poll_at = ? where id = ? and next_poll_at is not null",
                Timestamp.from(clock.instant().plus(p.pollEvery())), t.id()));
    }

    /** Tells the operator of each processor silent past its deadline, once per task. Returns how many. */
    public int escalateSilent(int limit) {
        List<Task> late = jdbc.query("select t.id, t.request_id, r.reference, t.processor, t.subject_request_id,"
                + " t.status, t.due_at from processor_task t join request r on r.id = t.request_id"
                + " where t.due_at < ? and t.escalated_at is null and t.status not in ('COMPLETED', 'CLOSED')"
                + " order by t.due_at limit ? for update of t skip locked", (rs, n) -> task(rs),
                Timestamp.from(clock.instant()), limit);
        for (Task t : late) {
            escalate(t, "has not confirmed by its deadline " + t.dueAt(), "last status " + t.status());
        }
        return late.size();
    }

    private void escalate(Task t, String what, String details) {
        jdbc.update("update processor_task set escalated_at = ? where id = ?", Timestamp.from(clock.instant()), t.id());
        Map<String, String> v = new LinkedHashMap<>();
        v.put("processor", t.processor());
        v.put("what", what);
        v.put("details", details);
        v.put("subjectRequestId", t.subjectRequestId().toString());
        OutgoingMail mail = composer.notice("processor-escalation", operator.language(), v, operator.address(),
                t.reference(), null);
        outbox.enqueueMail("processor-escalation:" + t.subjectRequestId() + ":" + Integer.toHexString(what.hashCode()),
                t.requestId(), mail);
        events.append(t.requestId(), "PROCESSOR_ESCALATED", ACTOR, Map.of("processor", t.processor(), "why", what));
        LOG.warn("Request {}: processor {} {}. The operator ({}) was told; close the request with"
                + " `requests close {} --reason ...` once it is settled.", t.reference(), t.processor(), what,
                operator.address(), t.reference());
    }

    private static String ellipsis(String s) {
        if (s == null) {
            return "";
        }
        return s.length() <= 500 ? s : s.substring(0, 500) + "…";
    }
}
