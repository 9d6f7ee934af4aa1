package kz.dsr.subject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import kz.dsr.execute.KeyedHash;
import kz.dsr.intake.ParsedMail;
import kz.dsr.request.Lifecycle;
import kz.dsr.request.RequestStatus;
import kz.dsr.request.RequestType;
import kz.dsr.store.EventLog;
import kz.dsr.store.RequestStore;
import kz.dsr.store.RequestStore.Request;
import kz.dsr.testing.TestServers;
import kz.dsr.testing.MovableClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/** One-time codes against a real store: single use, bounded tries, expiry, bound to one request, stored hashed. */
class VerificationTest {

    /** Records what would be sent. */
    static final class Sent implements Verification.Messages {
        final List<String> log = new ArrayList<>();
        String lastCode;

        public void codeSentReply(Request r) {
            log.add("neutral-reply " + r.reference());
        }

        public void codeByMail(Request r, String key, String email, String code, Instant expires, boolean toNew) {
            lastCode = code;
            log.add((toNew ? "address-code-mail " : "code-mail ") + email);
        }

        public void codeBySms(Request r, String key, String phone, String code, Instant expires) {
            lastCode = code;
            log.add("code-sms " + phone);
        }

        public void wrongCode(Request r, int triesLeft, String to) {
            log.add("wrong " + triesLeft + " to " + to);
        }

        public void expired(Request r, String why) {
            log.add("expired");
        }

        public void askOperator(Request r, String why) {
            log.add("operator " + why);
        }
    }

    private JdbcTemplate store;
    private RequestStore requests;
    private MovableClock clock;
    private Sent sent;
    private Verification verification;

    @BeforeEach
    void setUp() {
        String url = TestServers.get().newDatabase("dsr_verify");
        store = TestServers.get().storeJdbc(url);
        kz.dsr.store.StoreDatabase.migrate(store.getDataSource());
        requests = new RequestStore(store);
        EventLog events = new EventLog(store);
        clock = new MovableClock(Instant.parse("2026-11-20T10:00:00Z"));
        sent = new Sent();
        verification = verification(new Verification.Limits(100, 100), Verification.ProofNeeded.NONE);
    }

    private Verification verification(Verification.Limits limits, Verification.ProofNeeded proof) {
        EventLog events = new EventLog(store);
        return new Verification(store, new Lifecycle(store, events), events, sent,
                new KeyedHash("test-secret-0123456789-0123456789-abcdef"), clock, Duration.ofHours(24), 5,
                Map.of(RequestType.MARKETING_OPT_OUT, Verification.Tier.SENDER, RequestType.BLOCKING,
                        Verification.Tier.REVIEW), limits, proof);
    }

    private Request matched(RequestType type, String from) {
        Request r = requests.open(type, RequestStatus.MATCHED, "ru", from, clock.instant(), LocalDate.of(2026, 12, 20),
                0.9, false, Map.of());
        return r;
    }

    private Request reload(Request r) {
        return requests.byId(r.id()).orElseThrow();
    }

    private void reply(Request r, String text) {
        reply(r, "x@example.kz", text);
    }

    /**
     * A reply from {@code from} to a mail of ours about the request that went to {@code from} (as the
     * outbox would have sent it), carrying {@code text}.
     */
    private void reply(Request r, String from, String text) {
        String ours = "dsr." + r.reference() + "." + java.util.UUID.randomUUID() + "@dsr.test";
        store.update("insert into outbox (channel, event_key, request_id, recipient, subject, body, message_id, status)"
                + " values ('MAIL', ?, ?, ?, 's', 'b', ?, 'SENT')", "test:" + ours, r.id(), from, ours);
        deliver(r, from, text, ours);
    }

    /** A reply from {@code from} that names {@code inReplyTo} (null: no thread headers at all). */
    private void deliver(Request r, String from, String text, String inReplyTo) {
        verification.onReply(reload(r), new ParsedMail("k", "m", from, null, "Re: [" + r.reference() + "]",
                clock.instant(), inReplyTo, inReplyTo == null ? List.of() : List.of(inReplyTo), Map.of(), text, text,
                "", "", List.of(), 10, false, null, List.of()));
    }

    private static final Verification.Registered AIGERIM = new Verification.Registered(
            Optional.of("aigerim@example.kz"), Optional.of("+77015550101"));

