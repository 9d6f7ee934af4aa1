package kz.dsr.store;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import kz.dsr.notify.OutgoingMail;
import kz.dsr.request.LogReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The transactional outbox. A message is written in the transaction of the event that causes it
 * (one message per event key), then taken by the relay, sent, and marked sent once.
 */
public final class Outbox {

    private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);

    /** An outbox row taken for sending: a mail, or (channel SMS) a text to {@code mail.recipient()}. */
    public record Item(long id, int attempt, Long requestId, String channel, String eventKey, OutgoingMail mail) {

        public boolean isSms() {
            return "SMS".equals(channel);
        }

        /** A call to a processor's API: {@code mail.recipient()} names the processor, the body is the JSON. */
        public boolean isHttp() {
            return "HTTP".equals(channel);
        }
    }

    /** How retries are spaced and when they stop. */
    public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration lease) {
    }

    private final JdbcTemplate jdbc;
    private final DeadLetters deadLetters;
    private final RetryPolicy retry;

    public Outbox(JdbcTemplate jdbc, DeadLetters deadLetters, RetryPolicy retry) {
        this.jdbc = jdbc;
        this.deadLetters = deadLetters;
        this.retry = retry;
    }

    /** Queues a mail for the event; a second call with the same event key changes nothing. */
    public boolean enqueueMail(String eventKey, Long requestId, OutgoingMail mail) {
        return jdbc.update("insert into outbox (channel, event_key, request_id, recipient, subject, body, message_id, "
                        + "in_reply_to, references_ids, attachments) values ('MAIL', ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                        + "on conflict (event_key) do nothing",
                eventKey, requestId, mail.recipient(), mail.subject(), mail.body(), mail.messageId(),
                mail.inReplyTo(), String.join(" ", mail.references()), Json.write(mail.attachments())) == 1;
    }

    /** Queues a text message (SMS) for the event; a second call with the same event key changes nothing. */
    public boolean enqueueSms(String eventKey, Long requestId, String phone, String text) {
        return jdbc.update("insert into outbox (channel, event_key, request_id, recipient, subject, body, message_id) "
                        + "values ('SMS', ?, ?, ?, '', ?, ?) on conflict (event_key) do nothing",
                eventKey, requestId, phone, text, "sms:" + eventKey) == 1;
    }

    /**
     * Queues a call to a processor's API (channel HTTP): its name, the JSON body, and the idempotency key
     * every attempt carries (kept in message_id). A second call with the same event key changes nothing.
     */
    public boolean enqueueHttp(String eventKey, Long requestId, String processor, String description,
            String idempotencyKey, String json) {
        return jdbc.update("insert into outbox (channel, event_key, request_id, recipient, subject, body, message_id) "
                        + "values ('HTTP', ?, ?, ?, ?, ?, ?) on conflict (event_key) do nothing",
                eventKey, requestId, processor, description, json, idempotencyKey) == 1;
    }

    /**
     * Withdraws a message that has not been taken yet (PENDING or HELD): it is never sent, its body (the
     * identities it held) is blanked, and the reason kept. Returns false when it was taken or sent
     * already — then its receiver has it, or may have it.
     */
    public boolean withdraw(String eventKey, String reason) {
        return jdbc.update("update outbox set status = 'FAILED', body = '', last_error = ? where event_key = ?"
                + " and status in ('PENDING', 'HELD')", reason, eventKey) == 1;
    }

    /** Holds a queued message until {@link #release}: the relay does not see it meanwhile. */
    public void hold(String eventKey) {
        jdbc.update("update outbox set status = 'HELD' where event_key = ? and status = 'PENDING'", eventKey);
    }

    /** Lets a held message go (it is sent on the relay's next run). */
    public boolean release(String eventKey) {
        return jdbc.update("update outbox set status = 'PENDING', next_attempt_at = now() where event_key = ?"
                + " and status = 'HELD'", eventKey) == 1;
    }

    /**
     * Takes up to {@code limit} due messages for this node. A taken message is leased: if the node dies
     * before marking it, it becomes due again when the lease ends. SKIP LOCKED lets nodes share the work.
     */
    private static List<OutgoingMail.Attachment> attachments(String json) {
        try {
            return List.of(Json.mapper().readValue(json == null ? "[]" : json, OutgoingMail.Attachment[].class));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("outbox attachments are not readable JSON", e);
        }
    }

    public List<Item> takeDue(int limit) {
        return jdbc.query("update outbox set status = 'SENDING', attempts = attempts + 1, "
                        + "next_attempt_at = now() + make_interval(secs => ?) "
                        + "where id in (select id from outbox where status in ('PENDING', 'SENDING') "
                        + "and next_attempt_at <= now() order by id limit ? for update skip locked) "
                        + "returning id, attempts, request_id, recipient, subject, body, message_id, in_reply_to, "
                        + "references_ids, (select reference from request r where r.id = outbox.request_id), channel, "
                        + "attachments, event_key",
                (rs, n) -> new Item(rs.getLong(1), rs.getInt(2), (Long) rs.getObject(3), rs.getString(11), rs.getString(13),
                        new OutgoingMail(rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7),
                                rs.getString(8), splitIds(rs.getString(9)), rs.getString(10),
                                attachments(rs.getString(12)))),
                retry.lease().toSeconds(), limit);
    }

    /** Event keys of messages that carry a one-time code: their text is removed once they end. */
    public static final String CODE_KEY_PREFIX = "code:";
    /** Event keys of messages to processors: they carry identities, removed once they end. */
    public static final String PROCESSOR_KEY_PREFIX = "processor:";

    public void markSent(long id) {
        end(id, "SENT", null);
    }

    /**
     * Ends a message, sent or given up: the one place an outbox row becomes SENT or FAILED, so a code
     * or a processor's identities leave the store however the message ended.
     */
    private void end(long id, String status, String error) {
        jdbc.update("update outbox set status = ?, sent_at = case when ? then now() else sent_at end,"
                + " last_error = ?, " + SensitiveMessages.SQL_REMOVE_CONTENT + " where id = ?",
                status, "SENT".equals(status), error, id);
    }

    /** Gives a message up for good: FAILED, and a dead letter for the operator. */
    private void fail(Item item, String storedError) {
        end(item.id(), "FAILED", storedError);
        deadLetters.record("outbox", "outbox:" + item.id(), storedError, null);
    }

    /**
     * The error as stored (last_error, dead letter) and shown for this message: for a message carrying
     * a code or identities, without any of them the error may quote.
     */
    public String errorText(Item item, Throwable error) {
        return errorText(item, ErrorText.full(error));
    }

    private static String errorText(Item item, String error) {
        return SensitiveMessages.errorText(item.eventKey(), item.mail().body(), item.mail().recipient(), error);
    }

    /**
     * Schedules the next attempt with exponential backoff and jitter, or gives up after the last
     * attempt, or at once when the error is a {@link PermanentFailure}: the message is marked FAILED and a
     * dead letter tells the operator. Returns whether it gave up.
     */
    public boolean attemptFailed(Item item, Throwable error) {
        try (LogReference ignored = LogReference.of(item.mail().reference())) {
            return retryOrGiveUp(item, error);
        }
    }

    private boolean retryOrGiveUp(Item item, Throwable error) {
        String reason = errorText(item, error);
        if (isPermanent(error)) {
            // Refused for good (an SMTP 5xx to the recipient, say): every further attempt gets the same answer.
            fail(item, reason);
            LOG.error("Outbox message {} (request {}, {}) was refused for good on attempt {}: {}. It is not retried;"
                    + " it is in dsr.dead_letter. Check the address with the requester or answer another way{}.",
                    item.id(), item.mail().reference(), item.channel(), item.attempt(), ErrorText.forLog(reason),
                    SensitiveMessages.isSensitive(item.eventKey()) ? " (its text, a code or identities, was removed)"
                            : ", then set its status back to PENDING to resend");
            return true;
        }
        if (item.attempt() >= retry.maxAttempts()) {
            fail(item, reason);
            LOG.error("Outbox message {} (request {}, {}) given up after {} attempts: {}. It is in dsr.dead_letter;"
                    + " fix the cause ({}) and {}.",
                    item.id(), item.mail().reference(), item.channel(), item.attempt(), ErrorText.forLog(reason),
                    item.isHttp() ? "the processor's URL, auth or availability" : item.isSms()
                            ? "the SMS gateway settings" : "the SMTP settings", SensitiveMessages.isSensitive(
                            item.eventKey()) ? "settle the request without it: its text (a code or identities)"
                            + " was removed, so it cannot be resent" : "set its status back to PENDING to resend");
            return true;
        }
        long delay = backoffSeconds(item.attempt());
        // Only while still taken: a row another node ended meanwhile (its lease ran out) stays ended.
        jdbc.update("update outbox set status = 'PENDING', last_error = ?, "
                + "next_attempt_at = now() + make_interval(secs => ?) where id = ? and status = 'SENDING'",
                reason, delay, item.id());
        LOG.warn("Outbox message {} (request {}) attempt {} failed: {}. Next attempt in {} s.",
                item.id(), item.mail().reference(), item.attempt(), ErrorText.forLog(reason), delay);
        return false;
    }

    /**
     * Gives up at once, without retrying: the receiver refused the message for good (a 4xx answer).
     * A dead letter keeps the reason; the caller tells the operator.
     */
    public void giveUp(Item item, String reason) {
        fail(item, errorText(item, reason));
    }

    /**
     * Puts a message back without counting the attempt (its receiver's circuit is open: it was not
     * tried), due again in {@code seconds}.
     */
    public void postpone(Item item, long seconds, String reason) {
        jdbc.update("update outbox set status = 'PENDING', attempts = greatest(attempts - 1, 0), last_error = ?, "
                + "next_attempt_at = now() + make_interval(secs => ?) where id = ? and status = 'SENDING'",
                errorText(item, reason), seconds, item.id());
    }

    /** Whether the error, or what it wraps, is a refusal that trying again cannot change. */
    private static boolean isPermanent(Throwable error) {
        return ErrorText.cause(error, PermanentFailure.class).isPresent();
    }

    long backoffSeconds(int attempt) {
        long base = retry.initialBackoff().toSeconds() << Math.min(attempt - 1, 20);
        long capped = Math.min(base, retry.maxBackoff().toSeconds());
        // Full jitter on the upper half: nodes retrying the same server spread out.
        return capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1);
    }

    private static List<String> splitIds(String ids) {
        return ids == null || ids.isBlank() ? List.of() : Arrays.asList(ids.trim().split("\\s+"));
    }
}
