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
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import kz.dsr.processors.Notices;
import kz.dsr.secrets.Hmac;
import kz.dsr.store.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A processor on this machine, for the demo and the tests: an OpenDSR receiver and a custom JSON
 * endpoint on 127.0.0.1 and a free port. Both are idempotent as a real processor should be (a repeated
 * call with the same id answers as the first did and opens nothing new), and record what they saw.
 * Tests script its next answers: failures, slow answers, refusals.
 *
 * <ul>
 * <li>{@code POST /opendsr/requests}: an OpenDSR request, idempotent by subject_request_id;</li>
 * <li>{@code GET /opendsr/requests/{id}}: its status (pending, in_progress, completed, cancelled);</li>
 * <li>{@code POST|PUT|DELETE} on any other path ({@link #customEndpoint()} names one): a custom API taking
 * any JSON, idempotent by the Idempotency-Key header.</li>
 * </ul>
 */
public final class LocalProcessor implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalProcessor.class);
    private static final String OPENDSR = "/opendsr";
    private static final String CUSTOM = "/custom";

    /** One call as the processor saw it; header names lowercase, first value each. */
    public record Call(String method, String path, Map<String, String> headers, String body, int status) {
    }

    /** A request the processor took: its id (subject_request_id or idempotency key) and the body. */
    public record Accepted(String id, String body, Map<String, String> headers) {
    }

    /** An answer scripted for one coming call: a status and text instead of the real one, or a delay first. */
    private record Scripted(int status, String text, Duration delay) {
    }

    private record Answer(int status, String json) {
    }

    private record Callback(URI url, String domain, String secret) {
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final HttpClient callbacks = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Deque<Scripted> script = new ArrayDeque<>();
    private final List<Call> calls = new ArrayList<>();
    private final Map<String, Accepted> accepted = new LinkedHashMap<>();
    private final Map<String, Answer> firstAnswers = new LinkedHashMap<>();
    private final Map<String, String> statuses = new LinkedHashMap<>();
    private volatile Callback callback;

    private LocalProcessor(HttpServer server) {
        this.server = server;
    }

    /** Starts it on 127.0.0.1 and a free port. */
    public static LocalProcessor start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            LocalProcessor p = new LocalProcessor(server);
            server.setExecutor(p.threads);
            server.createContext(OPENDSR, p::handle);
            // Any other path is a custom API endpoint: the shipped samples' paths work when redirected here.
            server.createContext("/", p::handle);
            server.start();
            return p;
        } catch (IOException e) {
            throw new IllegalStateException("the local processor could not listen on 127.0.0.1", e);
        }
    }

    /** The OpenDSR base URL (the {@code url} of an opendsr processor). */
    /**
     * A copy of a processors file, written to {@code dir}, in which every processor's {@code url:} has
     * the scheme, host and port of {@code base} (its path kept): the shipped processors, played locally.
     */
    public static java.nio.file.Path pointedAt(java.nio.file.Path processorsFile, URI base, java.nio.file.Path dir)
            throws java.io.IOException {
        String local = base.getScheme() + "://" + base.getRawAuthority();
        String text = java.nio.file.Files.readString(processorsFile, java.nio.charset.StandardCharsets.UTF_8)
                .replaceAll("(?m)^(\\s*url:\\s*)https?://[^/\\s]+", "$1" + java.util.regex.Matcher.quoteReplacement(local));
        java.nio.file.Path copy = dir.resolve("local-" + processorsFile.getFileName());
        java.nio.file.Files.writeString(copy, text, java.nio.charset.StandardCharsets.UTF_8);
        return copy;
    }

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

    /** After taking a new OpenDSR request, it reports it completed to {@code url}, signed, as processors do. */
    public LocalProcessor callbackTo(URI url, String domain, String secret) {
        callback = new Callback(url, domain, secret);
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
            exchange.getResponseHeaders().set("Content-Type", "application/json");
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

    private Answer answer(String method, String path, Map<String, String> headers, String body) {
        if (path.equals(OPENDSR + "/requests") && method.equals("POST")) {
            return openDsrRequest(headers, body);
        }
        if (path.startsWith(OPENDSR + "/requests/") && method.equals("GET")) {
            String id = path.substring((OPENDSR + "/requests/").length());
            synchronized (this) {
                String status = statuses.get(id);
                return status == null ? new Answer(404, "{\"error\": \"no such request\"}")
                        : new Answer(200, Json.write(Map.of("subject_request_id", id, "request_status", status,
                                "api_version", Notices.OPENDSR_API_VERSION)));
            }
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
            return new Answer(400, "{\"error\": \"subject_request_id is required\"}");
        }
        boolean isNew;
        Answer answer;
        synchronized (this) {
            isNew = !accepted.containsKey(id);
            answer = take(id, headers, body, new Answer(201, Json.write(Map.of("subject_request_id", id,
                    "request_status", "pending", "received_time", Instant.now().toString(),
                    "api_version", Notices.OPENDSR_API_VERSION))));
            statuses.putIfAbsent(id, "pending");
        }
        Callback c = callback;
        if (isNew && c != null) {
            threads.execute(() -> sendCallback(c, id));
        }
        return answer;
    }

    /** Takes a request once; a repeat gets the first answer again (as idempotency keys promise). */
    private synchronized Answer take(String id, Map<String, String> headers, String body, Answer first) {
        if (!accepted.containsKey(id)) {
            accepted.put(id, new Accepted(id, body, Map.copyOf(headers)));
            firstAnswers.put(id, first);
        }
        return firstAnswers.get(id);
    }

    private void sendCallback(Callback c, String id) {
        synchronized (this) {
            statuses.put(id, "completed");
        }
        byte[] body = Json.write(Map.of("subject_request_id", id, "request_status", "completed",
                "api_version", Notices.OPENDSR_API_VERSION)).getBytes(StandardCharsets.UTF_8);
        try {
            HttpResponse<Void> r = callbacks.send(HttpRequest.newBuilder(c.url()).timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .header("X-OpenDSR-Processor-Domain", c.domain())
                    .header("X-OpenDSR-Signature", Hmac.sign(c.secret(), body))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.discarding());
            LOG.info("local processor: callback for {} answered HTTP {}", id, r.statusCode());
        } catch (IOException e) {
            LOG.warn("local processor: callback for {} to {} failed: {}", id, c.url(), e.getMessage());
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
