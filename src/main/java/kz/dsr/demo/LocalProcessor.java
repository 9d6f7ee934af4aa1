package kz.dsr.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import kz.dsr.store.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A processor on this machine, for the demo and the tests: an OpenDSR processor as the specification
 * has it, and a custom JSON endpoint, on 127.0.0.1 and a free port. Both are idempotent as a real
 * processor should be (a repeated call with the same id answers as the first did and opens nothing
 * new), and record what they saw. Tests script its next answers: failures, slow answers, refusals, a
 * bad signature.
 *
 * <p>Its OpenDSR side lives under any base path ({@link #openDsrBase()} names one; a shipped processors
 * file pointed here keeps its own):
 * <ul>
 * <li>{@code GET {base}/discovery}: api_version, supported identities and types, and
 * {@code processor_certificate}, {@code {base}/processor-certificate.pem} — the chain of its
 * {@link DemoCa.Identity};</li>
 * <li>{@code POST {base}/opencompliance_requests} (or {@code opendsr_requests}, {@code opengdpr_requests}):
 * a request, idempotent by subject_request_id, answered 201 and signed;</li>
 * <li>{@code GET {base}/…_requests/{id}}: its status, signed; {@code DELETE}: cancelled while pending (202, signed);</li>
 * <li>{@code POST|PUT|DELETE} on any other path ({@link #customEndpoint()} names one): a custom API taking
 * any JSON, idempotent by the Idempotency-Key header.</li>
 * </ul>
 * Once it took a new request it reports it completed to the request's status_callback_urls, signed, when
 * it is set to call back. It signs with the identity it holds at that moment, so a test can rotate it.
 */
public final class LocalProcessor implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalProcessor.class);
    private static final String OPENDSR = "/opendsr";
    private static final String CUSTOM = "/custom";
    private static final String API_VERSION = "1.0";
    private static final Pattern REQUESTS = Pattern.compile("(.*)/(opencompliance|opendsr|opengdpr)_requests(?:/([^/]+))?");

    /** One call as the processor saw it; header names lowercase, first value each. */
    public record Call(String method, String path, Map<String, String> headers, String body, int status) {
    }

    /** A request the processor took: its id (subject_request_id or idempotency key) and the body. */
    public record Accepted(String id, String body, Map<String, String> headers) {
    }

    /** An answer scripted for one coming call: a status and text instead of the real one, or a delay first. */
    private record Scripted(int status, String text, Duration delay) {
    }

    /** @param signed whether it carries the processor's signature headers */
    private record Answer(int status, String json, boolean signed) {
        Answer(int status, String json) {
            this(status, json, false);
        }
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final HttpClient callbacks = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Deque<Scripted> script = new ArrayDeque<>();
    private final List<Call> calls = new ArrayList<>();
    private final Map<String, Accepted> accepted = new LinkedHashMap<>();
    private final Map<String, Answer> firstAnswers = new LinkedHashMap<>();
    private final Map<String, String> statuses = new LinkedHashMap<>();
    private final Map<String, String> callbackUrls = new LinkedHashMap<>();
    private volatile DemoCa.Identity identity;
    private volatile String family = "OpenCompliance";
    private volatile boolean callsBack;
    private volatile URI callbackOverride;
    private int badSignatures;

    private LocalProcessor(HttpServer server) {
        this.server = server;
    }

    /** Starts it on 127.0.0.1 and a free port; its OpenDSR answers are unsigned until {@link #signingAs}. */
    public static LocalProcessor start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            LocalProcessor p = new LocalProcessor(server);
            server.setExecutor(p.threads);
            server.createContext("/", p::handle);
            server.start();
            return p;
        } catch (IOException e) {
            throw new IllegalStateException("the local processor could not listen on 127.0.0.1", e);
        }
    }

    /** Starts it signing as {@code identity}. */
    public static LocalProcessor start(DemoCa.Identity identity) {
        return start().signingAs(identity);
    }

    /**
     * A copy of a processors file, written to {@code dir}, in which every processor's {@code url:} has
     * the scheme, host and port of {@code base} (its path kept): the shipped processors, played locally.
     */
    public static java.nio.file.Path pointedAt(java.nio.file.Path processorsFile, URI base, java.nio.file.Path dir)
            throws java.io.IOException {
        String local = base.getScheme() + "://" + base.getRawAuthority();
        String text = java.nio.file.Files.readString(processorsFile, java.nio.charset.StandardCharsets.UTF_8)
                .replaceAll("(?m)^(\\s*url:\\s*)https?://[^/\\s]+", "$1" + Matcher.quoteReplacement(local));
        java.nio.file.Path copy = dir.resolve("local-" + processorsFile.getFileName());
        java.nio.file.Files.writeString(copy, text, java.nio.charset.StandardCharsets.UTF_8);
        return copy;
    }

    /** An OpenDSR base URL (the {@code url} of an opendsr processor). */
    public URI openDsrBase() {
        return URI.create(root() + OPENDSR);
    }

    /** The custom endpoint (the {@code url} of an http processor). */
    public URI customEndpoint() {
        return URI.create(root() + CUSTOM);
    }

    private String root() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /**
     * From now on it signs with {@code identity} and publishes its chain at its processor_certificate:
     * a rotation, when it held another.
     */
    public LocalProcessor signingAs(DemoCa.Identity identity) {
        this.identity = identity;
        return this;
    }

    /** The header family it signs with: OpenCompliance (default), OpenDSR or OpenGDPR. */
    public LocalProcessor headers(String family) {
        this.family = family;
        return this;
    }

    /** After taking a new OpenDSR request, it reports it completed to the request's status_callback_urls. */
    public LocalProcessor callingBack() {
        this.callsBack = true;
        return this;
    }

    /** Like {@link #callingBack()}, to {@code url} whatever the request says. */
    public LocalProcessor callingBackTo(URI url) {
        this.callbackOverride = url;
        this.callsBack = true;
        return this;
    }

    /** The next {@code times} signed answers carry a signature that does not match their body. */
    public synchronized LocalProcessor badSignatureNext(int times) {
        badSignatures += times;
        return this;
    }

    /** The next {@code times} calls are answered {@code status} with {@code text}; nothing is taken. */
    public synchronized LocalProcessor answerNext(int times, int status, String text) {
        for (int i = 0; i < times; i++) {
            script.add(new Scripted(status, text, Duration.ZERO));
        }
        return this;
    }

    /** The next {@code times} calls fail with {@code status} (a 5xx, say). */
    public LocalProcessor failNext(int times, int status) {
        return answerNext(times, status, "{\"error\": \"scripted failure\"}");
    }

    /** The next {@code times} calls are answered only after {@code delay} (then handled as usual). */
    public synchronized LocalProcessor delayNext(int times, Duration delay) {
        for (int i = 0; i < times; i++) {
            script.add(new Scripted(0, null, delay));
        }
        return this;
    }

    public synchronized List<Call> calls() {
        return List.copyOf(calls);
    }

    public synchronized List<Accepted> accepted() {
        return List.copyOf(accepted.values());
    }

    /** Headers of the last call (names lowercase), empty before any call. */
    public synchronized Map<String, String> lastHeaders() {
        return calls.isEmpty() ? Map.of() : calls.get(calls.size() - 1).headers();
    }

    /** An OpenDSR request's status (pending, in_progress, completed, cancelled), or null. */
    public synchronized String status(String subjectRequestId) {
        return statuses.get(subjectRequestId);
    }

    /** Sets an OpenDSR request's status (pending, in_progress, completed, cancelled). */
    public synchronized void status(String subjectRequestId, String status) {
        if (!statuses.containsKey(subjectRequestId)) {
            throw new IllegalArgumentException("the local processor has no request " + subjectRequestId);
        }
        statuses.put(subjectRequestId, status);
    }

    public void complete(String subjectRequestId) {
        status(subjectRequestId, "completed");
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] raw;
            try (InputStream in = exchange.getRequestBody()) {
                raw = in.readAllBytes();
            }
            String body = new String(raw, StandardCharsets.UTF_8);
            Map<String, String> headers = new LinkedHashMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v.get(0)));
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            Scripted next;
            synchronized (this) {
                next = script.poll();
            }
            if (next != null && !next.delay().isZero()) {
                sleep(next.delay());
            }
            Answer answer = next != null && next.status() > 0 ? new Answer(next.status(), next.text())
                    : answer(method, path, headers, body);
            synchronized (this) {
                calls.add(new Call(method, path, Map.copyOf(headers), body, answer.status()));
            }
            byte[] out = answer.json().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", path.endsWith(".pem") ? "application/x-pem-file"
                    : "application/json");
            DemoCa.Identity signer = identity;
            if (answer.signed() && signer != null) {
                exchange.getResponseHeaders().set("X-" + family + "-Processor-Domain", signer.domain());
                exchange.getResponseHeaders().set("X-" + family + "-Signature", signature(signer, out));
            }
            // The caller may have timed out meanwhile: its connection is gone, which is what the test wants.
            try {
                exchange.sendResponseHeaders(answer.status(), out.length == 0 ? -1 : out.length);
                try (OutputStream o = exchange.getResponseBody()) {
                    o.write(out);
                }
            } catch (IOException gone) {
                LOG.debug("local processor: the caller left before the answer ({})", gone.getMessage());
            }
        }
    }

    /** The signature of {@code body}, or, when a test asked for it, one of other bytes. */
    private String signature(DemoCa.Identity signer, byte[] body) {
        synchronized (this) {
            if (badSignatures > 0) {
                badSignatures--;
                return signer.sign("not the body".getBytes(StandardCharsets.UTF_8));
            }
        }
        return signer.sign(body);
    }

    private Answer answer(String method, String path, Map<String, String> headers, String body) {
        if (path.endsWith("/discovery") && method.equals("GET")) {
            String base = path.substring(0, path.length() - "/discovery".length());
            return new Answer(200, Json.write(Map.of("api_version", API_VERSION,
                    "supported_identities", List.of(Map.of("identity_type", "email", "identity_format", "sha256"),
                            Map.of("identity_type", "email", "identity_format", "raw"),
                            Map.of("identity_type", "phone_number", "identity_format", "sha256"),
                            Map.of("identity_type", "phone_number", "identity_format", "raw"),
                            Map.of("identity_type", "controller_customer_id", "identity_format", "raw")),
                    "supported_subject_request_types", List.of("erasure", "access"),
                    "processor_certificate", root() + base + "/processor-certificate.pem")));
        }
        if (path.endsWith("/processor-certificate.pem") && method.equals("GET")) {
            DemoCa.Identity signer = identity;
            return signer == null ? new Answer(404, "{\"error\": \"no certificate\"}")
                    : new Answer(200, new String(signer.pem(), StandardCharsets.US_ASCII));
        }
        Matcher m = REQUESTS.matcher(path);
        if (m.matches()) {
            String id = m.group(3);
            if (id == null && method.equals("POST")) {
                return openDsrRequest(headers, body);
            }
            if (id != null && method.equals("GET")) {
                return statusOf(id);
            }
            if (id != null && method.equals("DELETE")) {
                return cancel(id);
            }
            return new Answer(405, "{\"error\": {\"code\": 405, \"message\": \"method not allowed\"}}");
        }
        if (!path.startsWith(OPENDSR + "/") && List.of("POST", "PUT", "DELETE").contains(method)) {
            String key = headers.get("idempotency-key");
            if (key == null || key.isBlank() || parse(body) == null) {
                return new Answer(400, "{\"error\": \"a JSON body and an Idempotency-Key header are required\"}");
            }
            return take(key, headers, body, new Answer(200, "{\"accepted\": true}"));
        }
        return new Answer(404, "{\"error\": \"not found\"}");
    }

    private Answer openDsrRequest(Map<String, String> headers, String body) {
        JsonNode json = parse(body);
        String id = json == null ? null : json.path("subject_request_id").asText(null);
        if (id == null || id.isBlank()) {
            return new Answer(400, "{\"error\": {\"code\": 400, \"message\": \"subject_request_id field is required\"}}");
        }
        boolean isNew;
        Answer answer;
        synchronized (this) {
            isNew = !accepted.containsKey(id);
            Map<String, Object> created = new LinkedHashMap<>();
            created.put("controller_id", "local-controller");
            created.put("expected_completion_time", Instant.now().plus(Duration.ofDays(7)).toString());
            created.put("received_time", Instant.now().toString());
            // §7.3: the whole request back, Base64 — which the controller must neither log nor store.
            created.put("encoded_request", Base64.getEncoder().encodeToString(body.getBytes(StandardCharsets.UTF_8)));
            created.put("subject_request_id", id);
            answer = take(id, headers, body, new Answer(201, Json.write(created), true));
            statuses.putIfAbsent(id, "pending");
            JsonNode urls = json.path("status_callback_urls");
            if (urls.isArray() && urls.size() > 0) {
                callbackUrls.putIfAbsent(id, urls.get(0).asText());
            }
        }
        if (isNew && callsBack) {
            threads.execute(() -> sendCallback(id));
        }
        return answer;
    }

    private synchronized Answer statusOf(String id) {
        String status = statuses.get(id);
        if (status == null) {
            return new Answer(404, "{\"error\": {\"code\": 404, \"message\": \"no such request\"}}");
        }
        return new Answer(200, Json.write(statusBody(id, status, false)), true);
    }

    /** §9: a request is cancelled only while pending; 202, signed. */
    private synchronized Answer cancel(String id) {
        String status = statuses.get(id);
        if (status == null) {
            return new Answer(404, "{\"error\": {\"code\": 404, \"message\": \"no such request\"}}");
        }
        if (!status.equals("pending") && !status.equals("cancelled")) {
            return new Answer(400, "{\"error\": {\"code\": 400, \"message\": \"the request is " + status
                    + ", only a pending one can be cancelled\"}}");
        }
        statuses.put(id, "cancelled");
        return new Answer(202, Json.write(Map.of("controller_id", "local-controller", "subject_request_id", id,
                "received_time", Instant.now().toString(), "api_version", API_VERSION)), true);
    }

    private Map<String, Object> statusBody(String id, String status, boolean callback) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("controller_id", "local-controller");
        out.put("expected_completion_time", Instant.now().plus(Duration.ofDays(7)).toString());
        if (callback) {
            out.put("status_callback_url", callbackUrls.getOrDefault(id, String.valueOf(callbackOverride)));
        }
        out.put("subject_request_id", id);
        out.put("request_status", status);
        out.put("api_version", API_VERSION);
        Accepted a = accepted.get(id);
        if (status.equals("completed") && a != null && a.body().contains("\"access\"")) {
            out.put("results_url", root() + "/results/" + id);
            out.put("results_count", 1);
        }
        return out;
    }

    /** Takes a request once; a repeat gets the first answer again (as idempotency keys promise). */
    private synchronized Answer take(String id, Map<String, String> headers, String body, Answer first) {
        if (!accepted.containsKey(id)) {
            accepted.put(id, new Accepted(id, body, Map.copyOf(headers)));
            firstAnswers.put(id, first);
        }
        return firstAnswers.get(id);
    }

    private void sendCallback(String id) {
        URI url;
        byte[] body;
        synchronized (this) {
            statuses.put(id, "completed");
            String to = callbackOverride != null ? callbackOverride.toString() : callbackUrls.get(id);
            if (to == null) {
                LOG.warn("local processor: request {} names no status_callback_urls: no callback", id);
                return;
            }
            url = URI.create(to);
            callbackUrls.putIfAbsent(id, to);
            body = Json.write(statusBody(id, "completed", true)).getBytes(StandardCharsets.UTF_8);
        }
        DemoCa.Identity signer = identity;
        try {
            HttpRequest.Builder r = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body));
            if (signer != null) {
                r.header("X-" + family + "-Processor-Domain", signer.domain())
                        .header("X-" + family + "-Signature", signature(signer, body));
            }
            HttpResponse<Void> answer = callbacks.send(r.build(), HttpResponse.BodyHandlers.discarding());
            LOG.info("local processor: callback for {} answered HTTP {}", id, answer.statusCode());
        } catch (IOException e) {
            LOG.warn("local processor: callback for {} to {} failed: {}", id, url, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static JsonNode parse(String body) {
        try {
            return Json.mapper().readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
        try {
            threads.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
