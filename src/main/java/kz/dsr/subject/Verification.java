package kz.dsr.subject;

import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
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
 * accounts. The person sends it back by replying to one of our mails about the request. What an
 * outsider can do about it is bounded on every side:
 * <ul>
 *   <li>a reply counts only when it answers one of our mails about this request (its In-Reply-To or
 *       References name our random Message-ID) and comes from the address that mail went to; the
 *       public reference in a subject grants nothing;</li>
 *   <li>a reply is one try, with one candidate code in it, however many numbers it carries;</li>
 *   <li>per account, at most a configured number of verifications are open and codes sent a day;
 *       past that a request waits for an operator, so nobody can make a victim's phone ring all night;</li>
 *   <li>the person writing cannot tell whether an account exists: a request whose account is unknown,
 *       ambiguous or held waits for a code that was never sent ({@link Purpose#DECOY}), with the same
 *       replies, the same wrong-code answers and the same expiry as a real one.</li>
 * </ul>
 * When a request would change where codes go (a new registered e-mail or phone), or send data to an
 * address the account does not have (the export of a phone-only account), that address proves itself
 * with a second code sent to it ({@link Purpose#ADDRESS}) before the request is VERIFIED.
 *
 * <p>Risk tiers per request type (config): {@code code} (default), {@code sender} (enough when the
 * request came from exactly the registered e-mail address — the default for MARKETING_OPT_OUT),
 * {@code review} (an operator looks before any code goes out).
 */
public final class Verification implements ThreadReplies {

    /** How a request type is verified. */
    public enum Tier {
        CODE, SENDER, REVIEW
    }

    /** What a code proves when it comes back. */
    public enum Purpose {
        /** sent to the account's registered e-mail or phone: the account holder asked. */
        SUBJECT,
        /** sent to an address the account does not have yet: that address is the person's. */
        ADDRESS,
        /** never sent: nothing can prove it, and the request expires like any other. */
        DECOY
    }

    /** How a code reaches an address. */
    public enum Channel {
        MAIL, SMS
    }

    /** Where codes and replies go: implemented by {@code Replies}. */
    public interface Messages {
        /** The neutral "if an account is registered to the details you gave, we sent a code" reply. */
        void codeSentReply(Request r);

        /**
         * A code by mail under the outbox key {@code key}; {@code toNewAddress}: the address is not the
         * account's registered one (a new e-mail to confirm, or where an export would go).
         */
        void codeByMail(Request r, String key, String to, String code, Instant expires, boolean toNewAddress);

        void codeBySms(Request r, String key, String to, String code, Instant expires);

        /** The answer to a wrong code, to the address that sent it. */
        void wrongCode(Request r, int triesLeft, String to);

        void expired(Request r, String why);

        void askOperator(Request r, String why);
    }

    /** The registered contact details of a subject, read from the application database. */
    public record Registered(Optional<String> email, Optional<String> phone) {
    }

    /** An address a request must prove, beyond the account holder's consent, before it goes on. */
    public record Target(Channel channel, String address, String why) {
    }

    /** Which address a verified request must still prove (implemented by {@link AddressProof}). */
    public interface ProofNeeded {
        /** Empty when the account holder's code is enough. */
        Optional<Target> after(Request r);

        /** True when the request changes a registered e-mail or phone: never verified by the sender tier. */
        boolean changesIdentity(Request r);

        ProofNeeded NONE = new ProofNeeded() {
            @Override
            public Optional<Target> after(Request r) {
                return Optional.empty();
            }

            @Override
            public boolean changesIdentity(Request r) {
                return false;
            }
        };
    }

    /** Per-account bounds: open verifications at once, and codes sent to its registered contact a day. */
    public record Limits(int openPerSubject, int codesPerSubjectPerDay) {
    }

    /** Six digits standing alone: not part of a longer number, a phone, or our reference DSR-2026-000123. */
    private static final Pattern CODE = Pattern.compile("(?<![\\d-])(\\d{6})(?![\\d-])");
    /** A line that holds a code and nothing else but punctuation and spaces. */
    private static final Pattern CODE_LINE = Pattern.compile("^[\\s\\p{Punct}«»]*(\\d{6})[\\s\\p{Punct}«»]*$");
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
    private final Limits limits;
    private final ProofNeeded proof;
    private final SecureRandom random = new SecureRandom();

    public Verification(JdbcTemplate store, Lifecycle lifecycle, EventLog events, Messages messages, KeyedHash hash,
            Clock clock, Duration validity, int maxTries, Map<RequestType, Tier> tiers, Limits limits,
            ProofNeeded proof) {
        this.store = store;
        this.lifecycle = lifecycle;
        this.events = events;
        this.messages = messages;
        this.hash = hash;
        this.clock = clock;
        this.validity = validity;
        this.maxTries = maxTries;
        this.tiers = Map.copyOf(tiers);
        this.limits = limits;
        this.proof = proof;
    }

    public Tier tier(RequestType type) {
        return tiers.getOrDefault(type, Tier.CODE);
    }

    /**
     * A MATCHED request: verified at once (sender tier), given a code (AWAITING_VERIFICATION), or —
     * when the account has no contact to send a code to or has had too many codes — waiting for a code
     * that is never sent while an operator is asked. {@code byOperator}: an operator named the account
     * after looking at the request, so the review tier and the per-account limits are behind it.
     */
    public void start(Request r, Registered registered, boolean byOperator) {
        Tier tier = tier(r.type());
        if (tier == Tier.REVIEW && !byOperator) {
            lifecycle.move(r.id(), RequestStatus.MATCHED, RequestStatus.NEEDS_REVIEW, "risk tier review", ACTOR);
            messages.askOperator(r, "the " + r.type() + " tier is set to review");
            return;
        }
        if (tier == Tier.SENDER && !proof.changesIdentity(r) && r.requesterEmail() != null
                && registered.email().isPresent() && registered.email().get().equalsIgnoreCase(r.requesterEmail())) {
            lifecycle.move(r.id(), RequestStatus.MATCHED, RequestStatus.VERIFIED,
                    "sent from the registered e-mail address (risk tier sender)", ACTOR);
            return;
        }
        if (registered.email().isEmpty() && registered.phone().isEmpty()) {
            withoutCode(r, RequestStatus.MATCHED, "the account has no registered e-mail or phone to send a code to",
                    true);
            return;
        }
        if (!byOperator) {
            Optional<String> over = overLimit(r);
            if (over.isPresent()) {
                withoutCode(r, RequestStatus.MATCHED, over.get(), true);
                return;
            }
        }
        Channel channel = registered.email().isPresent() ? Channel.MAIL : Channel.SMS;
        String to = channel == Channel.MAIL ? registered.email().get() : registered.phone().get();
        Instant expires = sendCode(r, Purpose.SUBJECT, channel, to);
        messages.codeSentReply(r);
        lifecycle.move(r.id(), RequestStatus.MATCHED, RequestStatus.AWAITING_VERIFICATION,
                "one-time code sent to the registered " + (channel == Channel.MAIL ? "e-mail address" : "phone"), ACTOR,
                Map.of("channel", channel.name(), "expiresAt", expires.toString()));
    }

    /**
     * The request waits for a code like any other, but none was sent: no account matches, several do,
     * the account has no contact, or it had too many codes. The person writing sees exactly what they
     * would see had a code gone out; {@code askOperator}: an operator is told why and may send a code
     * ({@code requests approve REF --subject KEY}).
     */
    public void withoutCode(Request r, RequestStatus from, String why, boolean askOperator) {
        Instant expires = clock.instant().plus(validity);
        store.update("insert into verification_code (request_id, code_hash, channel, expires_at, purpose, created_at)"
                + " values (?, ?, 'NONE', ?, 'DECOY', ?)", r.id(), hash.hash("decoy:" + UUID.randomUUID()),
                Timestamp.from(expires), Timestamp.from(clock.instant()));
        messages.codeSentReply(r);
        lifecycle.move(r.id(), from, RequestStatus.AWAITING_VERIFICATION, "no code sent: " + why, ACTOR,
                Map.of("codeSent", false, "operatorAsked", askOperator, "expiresAt", expires.toString()));
        if (askOperator) {
            messages.askOperator(r, why + "; no code was sent. To send one, name the account:"
                    + " requests approve " + r.reference() + " --subject KEY");
        }
    }

    /** Why this request's account may not get another code now, if it may not. */
    private Optional<String> overLimit(Request r) {
        Optional<String> subject = store.query("select subject_ref from request where id = ?",
                (rs, n) -> rs.getString(1), r.id()).stream().filter(java.util.Objects::nonNull).findFirst();
        if (subject.isEmpty()) {
            return Optional.empty();
        }
        // Two nodes starting verifications for one account take turns, so neither counts past the limit.
        store.query("select pg_advisory_xact_lock(hashtext(?))", (rs, n) -> 0, "dsr-verification:" + subject.get());
        Instant now = clock.instant();
        Integer open = store.queryForObject("select count(*) from request r where r.subject_ref = ? and r.id <> ?"
                + " and r.status = 'AWAITING_VERIFICATION' and exists (select 1 from verification_code c where"
                + " c.request_id = r.id and c.purpose = 'SUBJECT' and c.used_at is null and c.expires_at > ?)",
                Integer.class, subject.get(), r.id(), Timestamp.from(now));
        if (open != null && open >= limits.openPerSubject()) {
            return Optional.of("the account already has " + open + " verification(s) open (limit "
                    + limits.openPerSubject() + " per account)");
        }
        Integer today = store.queryForObject("select count(*) from verification_code c join request r on"
                + " r.id = c.request_id where r.subject_ref = ? and c.purpose = 'SUBJECT' and c.created_at > ?",
                Integer.class, subject.get(), Timestamp.from(now.minus(Duration.ofDays(1))));
        if (today != null && today >= limits.codesPerSubjectPerDay()) {
            return Optional.of("the account was sent " + today + " code(s) in the last 24 hours (limit "
                    + limits.codesPerSubjectPerDay() + " per account)");
        }
        return Optional.empty();
    }

    /** Stores the hash of a new code and queues it; returns when it expires. */
    private Instant sendCode(Request r, Purpose purpose, Channel channel, String to) {
        String code = String.format("%06d", random.nextInt(1_000_000));
        Instant now = clock.instant();
        Instant expires = now.plus(validity);
        Long id = store.queryForObject("insert into verification_code (request_id, code_hash, channel, expires_at,"
                + " purpose, target_hash, created_at) values (?, ?, ?, ?, ?, ?, ?) returning id", Long.class,
                r.id(), codeHash(r.id(), code), channel.name(), Timestamp.from(expires), purpose.name(),
                purpose == Purpose.ADDRESS ? addressHash(to) : null, Timestamp.from(now));
        String key = purpose == Purpose.SUBJECT ? kz.dsr.store.Outbox.CODE_KEY_PREFIX + r.reference()
                : kz.dsr.store.Outbox.CODE_KEY_PREFIX + r.reference() + ":" + id;
        if (channel == Channel.MAIL) {
            messages.codeByMail(r, key, to, code, expires, purpose == Purpose.ADDRESS);
        } else {
            messages.codeBySms(r, key, to, code, expires);
        }
        return expires;
    }

    /**
     * A reply in the request's thread, in the intake transaction. It is one try at the code waiting for
     * this request when it answers one of our mails about the request and comes from the address that
     * mail went to; anything else is recorded and changes nothing.
     */
    @Override
    public void onReply(Request r, ParsedMail mail) {
        if (r.status() != RequestStatus.AWAITING_VERIFICATION) {
            return;
        }
        Set<String> wroteTo = addressesAnswered(r, mail);
        if (wroteTo.isEmpty()) {
            events.append(r.id(), "REPLY_NOT_COUNTED", ACTOR, Map.of("why",
                    "not an answer to one of our mails about this request (a reference in the subject is not enough)"));
            return;
        }
        String from = mail.fromAddress() == null ? null : mail.fromAddress().toLowerCase(Locale.ROOT);
        if (from == null || !wroteTo.contains(from)) {
            events.append(r.id(), "REPLY_NOT_COUNTED", ACTOR, Map.of("why",
                    "sent from an address our mail about this request did not go to"));
            return;
        }
        Optional<String> candidate = candidate(mail);
        if (candidate.isEmpty()) {
            events.append(r.id(), "REPLY_WITHOUT_CODE", ACTOR, Map.of());
            return;
        }
        List<Map<String, Object>> rows = store.queryForList("select id, code_hash, expires_at, attempts, used_at,"
                + " purpose from verification_code where request_id = ? order by id desc limit 1 for update", r.id());
        if (rows.isEmpty() || rows.get(0).get("used_at") != null) {
            events.append(r.id(), "VERIFICATION_FAILED", ACTOR, Map.of("reason", "no active code"));
            return;
        }
        Map<String, Object> code = rows.get(0);
        long codeId = ((Number) code.get("id")).longValue();
        Purpose purpose = Purpose.valueOf((String) code.get("purpose"));
        if (((Timestamp) code.get("expires_at")).toInstant().isBefore(clock.instant())) {
            expire(r, "the code expired before it was used");
            return;
        }
        if (purpose != Purpose.DECOY && hash.matches(codeInput(r.id(), candidate.get()), (String) code.get("code_hash"))) {
            store.update("update verification_code set used_at = ?, confirmed_at = ? where id = ?",
                    Timestamp.from(clock.instant()), Timestamp.from(clock.instant()), codeId);
            proved(r, purpose);
            return;
        }
        int attempts = ((Number) code.get("attempts")).intValue() + 1;
        store.update("update verification_code set attempts = ? where id = ?", attempts, codeId);
        if (attempts >= maxTries) {
            store.update("update verification_code set used_at = ? where id = ?", Timestamp.from(clock.instant()),
                    codeId);
            expire(r, maxTries + " wrong codes");
        } else {
            events.append(r.id(), "VERIFICATION_FAILED", ACTOR, Map.of("reason", "wrong code", "triesLeft",
                    maxTries - attempts));
            messages.wrongCode(r, maxTries - attempts, from);
        }
    }

    /** A code came back: the request is VERIFIED, or first proves the address it would use next. */
    private void proved(Request r, Purpose purpose) {
        if (purpose == Purpose.SUBJECT) {
            Optional<Target> next = proof.after(r);
            if (next.isPresent()) {
                Target t = next.get();
                Instant expires = sendCode(r, Purpose.ADDRESS, t.channel(), t.address());
                events.append(r.id(), "ACCOUNT_HOLDER_CONFIRMED", ACTOR, Map.of("next",
                        "a code went to the " + (t.channel() == Channel.MAIL ? "e-mail address" : "phone") + " "
                                + t.why() + "; it must come back too", "expiresAt", expires.toString()));
                return;
            }
        }
        lifecycle.move(r.id(), RequestStatus.AWAITING_VERIFICATION, RequestStatus.VERIFIED,
                purpose == Purpose.SUBJECT ? "the one-time code was sent back"
                        : "the account holder's code and the code sent to the new address both came back", ACTOR);
    }

    /** True when a code sent to {@code address} for this request came back. */
    public boolean proven(long requestId, String address) {
        if (address == null) {
            return false;
        }
        Integer n = store.queryForObject("select count(*) from verification_code where request_id = ? and purpose ="
                + " 'ADDRESS' and confirmed_at is not null and target_hash = ?", Integer.class, requestId,
                addressHash(address));
        return n != null && n > 0;
    }

    /**
     * The addresses of our mails about this request that the reply answers (In-Reply-To or References
     * name their Message-ID, which is random and known only to whoever received the mail).
     */
    private Set<String> addressesAnswered(Request r, ParsedMail mail) {
        List<String> ids = new ArrayList<>(mail.references());
        if (mail.inReplyTo() != null) {
            ids.add(mail.inReplyTo());
        }
        if (ids.isEmpty()) {
            return Set.of();
        }
        return new HashSet<>(store.queryForList("select distinct lower(recipient) from outbox where request_id = ?"
                + " and channel = 'MAIL' and message_id = any (?)", String.class, r.id(), ids.toArray(new String[0])));
    }

    /**
     * The one code a reply offers: a code on a line of its own, else the first six-digit number of the
     * new text, else of the subject. A reply full of numbers is still one try.
     */
    static Optional<String> candidate(ParsedMail mail) {
        String text = mail.newText() == null ? "" : mail.newText();
        for (String line : text.split("\n", 200)) {
            Matcher m = CODE_LINE.matcher(line);
            if (m.matches()) {
                return Optional.of(m.group(1));
            }
        }
        for (String t : List.of(text, mail.subject() == null ? "" : mail.subject())) {
            Matcher m = CODE.matcher(t);
            if (m.find()) {
                return Optional.of(m.group(1));
            }
        }
        return Optional.empty();
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

    private String addressHash(String address) {
        return hash.hash("address:" + address.strip().toLowerCase(Locale.ROOT));
    }
}