    @Test
    void theCodeGoesToTheRegisteredAddressAndVerifiesOnce() {
        Request r = matched(RequestType.ERASURE, "someone.else@example.kz");
        verification.start(r, AIGERIM, false);
        assertEquals(RequestStatus.AWAITING_VERIFICATION, reload(r).status());
        assertTrue(sent.log.contains("code-mail aigerim@example.kz"), sent.log.toString());
        assertTrue(sent.log.contains("neutral-reply " + r.reference()));
        assertTrue(sent.lastCode.matches("\\d{6}"));
        String stored = store.queryForObject("select code_hash from verification_code where request_id = ?",
                String.class, r.id());
        assertFalse(stored.contains(sent.lastCode), "stored hashed");

        reply(r, "Мой код: " + sent.lastCode + ", спасибо");
        assertEquals(RequestStatus.VERIFIED, reload(r).status());
    }

    @Test
    void aUsedCodeFailsTheSecondTime() {
        Request r = matched(RequestType.ERASURE, "a@example.kz");
        verification.start(r, AIGERIM, false);
        String code = sent.lastCode;
        reply(r, code);
        assertEquals(RequestStatus.VERIFIED, reload(r).status());
        // Replayed against a request waiting again (as if reopened): the used code does not count.
        store.update("update request set status = 'AWAITING_VERIFICATION' where id = ?", r.id());
        reply(r, code);
        assertEquals(RequestStatus.AWAITING_VERIFICATION, reload(r).status());
        assertEquals(1, store.queryForObject("select count(*) from request_event where request_id = ? and kind ="
                + " 'VERIFICATION_FAILED' and details like '%no active code%'", Integer.class, r.id()));
    }

    @Test
    void anExpiredCodeFails() {
        Request r = matched(RequestType.ACCESS, "a@example.kz");
        verification.start(r, AIGERIM, false);
        clock.advance(Duration.ofHours(25));
        reply(r, sent.lastCode);
        assertEquals(RequestStatus.EXPIRED, reload(r).status());
        assertTrue(sent.log.contains("expired"));
    }

    @Test
    void aCodeNeverSentBackExpiresTheRequestWhenItRunsOut() {
        Request r = matched(RequestType.ERASURE, "a@example.kz");
        verification.start(r, AIGERIM, false);
        assertFalse(verification.expiredWaiting().contains(r.id()));
        clock.advance(Duration.ofHours(24).plusSeconds(1));
        assertTrue(verification.expiredWaiting().contains(r.id()));
        verification.expire(reload(r), "the code was not sent back in time");
        assertEquals(RequestStatus.EXPIRED, reload(r).status());
        assertTrue(sent.log.contains("expired"));
    }

    @Test
    void fiveWrongCodesExpireTheRequest() {
        Request r = matched(RequestType.RECTIFICATION, "a@example.kz");
        verification.start(r, AIGERIM, false);
        String wrong = sent.lastCode.equals("123456") ? "654321" : "123456";
        for (int i = 1; i <= 4; i++) {
            reply(r, wrong);
            assertEquals(RequestStatus.AWAITING_VERIFICATION, reload(r).status());
            assertTrue(sent.log.contains("wrong " + (5 - i) + " to x@example.kz"), sent.log.toString());
        }
        reply(r, wrong);
        assertEquals(RequestStatus.EXPIRED, reload(r).status());
        reply(r, sent.lastCode);
        assertEquals(RequestStatus.EXPIRED, reload(r).status(), "the right code after the fifth wrong one is too late");
    }

    @Test
    void aCodeForOneRequestDoesNotVerifyAnother() {
        Request a = matched(RequestType.ERASURE, "a@example.kz");
        verification.start(a, AIGERIM, false);
        String codeOfA = sent.lastCode;
        Request b = matched(RequestType.ERASURE, "a@example.kz");
        verification.start(b, AIGERIM, false);
        assertNotEquals(codeOfA, sent.lastCode, "(a one-in-a-million collision would make this test meaningless)");
        reply(b, codeOfA);
        assertEquals(RequestStatus.AWAITING_VERIFICATION, reload(b).status());
        reply(a, codeOfA);
        assertEquals(RequestStatus.VERIFIED, reload(a).status());
    }

