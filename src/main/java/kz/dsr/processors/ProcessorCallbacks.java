package kz.dsr.processors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import kz.dsr.store.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionOperations;

/**
 * {@code POST /opendsr/callback}: an OpenDSR processor tells us where it stands on a request. The
 * checks run in this order (§8.8) so that nothing from an unknown or forged caller is ever parsed: the
 * processor is found by the domain it names ({@code X-OpenCompliance-}, {@code X-OpenDSR-} or
 * {@code X-OpenGDPR-Processor-Domain}), which must be allow-listed in the processors file; the body must
 * be JSON (a form is what a browser can be made to post); the signature header of the same family must
 * verify over the raw bytes with the processor's certificate ({@link ProcessorCertificates}); only then
 * is the JSON read, and its {@code status_callback_url} must be ours.
 *
 * <p>The report runs in one store transaction. A signed body can be replayed by anyone who saw it, so:
 * an exact replay within the window ({@link CallbackReplays}) gets the first call's answer and changes
 * nothing, and a callback that would move the task backwards (in_progress after completed, pending
 * after cancelled) is refused with 409 and recorded on the request. 409 rather than a 200 "ignored":
 * the processor's records disagree with ours (or someone replays its calls), and its developers
 * should see an error, not a success; a 4xx is also what a well-behaved sender does not retry.
 */
