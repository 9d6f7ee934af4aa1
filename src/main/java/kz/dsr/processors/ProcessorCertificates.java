package kz.dsr.processors;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import kz.dsr.store.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The certificate each OpenDSR processor signs with, found as the specification says (§6, §8.8): its
 * {@code GET {base}/discovery} names {@code processor_certificate}, a URL on the same host; the
 * certificate fetched there is checked ({@link CertificateCheck}) for the processor's allow-listed
 * domain and kept until it expires or {@code discovery-hours} pass, whichever comes first. Only
 * processors of the processors file are ever asked: a caller naming another domain gets nothing
 * fetched.
 *
 * <p>A processor that rotates its certificate signs with a key we do not hold yet: a signature that
 * fails against the kept certificate has discovery asked again (at most once per
 * {@code certificate-retry}), and the new certificate, if valid, is used — no restart. A certificate
 * that is refused (self-signed, another domain, expired, not from a trusted CA), or none to be had,
 * leaves the processor without one: its callbacks are refused (403) and its answers are not taken as
 * delivered until discovery yields a valid one, and the operator is told ({@link Alert}). When
 * discovery is only unreachable, a kept certificate that is still valid goes on being used.
 */
public final class ProcessorCertificates {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessorCertificates.class);
    private static final int MAX_BYTES = 64 * 1024;

    /** Tells the operator that a processor has no usable certificate, and why. */
    public interface Alert {
        void certificateRefused(DataProcessor processor, String problem);
    }

    /** What a processor's {@code /discovery} says (§6.3). */
    public record Discovery(String apiVersion, List<String> supportedIdentities, List<String> supportedTypes,
            URI certificateUrl) {
    }

    /** What is kept of a processor: its valid certificate, or why it has none. */
    private record Held(X509Certificate certificate, String problem, Instant fetchedAt, Discovery discovery) {
    }

    /** The outcome of checking one signed message. */
    public enum Verdict {
        VERIFIED,
        /** Signed by the processor's domain, but not by its certificate's key over these bytes. */
        BAD_SIGNATURE,
        /** The processor has no valid certificate now (refused, or discovery failed): nothing can be verified. */
        NO_CERTIFICATE
    }

    /** @param reason for the operator's log (no key material, nothing of the body) */
    public record Check(Verdict verdict, String reason) {
        public boolean verified() {
            return verdict == Verdict.VERIFIED;
        }
    }

    private final Processors processors;
    private final CertificateCheck check;
    private final Alert alert;
    private final Clock clock;
    private final Duration discoveryEvery;
    private final Duration retryAfter;
    private final Map<String, Held> held = new ConcurrentHashMap<>();
    private final Map<String, Object> locks = new ConcurrentHashMap<>();
    private final Map<String, HttpClient> clients = new ConcurrentHashMap<>();
    private final Map<String, String> warned = new ConcurrentHashMap<>();

    /**
     * @param discoveryEvery how long a valid certificate is kept before discovery is asked again
     * @param retryAfter     how long after a fetch another may be made on a failed signature or after a refusal
     */
    public ProcessorCertificates(Processors processors, CertificateCheck check, Alert alert, Clock clock,
            Duration discoveryEvery, Duration retryAfter) {
        this.processors = processors;
        this.check = check;
        this.alert = alert;
        this.clock = clock;
        this.discoveryEvery = discoveryEvery;
        this.retryAfter = retryAfter;
    }

    /**
     * Checks a message that names {@code signed.domain()}: it must be the processor's allow-listed domain,
     * and the signature must verify over {@code body}, the raw bytes received.
     */
    public Check verify(DataProcessor p, OpenDsrHeaders.Signed signed, byte[] body) {
        String domain = p.openDsr().orElseThrow().domain();
        if (!signed.present()) {
            return new Check(Verdict.BAD_SIGNATURE, "it names no processor domain (no X-OpenCompliance-, X-OpenDSR-"
                    + " or X-OpenGDPR-Processor-Domain header)");
        }
        if (!domain.equals(signed.domain().toLowerCase(Locale.ROOT).replaceAll("\\.$", ""))) {
            return new Check(Verdict.BAD_SIGNATURE, "it names the domain '" + ProcessorCallbacks.cut(signed.domain())
                    + "', not the processor's allow-listed " + domain);
        }
        if (signed.signature() == null || signed.signature().isBlank()) {
            return new Check(Verdict.BAD_SIGNATURE, "it carries no " + signed.family().signatureHeader());
        }
        Held h = current(p);
        if (h.certificate() == null) {
            return new Check(Verdict.NO_CERTIFICATE, "the processor has no valid certificate: " + h.problem());
        }
        if (Signatures.verify(h.certificate().getPublicKey(), body, signed.signature())) {
            return new Check(Verdict.VERIFIED, "");
        }
        // Perhaps it rotated its certificate: ask discovery again, unless that was just done.
        Held again = refetchAfterFailure(p, h);
        if (again != h && again.certificate() != null
                && Signatures.verify(again.certificate().getPublicKey(), body, signed.signature())) {
            LOG.info("Processor {} signs with a new certificate (serial {}), picked up from its discovery",
                    p.name(), again.certificate().getSerialNumber().toString(16));
            return new Check(Verdict.VERIFIED, "");
        }
        if (again.certificate() == null) {
            return new Check(Verdict.NO_CERTIFICATE, "the processor has no valid certificate: " + again.problem());
        }
        return new Check(Verdict.BAD_SIGNATURE, "its " + signed.family().signatureHeader() + " is not a signature of"
                + " the body by the processor's certificate (serial " + again.certificate().getSerialNumber().toString(16)
                + ")");
    }

    /** Reads the signing headers of an HTTP answer (any family) and checks it as {@link #verify} does. */
    public Check verifyAnswer(DataProcessor p, HttpResponse<?> response, byte[] body) {
        OpenDsrHeaders.Signed signed = OpenDsrHeaders.read(name -> response.headers().firstValue(name).orElse(null));
        return verify(p, signed, body);
    }

    /**
     * Asks discovery of every OpenDSR processor that is due: never asked yet (so this runs at start),
     * its certificate kept longer than {@code discovery-hours} or expired, or refused and not asked for
     * {@code certificate-retry}. Returns how many were asked.
     */
    public int refreshDue() {
        int asked = 0;
        for (DataProcessor p : processors.all()) {
            if (p.openDsr().isEmpty()) {
                continue;
            }
            Held h = held.get(p.name());
            if (h == null || due(h)) {
                refresh(p);
                asked++;
            }
        }
        return asked;
    }

    /** The processor's certificate as kept, if valid now (for the operator and tests). */
    public Optional<X509Certificate> certificate(String processor) {
        return Optional.ofNullable(held.get(processor)).map(Held::certificate)
                .filter(c -> c.getNotAfter().toInstant().isAfter(clock.instant()));
    }

    /** Why the processor has no valid certificate, if it has none (empty: valid, or not asked yet). */
    public Optional<String> problem(String processor) {
        return Optional.ofNullable(held.get(processor)).map(Held::problem);
    }

    /**
     * What the processor's last discovery says it does not take of what we send it (identities, types,
     * API version), as the start-up warning says; empty when all matches or it was not asked yet.
     */
    public Optional<String> mismatch(String processor) {
        return Optional.ofNullable(warned.get(processor)).filter(w -> !w.isEmpty());
    }

    private boolean due(Held h) {
        Instant now = clock.instant();
        if (h.certificate() == null) {
            return !h.fetchedAt().plus(retryAfter).isAfter(now);
        }
        return !h.fetchedAt().plus(discoveryEvery).isAfter(now) || !h.certificate().getNotAfter().toInstant().isAfter(now);
    }

    /** The kept state, asking discovery first when there is none or it is due. */
    private Held current(DataProcessor p) {
        Held h = held.get(p.name());
        if (h != null && !due(h)) {
            return h;
        }
        synchronized (lock(p)) {
            Held now = held.get(p.name());
            if (now != null && now != h && !due(now)) {
                return now;
            }
            return refresh(p);
        }
    }

    private Held refetchAfterFailure(DataProcessor p, Held seen) {
        synchronized (lock(p)) {
            Held now = held.get(p.name());
            if (now != null && now != seen) {
                return now;
            }
            if (seen.fetchedAt().plus(retryAfter).isAfter(clock.instant())) {
                return seen;
            }
            return refresh(p);
        }
    }

    private Object lock(DataProcessor p) {
        return locks.computeIfAbsent(p.name(), n -> new Object());
    }

    /** Asks discovery and fetches and checks the certificate now; keeps and returns the outcome. */
    Held refresh(DataProcessor p) {
        Instant now = clock.instant();
        Held before = held.get(p.name());
        Held after;
        Discovery discovery = null;
        try {
            discovery = discover(p);
            byte[] pem = get(p, discovery.certificateUrl(), "its processor_certificate " + discovery.certificateUrl());
            X509Certificate cert = check.check(CertificateCheck.parse(pem), p.openDsr().get().domain(), now);
            after = new Held(cert, null, now, discovery);
            if (before == null || before.certificate() == null || !before.certificate().equals(cert)) {
                LOG.info("Processor {}: certificate for {} (serial {}, valid until {}) checked and kept", p.name(),
                        p.openDsr().get().domain(), cert.getSerialNumber().toString(16), cert.getNotAfter().toInstant());
            }
            compare(p, discovery);
        } catch (IOException e) {
            String problem = e.getMessage();
            if (before != null && before.certificate() != null
                    && before.certificate().getNotAfter().toInstant().isAfter(now)) {
                // Unreachable is not invalid: the certificate it gave us is still good for its lifetime.
                LOG.warn("Processor {}: {}; its certificate kept from {} is still valid and stays in use",
                        p.name(), problem, before.fetchedAt());
                after = new Held(before.certificate(), null, now, before.discovery());
            } else {
                after = refused(p, problem, now, discovery);
            }
        } catch (CertificateCheck.Refused e) {
            after = refused(p, "its certificate is refused: " + e.getMessage(), now, discovery);
        }
        held.put(p.name(), after);
        return after;
    }

    private Held refused(DataProcessor p, String problem, Instant now, Discovery discovery) {
        LOG.error("Processor {} has no valid certificate: {}. Its callbacks are refused (403) and its answers are not"
                + " taken as delivered until it publishes a valid one; the operator was told.", p.name(), problem);
        alert.certificateRefused(p, problem);
        return new Held(null, problem, now, discovery);
    }

    /** {@code GET {base}/discovery}, with the §6.3 properties the rest relies on. */
    private Discovery discover(DataProcessor p) throws IOException {
        URI base = p.http().orElseThrow().url();
        URI url = URI.create(base.toString().replaceAll("/+$", "") + "/discovery");
        byte[] body = get(p, url, "its discovery " + url);
        JsonNode json;
        try {
            json = Json.mapper().readTree(body);
        } catch (IOException e) {
            throw new IOException("its discovery " + url + " did not answer JSON");
        }
        if (json == null || !json.isObject()) {
            throw new IOException("its discovery " + url + " did not answer a JSON object");
        }
        String certificate = json.path("processor_certificate").asText("");
        if (certificate.isBlank()) {
            throw new IOException("its discovery " + url + " names no processor_certificate");
        }
        URI certUrl;
        try {
            certUrl = url.resolve(certificate.strip());
        } catch (IllegalArgumentException e) {
            throw new IOException("its discovery names processor_certificate '" + ProcessorCallbacks.cut(certificate)
                    + "', which is not a URL");
        }
        // §6.3: the certificate's domain must be the discovery's; a processor cannot point us elsewhere.
        if (certUrl.getHost() == null || !certUrl.getHost().equalsIgnoreCase(url.getHost())
                || !List.of("http", "https").contains(String.valueOf(certUrl.getScheme()))) {
            throw new IOException("its discovery names processor_certificate " + ProcessorCallbacks.cut(certificate)
                    + ", which is not on the discovery's host " + url.getHost());
        }
        return new Discovery(json.path("api_version").asText(""), pairs(json.path("supported_identities")),
                strings(json.path("supported_subject_request_types")), certUrl);
    }

    private static List<String> pairs(JsonNode list) {
        List<String> out = new ArrayList<>();
        list.forEach(n -> out.add(n.path("identity_type").asText("") + "/" + n.path("identity_format").asText("raw")));
        return out;
    }

    private static List<String> strings(JsonNode list) {
        List<String> out = new ArrayList<>();
        list.forEach(n -> out.add(n.asText("").toLowerCase(Locale.ROOT)));
        return out;
    }

    /**
     * What we would send it against what it says it takes: a mismatch is a warning naming the processor
     * (once per distinct mismatch), as its requests would be refused or find no one.
     */
    private void compare(DataProcessor p, Discovery d) {
        List<String> problems = new ArrayList<>();
        if (!d.supportedIdentities().isEmpty()) {
            for (DataProcessor.IdentitySpec spec : p.identities()) {
                String pair = spec.type() + "/" + (spec.sha256() ? "sha256" : "raw");
                if (!d.supportedIdentities().contains(pair)) {
                    problems.add("identity " + pair + " (from our " + spec.from() + ") is not among its supported"
                            + " identities " + d.supportedIdentities());
                }
            }
        }
        if (!d.supportedTypes().isEmpty()) {
            p.types().stream().map(t -> t.name().toLowerCase(Locale.ROOT)).filter(t -> !d.supportedTypes().contains(t))
                    .forEach(t -> problems.add("request type " + t + " is not among its supported types "
                            + d.supportedTypes()));
        }
        String ours = p.openDsr().get().apiVersion();
        if (!d.apiVersion().isBlank() && !major(d.apiVersion()).equals(major(ours))) {
            problems.add("it speaks api_version " + ProcessorCallbacks.cut(d.apiVersion()) + ", we send " + ours);
        }
        String text = String.join("; ", problems);
        if (!text.equals(warned.getOrDefault(p.name(), ""))) {
            warned.put(p.name(), text);
            if (!problems.isEmpty()) {
                LOG.warn("Processor {} (processors file line {}): its discovery does not match what we send it: {}."
                        + " Fix its identities or types in the processors file, or ask the processor.", p.name(),
                        p.line(), text);
            }
        }
    }

    private static String major(String version) {
        return version.strip().split("\\.", 2)[0];
    }

    private byte[] get(DataProcessor p, URI url, String what) throws IOException {
        DataProcessor.Http h = p.http().orElseThrow();
        HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(h.responseTimeout()).GET();
        ProcessorClient.authenticate(request, h.auth(), new byte[0]);
        HttpResponse<InputStream> response;
        try {
            response = client(p).send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new IOException(what + " could not be fetched: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(what + " could not be fetched: interrupted");
        }
        byte[] body;
        try (InputStream in = response.body()) {
            body = in.readNBytes(MAX_BYTES + 1);
        }
        if (response.statusCode() != 200) {
            throw new IOException(what + " answered HTTP " + response.statusCode());
        }
        if (body.length > MAX_BYTES) {
            throw new IOException(what + " is larger than " + MAX_BYTES + " bytes");
        }
        return body;
    }

    private HttpClient client(DataProcessor p) {
        return clients.computeIfAbsent(p.name(), n -> HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(p.http().get().connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build());
    }

    /** For the operator's view: per OpenDSR processor, its certificate's serial and end, or its problem. */
    public Map<String, String> summary() {
        Map<String, String> out = new LinkedHashMap<>();
        for (DataProcessor p : processors.all()) {
            if (p.openDsr().isPresent()) {
                Held h = held.get(p.name());
                out.put(p.name(), h == null ? "not asked yet" : h.certificate() != null
                        ? "valid until " + h.certificate().getNotAfter().toInstant()
                        : "no valid certificate: " + h.problem());
            }
        }
        return out;
    }
}