    @Test
    void aPhoneOnlyAccountGetsItsCodeBySms() {
        Request r = matched(RequestType.ERASURE, "a@example.kz");
        verification.start(r, new Verification.Registered(Optional.empty(), Optional.of("+77011234567")), false);
        assertTrue(sent.log.contains("code-sms +77011234567"), sent.log.toString());
        reply(r, "код " + sent.lastCode);
        assertEquals(RequestStatus.VERIFIED, reload(r).status());
    }

    @Test
    void riskTiers() {
        Request optOut = matched(RequestType.MARKETING_OPT_OUT, "Aigerim@Example.kz");
        verification.start(optOut, AIGERIM, false);
        assertEquals(RequestStatus.VERIFIED, reload(optOut).status(), "opt-out from exactly the registered address");
        Request forged = matched(RequestType.MARKETING_OPT_OUT, "other@example.kz");
        verification.start(forged, AIGERIM, false);
        assertEquals(RequestStatus.AWAITING_VERIFICATION, reload(forged).status(), "another sender still needs the code");
        Request blocking = matched(RequestType.BLOCKING, "aigerim@example.kz");
        verification.start(blocking, AIGERIM, false);
        assertEquals(RequestStatus.NEEDS_REVIEW, reload(blocking).status());
    }

    @Test
    void theLifecycleRefusesSkippingAStep() {
        Request r = matched(RequestType.ERASURE, "a@example.kz");
        Lifecycle lifecycle = new Lifecycle(store, new EventLog(store));
        try {
            lifecycle.move(r.id(), RequestStatus.MATCHED, RequestStatus.EXECUTING, "skip", "test");
            throw new AssertionError("MATCHED → EXECUTING must be refused");
        } catch (Lifecycle.IllegalTransition expected) {
            assertTrue(expected.getMessage().contains("cannot go from MATCHED to EXECUTING"));
        }
        assertFalse(lifecycle.move(r.id(), RequestStatus.VERIFIED, RequestStatus.EXECUTING, "stale", "test"),
                "a move from a status the request is not in does nothing");
        assertEquals(RequestStatus.MATCHED, reload(r).status());
    }

    private int attempts(Request r) {
        return store.queryForObject("select coalesce(sum(attempts), 0) from verification_code where request_id = ?",
                Integer.class, r.id());
    }

    private int events(Request r, String kind) {
        return store.queryForObject("select count(*) from request_event where request_id = ? and kind = ?",
                Integer.class, r.id(), kind);
    }

    @Test
    void aReplyIsOneTryHoweverManyNumbersItCarries() {
        Request r = matched(RequestType.ERASURE, "x@example.kz");
        verification.start(r, AIGERIM, false);
        // Every six-digit number but the code, then the code: once, this was a fifth of the code space per reply.
        StringBuilder guesses = new StringBuilder();
        for (int n = 0, written = 0; written < 40_000; n++) {
            String candidate = String.format("%06d", n);
            if (!candidate.equals(sent.lastCode)) {
                guesses.append(candidate).append(' ');
                written++;
            }
        }
        guesses.append(sent.lastCode);
        reply(r, guesses.toString());
        assertEquals(RequestStatus.AWAITING_VERIFICATION, reload(r).status());
        assertEquals(1, attempts(r), "one reply, one try");
        assertEquals(1, events(r, "VERIFICATION_FAILED"));
    }

    @Test
    void aCodeOnALineOfItsOwnIsTheOneTriedElseTheFirstNumber() {
        Request r = matched(RequestType.ERASURE, "x@example.kz");
        verification.start(r, AIGERIM, false);
        String other = sent.lastCode.equals("123456") ? "654321" : "123456";
        reply(r, "Заказ " + other + " так и не пришёл.\n  " + sent.lastCode + ".\nСпасибо");
        assertEquals(RequestStatus.VERIFIED, reload(r).status(), "the line holding only the code is the one tried");

        Request s2 = matched(RequestType.ERASURE, "x@example.kz");
        verification.start(s2, AIGERIM, false);
        String wrong = sent.lastCode.equals("123456") ? "654321" : "123456";
        reply(s2, "Код " + wrong + ", а может быть " + sent.lastCode);
        assertEquals(RequestStatus.AWAITING_VERIFICATION, reload(s2).status(), "only the first number is tried");
        assertEquals(1, attempts(s2));
    }

