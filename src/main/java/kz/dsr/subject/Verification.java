package kz.dsr.subject;

import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import kz.dsr.execute.KeyedHash;
import kz.dsr.intake.ParsedMail;
import kz.dsr.intake.ThreadReplies;
import kz.dsr.request.Lifecycle;
import kz.dsr.request.RequestStatus;
import kz.dsr.request.RequestType;
import kz.dsr.store.EventLog;
import kz.dsr.store.RequestStore.Request;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Makes sure a request comes from the account holder before anything is deleted, changed or shown.
 *
 * <p>A one-time code — 6 digits from SecureRandom, stored only as a keyed hash bound to the request,
 * single use, valid for a configured time, at most a configured number of tries — goes to the
 * subject's <em>registered</em> e-mail address, or by SMS to the registered phone for phone-only
 * accounts. The person sends it back by replying to our mail; intake's threading brings the reply
 * here ({@link #onReply}). A code is never sent to the address a request came from unless that is
 * the registered one, so a forged From: gets nowhere.
 *
 * <p>Risk tiers per request type (config): {@code code} (default), {@code sender} (enough when the
 * request came from exactly the registered e-mail address — the default for MARKETING_OPT_OUT),
 * {@code review} (an operator decides).
 */
public final class Verification implements ThreadReplies {

    /** How a request type is verified. */
    public enum Tier {
        CODE, SENDER, REVIEW
    }

    /** Where codes and replies go: implemented by {@link Replies}. */
    public interface Messages {
        /** The neutral "if an account is registered to the details you gave, we sent a code" reply. */
        void codeSentReply(Request r);

        void codeByMail(Request r, String registeredEmail, String code, Instant expires);

        void codeBySms(Request r, String registeredPhone, String code, Instant expires);

        void wrongCode(Request r, int triesLeft);

        void expired(Request r, String why);

        void askOperator(Request r, String why);
    }

    /** The registered contact details of a subject, read from the application database. */
    public record Registered(Optional<String> email, Optional<String> phone) {
    }

    /** Six digits standing alone: not part of a longer number, a phone, or our reference DSR-2026-000123. */
    private static final Pattern CODE = Pattern.compile("(?<![\\d-])(\\d{6})(?![\\d-])");
    private static final String ACTOR = "verification";

    private final JdbcTemplate store;
    private final Lifecycle lifecycle;
    private final EventLog events;
    private final Messages messages;
    private final KeyedHash hash;
    private final Clock clock;
    private final Duration validity;
    private final int maxTries;
    private final Map<RequestType, Tier> tiers;
    private final SecureRandom random = new SecureRandom();

    public Verification(JdbcTemplate store, Lifecycle lifecycle, EventLog events, Messages messages, KeyedHash hash,
            Clock clock, Duration validity, int maxTries, Map<RequestType, Tier> tiers) {
        this.store = store;
        this.lifecycle = lifecycle;
        this.events = events;
        this.messages = messages;
        this.hash = hash;
        this.clock = clock;
        this.validity = validity;
        this.maxTries = maxTries;
        this.tiers = Map.copyOf(tiers);
    }

    public Tier tier(RequestType type) {
        return tiers.getOrDefault(type, Tier.CODE);
    }

    /** A MATCHED request: verified at once, sent for review, or given a code (AWAITING_VERIFICATION). */
    public void start(Request r, Registered registered) {
        Tier tier = tier(r.type());
        if (tier == Tier.REVIEW) {
            lifecycle.move(r.id(), RequestStatus.MATCHED, RequestStatus.NEEDS_REVIEW, "risk tier review", ACTOR);
            messages.askOperator(r, "the " + r.type() + " tier is set to review");
            return;
        }
        if (tier == Tier.SENDER && r.requesterEmail() != null && registered.email().isPresent()
                && registered.email().get().equalsIgnoreCase(r.requesterEmail())) {
            lifecycle.move(r.id(), RequestStatus.MATCHED, RequestStatus.VERIFIED,
                    "sent from the registered e-mail address (risk tier sender)", ACTOR);
            return;
        }
        if (registered.email().isEmpty() && registered.phone().isEmpty()) {
            lifecycle.move(r.id(), RequestStatus.MATCHED, RequestStatus.NEEDS_REVIEW,
                    "the account has no registered e-mail or phone to send a code to", ACTOR);
            messages.askOperator(r, "the account has no registered e-mail or phone to send a code to");
            return;
        }
        String code = String.format("%06d", random.nextInt(1_000_000));
        Instant expires = clock.instant().plus(validity);
        String channel = registered.email().isPresent() ? "MAIL" : "SMS";
        store.update("insert into verification_code (request_id, code_hash, channel, expires_at) values (?, ?, ?, ?)",
                r.id(), codeHash(r.id(), code), channel, Timestamp.from(expires));
        if (channel.equals("MAIL")) {
            messages.codeByMail(r, registered.email().get(), code, expires);
        } else {
            messages.codeBySms(r, registered.phone().get(), code, expires);
        }
        messages.codeSentReply(r);
        lifecycle.move(r.id(), RequestStatus.MATCHED, RequestStatus.AWAITING_VERIFICATION,
                "one-time code sent to the registered " + (channel.equals("MAIL") ? "e-mail address" : "phone"), ACTOR,
                Map.of("channel", channel, "expiresAt", expires.toString()));
    }

    /**
     * A reply in the request's thread, in the intake transaction: when the request waits for its
     * code, the 6-digit numbers in the reply are tried against it (each wrong reply counts one try).
     */
    @Override
    public void onReply(Request r, ParsedMail mail) {
        if (r.status() != RequestStatus.AWAITING_VERIFICATION) {
            return;
        }
        Set<String> candidates = new LinkedHashSet<>();
        for (String text : List.of(mail.newText(), mail.subject())) {
            Matcher m = CODE.matcher(text == null ? "" : text);
            while (m.find()) {
                candidates.add(m.group(1));
            }
        }
        if (candidates.isEmpty()) {
            events.append(r.id(), "REPLY_WITHOUT_CODE", ACTOR, Map.of());
            return;
        }
        List<Map<String, Object>> rows = store.queryForList("select id, code_hash, expires_at, attempts, used_at"
                + " from verification_code where request_id = ? order by id desc limit 1 for update", r.id());
        if (rows.isEmpty() || rows.get(0).get("used_at") != null) {
            events.append(r.id(), "VERIFICATION_FAILED", ACTOR, Map.of("reason", "no active code"));
            return;
        }
        Map<String, Object> code = rows.get(0);
        long codeId = ((Number) code.get("id")).longValue();
        if (((Timestamp) code.get("expires_at")).toInstant().isBefore(clock.instant())) {
            expire(r, "the code expired before it was used");
            return;
        }
        for (String candidate : candidates) {
            if (hash.matches(codeInput(r.id(), candidate), (String) code.get("code_hash"))) {
                store.update("update verification_code set used_at = now() where id = ?", codeId);
                lifecycle.move(r.id(), RequestStatus.AWAITING_VERIFICATION, RequestStatus.VERIFIED,
                        "the one-time code was sent back", ACTOR);
                return;
            }
        }
        int attempts = ((Number) code.get("attempts")).intValue() + 1;
        store.update("update verification_code set attempts = ? where id = ?", attempts, codeId);
        if (attempts >= maxTries) {
            store.update("update verification_code set used_at = now() where id = ?", codeId);
            expire(r, maxTries + " wrong codes");
        } else {
            events.append(r.id(), "VERIFICATION_FAILED", ACTOR, Map.of("reason", "wrong code", "triesLeft",
                    maxTries - attempts));
            messages.wrongCode(r, maxTries - attempts);
        }
    }

    /** Requests whose code has expired unused (for the timer that closes them). */
    public List<Long> expiredWaiting() {
        return store.queryForList("select r.id from request r where r.status = 'AWAITING_VERIFICATION' and not exists"
                + " (select 1 from verification_code c where c.request_id = r.id and c.used_at is null and c.expires_at > ?)",
                Long.class, Timestamp.from(clock.instant()));
    }

    public void expire(Request r, String why) {
        if (lifecycle.move(r.id(), RequestStatus.AWAITING_VERIFICATION, RequestStatus.EXPIRED, why, ACTOR)) {
            messages.expired(r, why);
        }
    }

    private String codeHash(long requestId, String code) {
        return hash.hash(codeInput(requestId, code));
    }

    /** What is hashed: bound to the request, so a code sent for one request never verifies another. */
    private static String codeInput(long requestId, String code) {
        return "verification:" + requestId + ":" + code;
    }
}
