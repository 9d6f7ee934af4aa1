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

        public void codeByMail(Request r, String email, String code, Instant expires) {
            lastCode = code;
            log.add("code-mail " + email);
        }

        public void codeBySms(Request r, String phone, String code, Instant expires) {
            lastCode = code;
            log.add("code-sms " + phone);
        }

        public void wrongCode(Request r, int triesLeft) {
            log.add("wrong " + triesLeft);
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
        verification = new Verification(store, new Lifecycle(store, events), events, sent,
                new KeyedHash("test-secret-0123456789-0123456789-abcdef"), clock, Duration.ofHours(24), 5,
                Map.of(RequestType.MARKETING_OPT_OUT, Verification.Tier.SENDER, RequestType.BLOCKING,
                        Verification.Tier.REVIEW));
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
        verification.onReply(reload(r), new ParsedMail("k", "m", "x@example.kz", null, "Re: [" + r.reference() + "]",
                clock.instant(), null, List.of(), Map.of(), text, text, "", "", List.of(), 10, false, null, List.of()));
    }

    private static final Verification.Registered AIGERIM = new Verification.Registered(
            Optional.of("aigerim@example.kz"), Optional.of("+77015550101"));

    @Test
    void theCodeGoesToTheRegisteredAddressAndVerifiesOnce() {
        Request r = matched(RequestType.ERASURE, "someone.else@example.kz");
        verification.start(r, AIGERIM);
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
        verification.start(r, AIGERIM);
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
        verification.start(r, AIGERIM);
        clock.advance(Duration.ofHours(25));
        reply(r, sent.lastCode);
        assertEquals(RequestStatus.EXPIRED, reload(r).status());
        assertTrue(sent.log.contains("expired"));
    }

    @Test
    void aCodeNeverSentBackExpiresTheRequestWhenItRunsOut() {
        Request r = matched(RequestType.ERASURE, "a@example.kz");
        verification.start(r, AIGERIM);
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
        verification.start(r, AIGERIM);
        String wrong = sent.lastCode.equals("123456") ? "654321" : "123456";
        for (int i = 1; i <= 4; i++) {
            reply(r, wrong);
            assertEquals(RequestStatus.AWAITING_VERIFICATION, reload(r).status());
            assertTrue(sent.log.contains("wrong " + (5 - i)), sent.log.toString());
        }
        reply(r, wrong);
        assertEquals(RequestStatus.EXPIRED, reload(r).status());
        reply(r, sent.lastCode);
        assertEquals(RequestStatus.EXPIRED, reload(r).status(), "the right code after the fifth wrong one is too late");
    }

    @Test
    void aCodeForOneRequestDoesNotVerifyAnother() {
        Request a = matched(RequestType.ERASURE, "a@example.kz");
        verification.start(a, AIGERIM);
        String codeOfA = sent.lastCode;
        Request b = matched(RequestType.ERASURE, "a@example.kz");
        verification.start(b, AIGERIM);
        assertNotEquals(codeOfA, sent.lastCode, "(a one-in-a-million collision would make this test meaningless)");
        reply(b, codeOfA);
        assertEquals(RequestStatus.AWAITING_VERIFICATION, reload(b).status());
        reply(a, codeOfA);
        assertEquals(RequestStatus.VERIFIED, reload(a).status());
    }

    @Test
    void aPhoneOnlyAccountGetsItsCodeBySms() {
        Request r = matched(RequestType.ERASURE, "a@example.kz");
        verification.start(r, new Verification.Registered(Optional.empty(), Optional.of("+77011234567")));
        assertTrue(sent.log.contains("code-sms +77011234567"), sent.log.toString());
        reply(r, "код " + sent.lastCode);
        assertEquals(RequestStatus.VERIFIED, reload(r).status());
    }

    @Test
    void riskTiers() {
        Request optOut = matched(RequestType.MARKETING_OPT_OUT, "Aigerim@Example.kz");
        verification.start(optOut, AIGERIM);
        assertEquals(RequestStatus.VERIFIED, reload(optOut).status(), "opt-out from exactly the registered address");
        Request forged = matched(RequestType.MARKETING_OPT_OUT, "other@example.kz");
        verification.start(forged, AIGERIM);
        assertEquals(RequestStatus.AWAITING_VERIFICATION, reload(forged).status(), "another sender still needs the code");
        Request blocking = matched(RequestType.BLOCKING, "aigerim@example.kz");
        verification.start(blocking, AIGERIM);
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
}