public final class ProcessorCallbacks {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessorCallbacks.class);

    /** What the endpoint answers: the HTTP status and a small JSON body (never personal data). */
    public record Answer(int status, String json) {

        static Answer of(int status, String key, String value) {
            return new Answer(status, Json.write(Map.of(key, value)));
        }
    }

    private static final String REFUSED = "unknown processor domain or bad signature";

    private final ProcessorTasks tasks;
    private final ProcessorCertificates certificates;
    private final CallbackReplays replays;
    private final TransactionOperations transaction;
    private final int maxBodyBytes;
    private final String callbackUrl;

    /** @param callbackUrl our public callback URL, the one we send in status_callback_urls */
    public ProcessorCallbacks(ProcessorTasks tasks, ProcessorCertificates certificates, CallbackReplays replays,
            TransactionOperations transaction, int maxBodyBytes, String callbackUrl) {
        this.tasks = tasks;
        this.certificates = certificates;
        this.replays = replays;
        this.transaction = transaction;
        this.maxBodyBytes = maxBodyBytes;
        this.callbackUrl = callbackUrl;
    }

    /**
     * The signing headers of a callback, in whichever family it uses; the route takes them (and the
     * Content-Type) before it drops every incoming header.
     */
    public OpenDsrHeaders.Signed signedBy(Map<String, Object> headers) {
        return OpenDsrHeaders.read(name -> headers.get(name) == null ? null : String.valueOf(headers.get(name)));
    }

    /** What the report did, and where the task stands after it. */
    private record Outcome(ProcessorTasks.Change change, boolean replay, TaskStatus standing) {
    }

    /**
     * @param contentTypeHeader the request's Content-Type; the headers are the request's values as
     *                          the route put them aside (a caller's own headers never reach the answer)
     */
    public Answer handle(OpenDsrHeaders.Signed signed, String contentTypeHeader, byte[] rawBody) {
        if (!signed.present()) {
            LOG.warn("Callback refused: it names no processor domain (X-OpenCompliance-, X-OpenDSR- or"
                    + " X-OpenGDPR-Processor-Domain)");
            return Answer.of(403, "error", REFUSED);
        }
        Optional<DataProcessor> found = tasks.processors().byDomain(signed.domain());
        if (found.isEmpty()) {
            // The domain is the caller's claim, not ours: logged cut short, nothing is fetched for it, and
            // the answer does not say which domains exist.
            LOG.warn("Callback refused: domain '{}' is not allow-listed (no OpenDSR processor of the processors file"
                    + " has it). If a processor's domain changed, update its domain.", cut(signed.domain()));
            return Answer.of(403, "error", REFUSED);
        }
        DataProcessor p = found.get();
        if (!isJson(contentTypeHeader)) {
            LOG.warn("Callback from processor {} refused: its Content-Type is '{}', not application/json",
                    p.name(), cut(contentTypeHeader));
            return Answer.of(415, "error", "Content-Type must be application/json");
        }
        byte[] body = rawBody == null ? new byte[0] : rawBody;
        if (body.length > maxBodyBytes) {
            LOG.warn("Callback from processor {} refused: its body has {} bytes, more than the {} accepted",
                    p.name(), body.length, maxBodyBytes);
            return Answer.of(413, "error", "body larger than " + maxBodyBytes + " bytes");
        }
        ProcessorCertificates.Check check = certificates.verify(p, signed, body);
        if (!check.verified()) {
            LOG.warn("Callback from processor {} refused (403): {}", p.name(), check.reason());
            return Answer.of(403, "error", REFUSED);
        }
        Parsed parsed;
        try {
            parsed = parse(body);
        } catch (IllegalArgumentException e) {
            LOG.warn("Callback from processor {} refused: {}", p.name(), e.getMessage());
            return Answer.of(400, "error", e.getMessage());
        }
        if (!parsed.callbackUrl().equals(callbackUrl)) {
            // §8.8 step 6: a genuine callback meant for another endpoint (another controller's) is not ours.
            LOG.warn("Callback from processor {} refused (403): its status_callback_url '{}' is not ours ({})",
                    p.name(), cut(parsed.callbackUrl()), callbackUrl);
            return Answer.of(403, "error", "status_callback_url is not this endpoint");
        }
        Map<String, Object> details = new LinkedHashMap<>(parsed.details());
        String digest = CallbackReplays.digest(body);
        Outcome outcome = transaction.execute(s -> report(p, parsed, digest, details));
        TaskStatus reported = parsed.status();
        if (outcome.replay()) {
            LOG.info("Request {}: callback from processor {} repeats one already processed (same body): answered"
                    + " as before, nothing changed", reference(parsed.id()), p.name());
        }
        return switch (outcome.change()) {
            case CHANGED -> outcome.replay()
                    ? duplicate(reported)
                    : new Answer(200, Json.write(Map.of("result", "recorded", "status", reported.name())));
            case DUPLICATE -> duplicate(reported);
            case BACKWARDS -> {
                if (!outcome.replay()) {
                    LOG.warn("Request {}: callback from processor {} says {}, but its task is already {}: refused"
                            + " (409), nothing changed. A replayed call, or the processor's records disagree with"
                            + " ours: ask it where it stands.", reference(parsed.id()), p.name(), reported,
                            outcome.standing());
                }
                String standing = outcome.standing().name().toLowerCase(Locale.ROOT);
                yield new Answer(409, Json.write(Map.of("error", "the task is " + standing
                        + (outcome.standing().isFinal() ? ", which is final" : "") + ": "
                        + reported.name().toLowerCase(Locale.ROOT) + " would move it backwards; nothing changed",
                        "status", outcome.standing().name())));
            }
            case STALE -> {
                LOG.info("Request {}: callback from processor {} ignored, its task is already final ({} came late)",
                        reference(parsed.id()), p.name(), reported);
                yield new Answer(200, Json.write(Map.of("result", "ignored: already final")));
            }
            case NOT_FOUND -> {
                LOG.warn("Callback from processor {} names subject_request_id {}, which is not one we sent it;"
                        + " nothing changed. Ask the processor which request it means.", p.name(), parsed.id());
                yield Answer.of(404, "error", "no request of this processor has subject_request_id " + parsed.id());
            }
        };
    }

    /** In the callback's transaction: a replay gets its first outcome, anything else is reported. */
    private Outcome report(DataProcessor p, Parsed parsed, String digest, Map<String, Object> details) {
        Optional<ProcessorTasks.Task> task = tasks.byId(parsed.id()).filter(t -> t.processor().equals(p.name()));
        if (task.isEmpty()) {
            return new Outcome(ProcessorTasks.Change.NOT_FOUND, false, null);
        }
        long taskId = task.get().id();
        Optional<ProcessorTasks.Change> earlier = replays.claim(taskId, digest);
        ProcessorTasks.Change change = earlier.orElseGet(() -> {
            ProcessorTasks.Change c = tasks.report(p.name(), parsed.id(), parsed.status(), "callback", details);
            replays.settle(taskId, digest, c);
            return c;
        });
        TaskStatus standing = tasks.byId(parsed.id()).map(ProcessorTasks.Task::status).orElseThrow();
        return new Outcome(change, earlier.isPresent(), standing);
    }

    private static Answer duplicate(TaskStatus reported) {
        return new Answer(200, Json.write(Map.of("result", "duplicate", "status", reported.name())));
    }

    private String reference(UUID id) {
        return tasks.byId(id).map(ProcessorTasks.Task::reference).orElse("?");
    }

    /** application/json or a +json type, with or without parameters (charset). */
    static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        String type = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        return type.equals("application/json") || (type.startsWith("application/") && type.endsWith("+json"));
    }

    /** @param details what the processor told us beside the status, for the request's timeline */
    private record Parsed(UUID id, TaskStatus status, String callbackUrl, Map<String, Object> details) {
    }

    /** The OpenDSR callback body; every problem is a message the processor's developers can act on. */
    private static Parsed parse(byte[] body) {
        JsonNode json;
        try {
            json = Json.mapper().readTree(body);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("the body is not valid JSON"
                    + (e instanceof JsonProcessingException j && j.getLocation() != null
                            ? " (line " + j.getLocation().getLineNr() + ", column " + j.getLocation().getColumnNr() + ")"
                            : ""));
        }
        if (json == null || !json.isObject()) {
            throw new IllegalArgumentException("the body must be a JSON object with subject_request_id and"
                    + " request_status");
        }
        String id = text(json, "subject_request_id")
                .orElseThrow(() -> new IllegalArgumentException("subject_request_id is missing"));
        UUID uuid;
        try {
            uuid = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("subject_request_id is not a UUID");
        }
        String status = text(json, "request_status")
                .orElseThrow(() -> new IllegalArgumentException("request_status is missing"));
        TaskStatus to = TaskStatus.fromOpenDsr(status).orElseThrow(() -> new IllegalArgumentException(
                "request_status '" + cut(status) + "' is not pending, in_progress, completed or cancelled"));
        String callbackUrl = text(json, "status_callback_url")
                .orElseThrow(() -> new IllegalArgumentException("status_callback_url is missing"));
        return new Parsed(uuid, to, callbackUrl, reported(json));
    }

    /**
     * What a status (callback, poll answer) carries beside the status, as the request's timeline keeps it:
     * its dates, the processor's id for us, and for an access request where its results are (shown to the
     * operator, never fetched by us). Each value is cut short: the processor writes it, not us.
     */
    static Map<String, Object> reported(JsonNode json) {
        Map<String, Object> details = new LinkedHashMap<>();
        text(json, "expected_completion_time").ifPresent(v -> details.put("expectedCompletionTime", cut(v)));
        text(json, "api_version").ifPresent(v -> details.put("apiVersion", cut(v)));
        text(json, "controller_id").ifPresent(v -> details.put("controllerId", cut(v)));
        text(json, "received_time").ifPresent(v -> details.put("receivedTime", cut(v)));
        text(json, "results_url").filter(ProcessorCallbacks::isHttpUrl)
                .ifPresent(v -> details.put("resultsUrl", v.length() <= 2000 ? v : v.substring(0, 2000)));
        JsonNode count = json.get("results_count");
        if (count != null && count.canConvertToLong()) {
            details.put("resultsCount", count.asLong());
        }
        return details;
    }

    private static boolean isHttpUrl(String s) {
        try {
            java.net.URI u = java.net.URI.create(s);
            return ("https".equals(u.getScheme()) || "http".equals(u.getScheme())) && u.getHost() != null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static Optional<String> text(JsonNode json, String field) {
        JsonNode v = json.get(field);
        return v == null || !v.isTextual() || v.asText().isBlank() ? Optional.empty() : Optional.of(v.asText().strip());
    }

    /** A caller's value as far as it goes into a log line or an answer: short, one line. */
    static String cut(String s) {
        if (s == null) {
            return "(none)";
        }
        String one = s.replaceAll("[\\p{Cntrl}]", "?");
        return one.length() <= 64 ? one : one.substring(0, 64) + "…";
    }
}