    @Test
    void aReferenceInTheSubjectAloneIsNoTry() {
        Request r = matched(RequestType.ERASURE, "x@example.kz");
        verification.start(r, AIGERIM, false);
        deliver(r, "x@example.kz", sent.lastCode, null);
        assertEquals(RequestStatus.AWAITING_VERIFICATION, reload(r).status(), "the right code, but not in our thread");
        deliver(r, "x@example.kz", sent.lastCode, "made-up." + r.reference() + "@dsr.test");
        assertEquals(RequestStatus.AWAITING_VERIFICATION, reload(r).status(), "a made-up Message-ID is no thread");
        assertEquals(0, attempts(r));
        assertEquals(2, events(r, "REPLY_NOT_COUNTED"));
    }

    @Test
    void strangersInTheThreadCannotUseUpSomeoneElsesTries() {
        Request r = matched(RequestType.ERASURE, "x@example.kz");
        verification.start(r, AIGERIM, false);
        String ours = "dsr." + r.reference() + ".ack@dsr.test";
        store.update("insert into outbox (channel, event_key, request_id, recipient, subject, body, message_id, status)"
                + " values ('MAIL', 'ack-test', ?, 'x@example.kz', 's', 'b', ?, 'SENT')", r.id(), ours);
        String wrong = sent.lastCode.equals("123456") ? "654321" : "123456";
        for (int i = 0; i < 6; i++) {
            // Even a stranger who learnt our Message-ID: the mail went to x@, not to them.
            deliver(r, "stranger" + i + "@example.kz", wrong, ours);
        }
        assertEquals(RequestStatus.AWAITING_VERIFICATION, reload(r).status());
        assertEquals(0, attempts(r));
        assertTrue(sent.log.stream().noneMatch(l -> l.startsWith("wrong")), sent.log.toString());
        deliver(r, "x@example.kz", sent.lastCode, ours);
        assertEquals(RequestStatus.VERIFIED, reload(r).status(), "the requester's own code still works");
    }

    @Test
    void theRegisteredAddressMayAnswerTheCodeMail() {
        Request r = matched(RequestType.ERASURE, "someone@example.kz");
        verification.start(r, AIGERIM, false);
        reply(r, "aigerim@example.kz", sent.lastCode);
        assertEquals(RequestStatus.VERIFIED, reload(r).status());
    }

    @Test
    void aRequestWithoutAnAccountReadsLikeOneWithACode() {
        // What the person writing sees, for an account that exists and for one that does not.
        Request real = requests.open(RequestType.ERASURE, RequestStatus.CLASSIFIED, "ru", "x@example.kz",
                clock.instant(), LocalDate.of(2026, 12, 20), 0.9, false, Map.of());
        store.update("update request set status = 'MATCHED' where id = ?", real.id());
        verification.start(reload(real), AIGERIM, false);
        Request none = requests.open(RequestType.ERASURE, RequestStatus.CLASSIFIED, "ru", "x@example.kz",
                clock.instant(), LocalDate.of(2026, 12, 20), 0.9, false, Map.of());
        int before = sent.log.size();
        verification.withoutCode(reload(none), RequestStatus.CLASSIFIED, "no account matches", false);
        assertEquals(RequestStatus.AWAITING_VERIFICATION, reload(none).status());
        assertEquals(List.of("neutral-reply " + none.reference()), sent.log.subList(before, sent.log.size()));
        for (Request r : List.of(real, none)) {
            for (int i = 0; i < 5; i++) {
                reply(r, String.format("%06d", 111111 * (i + 1)).equals(sent.lastCode) ? "000000"
                        : String.format("%06d", 111111 * (i + 1)));
            }
            assertEquals(RequestStatus.EXPIRED, reload(r).status());
        }
        List<String> toRequester = sent.log.stream().filter(l -> l.startsWith("wrong") || l.equals("expired")).toList();
        assertEquals(List.of("wrong 4 to x@example.kz", "wrong 3 to x@example.kz", "wrong 2 to x@example.kz",
                "wrong 1 to x@example.kz", "expired", "wrong 4 to x@example.kz", "wrong 3 to x@example.kz",
                "wrong 2 to x@example.kz", "wrong 1 to x@example.kz", "expired"), toRequester);
    }

