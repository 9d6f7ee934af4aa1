package kz.dsr.processors;

import static kz.dsr.testing.RunningPipeline.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import kz.dsr.demo.DemoCa;
import kz.dsr.demo.LocalProcessor;
import kz.dsr.testing.RunningPipeline;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * OpenDSR callbacks authenticated as the specification says (§4, §6, §8.8), over real HTTP: each
 * processor is a local OpenDSR processor serving its /discovery and its certificate, issued by a CA made
 * for the test (the pipeline's only trust store) — or self-signed, for another domain, expired. A
 * callback counts only when the domain it names is allow-listed, the processor's certificate is valid
 * for it, and the signature verifies over the raw body; anything else is 403 and changes nothing.
 */
class OpenDsrCallbackTest {

    private static final String OPERATOR = kz.dsr.demo.EmbeddedServices.OPERATOR_ADDRESS;
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final AtomicInteger references = new AtomicInteger(991300);

    private static final DemoCa.Identity PAYBOX = TestProcessors.identity("paybox.test");
    private static final DemoCa.Identity RSAPAY = TestProcessors.ca().issue("rsapay.test", "RSA");
    private static final DemoCa.Identity SELFIE = DemoCa.selfSigned("selfie.test", "EC");
    private static final DemoCa.Identity OTHER_DOMAIN = TestProcessors.ca().issue("other.test", "EC");
    private static final DemoCa.Identity EXPIRED = TestProcessors.ca().issue("stale.test", "EC",
            Instant.now().minus(Duration.ofDays(60)), Instant.now().minus(Duration.ofDays(1)));
    private static final DemoCa.Identity ROTATING_1 = TestProcessors.ca().issue("rotating.test", "EC");
    private static final DemoCa.Identity ROTATING_2 = TestProcessors.ca().issue("rotating.test", "RSA");

    private static final List<LocalProcessor> processors = new java.util.ArrayList<>();
    private static LocalProcessor rotating;
    private static RunningPipeline pipeline;

    @BeforeAll
    static void start() {
        LocalProcessor paybox = local(PAYBOX);
        LocalProcessor rsapay = local(RSAPAY);
        LocalProcessor selfie = local(SELFIE);
        LocalProcessor elsewhere = local(OTHER_DOMAIN);
        LocalProcessor stale = local(EXPIRED);
        rotating = local(ROTATING_1);
        pipeline = RunningPipeline.start(TestProcessors.settings(TestProcessors.file(
                TestProcessors.openDsr("paybox", paybox.openDsrBase()),
                TestProcessors.openDsr("rsapay", rsapay.openDsrBase(), "headers: opengdpr"),
                TestProcessors.openDsr("selfie", selfie.openDsrBase()),
                TestProcessors.openDsr("elsewhere", elsewhere.openDsrBase()),
                TestProcessors.openDsr("stale", stale.openDsrBase()),
                TestProcessors.openDsr("rotating", rotating.openDsrBase()),
                TestProcessors.openDsr("mismatch", local(TestProcessors.identity("mismatch.test")).openDsrBase())
                        .replace("{ from: email, type: email, format: sha256 }", "{ from: subject, type: user_id }"))));
    }

    private static LocalProcessor local(DemoCa.Identity identity) {
        LocalProcessor p = LocalProcessor.start(identity);
        processors.add(p);
        return p;
    }

    @AfterAll
    static void stop() {
        if (pipeline != null) {
            pipeline.close();
        }
        processors.forEach(LocalProcessor::close);
    }

    // ---- accepted -------------------------------------------------------------------------------

    @Test
    void aCallbackSignedWithTheProcessorsCertificateCompletesTheTask() {
        long request = awaitingRequest();
        UUID id = sent(request, "paybox");

        HttpResponse<String> answer = TestProcessors.signed(endpoint(), PAYBOX, status(id, "completed"));
        assertEquals(200, answer.statusCode(), answer.body());
        assertEquals("COMPLETED", taskStatus(id));
        assertEquals("COMPLETED", requestStatus(request));
        assertEquals(1, pipeline.count("select count(*) from request_event where request_id = ? and kind ="
                + " 'PROCESSOR_COMPLETED' and details like '%\"controllerId\":\"dsr-test\"%'", request));
    }

    @Test
    void anRsaCertificateIsAcceptedUnderTheOpenGdprAndOpenDsrHeaderNamesToo() {
        long request = awaitingRequest();
        UUID id = sent(request, "rsapay");

        String working = status(id, "in_progress");
        HttpResponse<String> gdpr = TestProcessors.callback(endpoint(), "OpenGDPR", "rsapay.test",
                RSAPAY.sign(bytes(working)), working);
        assertEquals(200, gdpr.statusCode(), gdpr.body());
        String done = status(id, "completed");
        HttpResponse<String> dsr = TestProcessors.callback(endpoint(), "OpenDSR", "rsapay.test",
                RSAPAY.sign(bytes(done)), done);
        assertEquals(200, dsr.statusCode(), dsr.body());
        assertEquals("COMPLETED", taskStatus(id));
    }

    // ---- refused: the certificate ----------------------------------------------------------------

    @Test
    void aSelfSignedCertificateIsRefusedAndTheOperatorIsTold() {
        refusedForItsCertificate("selfie", SELFIE, "self-signed");
    }

    @Test
    void aCertificateForAnotherDomainIsRefused() {
        refusedForItsCertificate("elsewhere", OTHER_DOMAIN, "not for the allow-listed domain elsewhere.test");
    }

    @Test
    void anExpiredCertificateIsRefused() {
        refusedForItsCertificate("stale", EXPIRED, "expired");
    }

    /**
     * The processor signs its callback correctly with the key of its certificate, but the certificate
     * may not vouch for it: 403, nothing changes, and the operator gets a mail saying why.
     */
    private static void refusedForItsCertificate(String processor, DemoCa.Identity identity, String why) {
        long request = awaitingRequest();
        UUID id = sent(request, processor);
        int events = events(request);
        String body = status(id, "completed");

        HttpResponse<String> answer = TestProcessors.callback(endpoint(), "OpenCompliance", processor + ".test",
                identity.sign(bytes(body)), body);
        assertEquals(403, answer.statusCode(), answer.body());
        assertEquals("SENT", taskStatus(id));
        assertEquals("AWAITING_PROCESSORS", requestStatus(request));
        assertEquals(events, events(request), "a refused callback records nothing on the request");
        ProcessorCertificates certificates = pipeline.context().getRegistry()
                .lookupByNameAndType("processorCertificates", ProcessorCertificates.class);
        assertTrue(certificates.problem(processor).orElse("").contains(why),
                "why: " + certificates.problem(processor));
        await("the operator is told of " + processor + "'s certificate", WAIT, () -> pipeline.received(OPERATOR)
                .stream().anyMatch(m -> subject(m).contains(processor) && text(m).contains(why)));
    }

    // ---- refused: the signature or the domain ----------------------------------------------------

    @Test
    void aBodyAlteredAfterSigningIsRefusedAndChangesNothing() {
        long request = awaitingRequest();
        UUID id = sent(request, "paybox");
        int events = events(request);
        String signedBody = status(id, "in_progress");
        String altered = status(id, "completed");

        HttpResponse<String> answer = TestProcessors.callback(endpoint(), "OpenCompliance", "paybox.test",
                PAYBOX.sign(bytes(signedBody)), altered);
        assertEquals(403, answer.statusCode(), answer.body());
        // One byte more than what was signed is another body too.
        HttpResponse<String> padded = TestProcessors.callback(endpoint(), "OpenCompliance", "paybox.test",
                PAYBOX.sign(bytes(altered)), altered + " ");
        assertEquals(403, padded.statusCode(), padded.body());
        HttpResponse<String> unsigned = TestProcessors.callback(endpoint(), "OpenCompliance", "paybox.test", null,
                altered);
        assertEquals(403, unsigned.statusCode(), unsigned.body());
        assertEquals("SENT", taskStatus(id));
        assertEquals(events, events(request));
    }

    @Test
    void aSignatureByAnotherProcessorsKeyIsRefused() {
        long request = awaitingRequest();
        UUID id = sent(request, "paybox");
        String body = status(id, "completed");
        // rsapay's genuine key and certificate, naming paybox's domain.
        HttpResponse<String> answer = TestProcessors.callback(endpoint(), "OpenCompliance", "paybox.test",
                RSAPAY.sign(bytes(body)), body);
        assertEquals(403, answer.statusCode(), answer.body());
        assertEquals("SENT", taskStatus(id));
    }

    @Test
    void aDomainThatIsNotAllowListedIsRefusedEvenWithAValidCertificate() {
        long request = awaitingRequest();
        UUID id = sent(request, "paybox");
        DemoCa.Identity stranger = TestProcessors.ca().issue("stranger.test", "EC");
        String body = status(id, "completed");
        HttpResponse<String> answer = TestProcessors.signed(endpoint(), stranger, body);
        assertEquals(403, answer.statusCode(), answer.body());
        assertEquals("SENT", taskStatus(id));
    }

    @Test
    void aCallbackMeantForAnotherEndpointIsRefused() {
        long request = awaitingRequest();
        UUID id = sent(request, "paybox");
        String body = TestProcessors.status(id, "completed", "https://another-controller.example/callbacks");
        HttpResponse<String> answer = TestProcessors.signed(endpoint(), PAYBOX, body);
        assertEquals(403, answer.statusCode(), answer.body());
        assertTrue(answer.body().contains("status_callback_url"), answer.body());
        assertEquals("SENT", taskStatus(id));
    }

    // ---- rotation --------------------------------------------------------------------------------

    @Test
    void aRotatedCertificateIsPickedUpWithoutARestart() {
        long request = awaitingRequest();
        UUID id = sent(request, "rotating");
        assertEquals(200, TestProcessors.signed(endpoint(), ROTATING_1, status(id, "in_progress")).statusCode());

        // The processor publishes a new certificate and key (RSA now) at the same processor_certificate.
        rotating.signingAs(ROTATING_2);
        HttpResponse<String> answer = TestProcessors.signed(endpoint(), ROTATING_2, status(id, "completed"));
        assertEquals(200, answer.statusCode(), answer.body());
        assertEquals("COMPLETED", taskStatus(id));

        // The old key no longer speaks for it.
        long second = awaitingRequest();
        UUID other = sent(second, "rotating");
        assertEquals(403, TestProcessors.signed(endpoint(), ROTATING_1, status(other, "completed")).statusCode());
        assertEquals("SENT", taskStatus(other));
    }

    // ---- discovery ------------------------------------------------------------------------------

    /**
     * Its discovery (asked at start) lists the identities it takes: one we would send that is not among
     * them is a warning naming the processor, kept for the operator; a processor that takes ours has none.
     */
    @Test
    void anIdentityTheProcessorDoesNotTakeIsAWarningNamingIt() {
        ProcessorCertificates certificates = pipeline.context().getRegistry()
                .lookupByNameAndType("processorCertificates", ProcessorCertificates.class);
        await("the start-up discovery", WAIT, () -> certificates.certificate("mismatch").isPresent());
        assertTrue(certificates.mismatch("mismatch").orElse("").contains("identity user_id/raw (from our subject)"),
                String.valueOf(certificates.mismatch("mismatch")));
        await("paybox's discovery", WAIT, () -> certificates.certificate("paybox").isPresent());
        assertEquals(Optional.empty(), certificates.mismatch("paybox"));
    }

    // ---- helpers ----------------------------------------------------------------------------------

    private static URI endpoint() {
        return URI.create("http://127.0.0.1:" + pipeline.httpPort() + "/opendsr/callback");
    }

    private static String status(UUID id, String status) {
        return TestProcessors.status(id, status, pipeline.settings().get("dsr.processors.callback-url"));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static long awaitingRequest() {
        return pipeline.store().queryForObject("insert into request (reference, type, status, language,"
                + " requester_email, received_at, due_date) values (?, 'ERASURE', 'AWAITING_PROCESSORS', 'ru',"
                + " 'subject@example.kz', now(), current_date + 10) returning id", Long.class,
                "DSR-2026-" + references.incrementAndGet());
    }

    private static UUID sent(long request, String processor) {
        UUID id = UUID.randomUUID();
        pipeline.store().update("insert into processor_task (request_id, processor, kind, subject_request_id, status,"
                + " due_at) values (?, ?, 'OPENDSR', ?, 'SENT', now() + interval '14 days')", request, processor, id);
        return id;
    }

    private static String taskStatus(UUID id) {
        return pipeline.store().queryForObject("select status from processor_task where subject_request_id = ?",
                String.class, id);
    }

    private static String requestStatus(long request) {
        return pipeline.store().queryForObject("select status from request where id = ?", String.class, request);
    }

    private static int events(long request) {
        return pipeline.count("select count(*) from request_event where request_id = ?", request);
    }

    private static String subject(jakarta.mail.internet.MimeMessage m) {
        try {
            return m.getSubject();
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String text(jakarta.mail.internet.MimeMessage m) {
        try {
            return String.valueOf(m.getContent());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