    @Test
    void anAccountGetsAtMostSoManyOpenVerificationsAndCodesADay() {
        verification = verification(new Verification.Limits(2, 3), Verification.ProofNeeded.NONE);
        List<Request> rs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Request r = matched(RequestType.ERASURE, "stranger" + i + "@example.kz");
            requests.setSubjectRef(r.id(), "42");
            rs.add(r);
        }
        verification.start(reload(rs.get(0)), AIGERIM, false);
        verification.start(reload(rs.get(1)), AIGERIM, false);
        verification.start(reload(rs.get(2)), AIGERIM, false);
        assertEquals(2, sent.log.stream().filter(l -> l.startsWith("code-mail")).count(), "two open at once");
        assertTrue(sent.log.stream().anyMatch(l -> l.startsWith("operator ") && l.contains("2 verification(s) open")),
                sent.log.toString());
        assertEquals(RequestStatus.AWAITING_VERIFICATION, reload(rs.get(2)).status(), "waits like the others");
        // The first two run out; the third code of the day goes, the fourth does not.
        clock.advance(Duration.ofHours(25));
        verification.expire(reload(rs.get(0)), "test");
        verification.expire(reload(rs.get(1)), "test");
        clock.advance(Duration.ofHours(-24));
        verification.start(reload(rs.get(3)), AIGERIM, false);
        verification.start(reload(rs.get(4)), AIGERIM, false);
        assertEquals(3, sent.log.stream().filter(l -> l.startsWith("code-mail")).count(), sent.log.toString());
        assertTrue(sent.log.stream().anyMatch(l -> l.startsWith("operator ") && l.contains("in the last 24 hours")),
                sent.log.toString());
        // Another account is not held up by this one.
        Request other = matched(RequestType.ERASURE, "a@example.kz");
        requests.setSubjectRef(other.id(), "43");
        verification.start(reload(other), AIGERIM, false);
        assertEquals(4, sent.log.stream().filter(l -> l.startsWith("code-mail")).count());
        // An operator who names the account sends a code whatever the limits say.
        Request named = matched(RequestType.ERASURE, "stranger9@example.kz");
        requests.setSubjectRef(named.id(), "42");
        verification.start(reload(named), AIGERIM, true);
        assertEquals(5, sent.log.stream().filter(l -> l.startsWith("code-mail")).count());
    }

    @Test
    void aNewAddressProvesItselfBeforeTheRequestIsVerified() {
        Verification.ProofNeeded newEmail = new Verification.ProofNeeded() {
            public Optional<Verification.Target> after(Request r) {
                return Optional.of(new Verification.Target(Verification.Channel.MAIL, "new@example.kz", "new"));
            }

            public boolean changesIdentity(Request r) {
                return true;
            }
        };
        verification = verification(new Verification.Limits(10, 10), newEmail);
        Request r = matched(RequestType.RECTIFICATION, "aigerim@example.kz");
        verification.start(r, AIGERIM, false);
        assertTrue(sent.log.contains("code-mail aigerim@example.kz"), "the first code goes to the old address");
        reply(r, "aigerim@example.kz", sent.lastCode);
        assertEquals(RequestStatus.AWAITING_VERIFICATION, reload(r).status(), "the new address has not answered");
        assertTrue(sent.log.contains("address-code-mail new@example.kz"), sent.log.toString());
        assertFalse(verification.proven(r.id(), "new@example.kz"));
        reply(r, "new@example.kz", sent.lastCode);
        assertEquals(RequestStatus.VERIFIED, reload(r).status());
        assertTrue(verification.proven(r.id(), "New@Example.kz"));
        assertFalse(verification.proven(r.id(), "aigerim@example.kz"));
    }

    @Test
    void anIdentityChangeNeedsTheCodeEvenFromTheRegisteredSender() {
        Verification.ProofNeeded identity = new Verification.ProofNeeded() {
            public Optional<Verification.Target> after(Request r) {
                return Optional.empty();
            }

            public boolean changesIdentity(Request r) {
                return true;
            }
        };
        verification = new Verification(store, new Lifecycle(store, new EventLog(store)), new EventLog(store), sent,
                new KeyedHash("test-secret-0123456789-0123456789-abcdef"), clock, Duration.ofHours(24), 5,
                Map.of(RequestType.RECTIFICATION, Verification.Tier.SENDER), new Verification.Limits(10, 10), identity);
        Request r = matched(RequestType.RECTIFICATION, "aigerim@example.kz");
        verification.start(r, AIGERIM, false);
        assertEquals(RequestStatus.AWAITING_VERIFICATION, reload(r).status());
    }
}
