package kz.dsr.processors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import kz.dsr.store.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionOperations;

/**
 * {@code POST /opendsr/callback}: an OpenDSR processor tells us where it stands on a request. The
 * checks run in this order so that nothing from an unknown or forged caller is ever parsed: the
 * processor is found by its {@code X-OpenDSR-Processor-Domain}, the {@code X-OpenDSR-Signature}
 * (HMAC-SHA256 of the raw body under its callback secret) is verified on the raw bytes, and only then
 * is the JSON read. The report runs in one store transaction; a duplicate changes nothing.
 */
public final class ProcessorCallbacks {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessorCallbacks.class);

    /** What the endpoint answers: the HTTP status and a small JSON body (never personal data). */
    public record Answer(int status, String json) {

        static Answer of(int status, String key, String value) {
            return new Answer(status, Json.write(Map.of(key, value)));
        }
    }

    private final ProcessorTasks tasks;
    private final TransactionOperations transaction;
    private final int maxBodyBytes;

    public ProcessorCallbacks(ProcessorTasks tasks, TransactionOperations transaction, int maxBodyBytes) {
        this.tasks = tasks;
        this.transaction = transaction;
        this.maxBodyBytes = maxBodyBytes;
    }

    public Answer handle(String domainHeader, String signatureHeader, byte[] rawBody) {
        Optional<Processor> found = tasks.processors().byCallbackDomain(domainHeader);
        if (found.isEmpty()) {
            // The domain is the caller's claim, not ours: logged cut short, and the answer does not say
            // which domains exist.
            LOG.warn("Callback refused: no processor in the processors file calls back as domain '{}'."
                    + " If a processor's domain changed, update its callback.domain.", cut(domainHeader));
            return Answer.of(403, "error", "unknown processor domain or bad signature");
        }
        Processor p = found.get();
        byte[] body = rawBody == null ? new byte[0] : rawBody;
        if (body.length > maxBodyBytes) {
            LOG.warn("Callback from processor {} refused: its body has {} bytes, more than the {} accepted",
                    p.name(), body.length, maxBodyBytes);
            return Answer.of(413, "error", "body larger than " + maxBodyBytes + " bytes");
        }
        if (!Signatures.verify(p.callback().orElseThrow().secret(), body, signatureHeader)) {
            LOG.warn("Callback from processor {} refused: the X-OpenDSR-Signature is {}. If its genuine callbacks"
                    + " fail too, the callback secret we hold differs from the processor's: agree it again.",
                    p.name(), signatureHeader == null ? "missing" : "not the body's HMAC under our secret");
            return Answer.of(403, "error", "unknown processor domain or bad signature");
        }
        Parsed parsed;
        try {
            parsed = parse(body);
        } catch (IllegalArgumentException e) {
            LOG.warn("Callback from processor {} refused: {}", p.name(), e.getMessage());
            return Answer.of(400, "error", e.getMessage());
        }
        Map<String, Object> details = new LinkedHashMap<>();
        parsed.expectedCompletion().ifPresent(v -> details.put("expectedCompletionTime", v));
        parsed.apiVersion().ifPresent(v -> details.put("apiVersion", v));
        ProcessorTasks.Change change = transaction.execute(s ->
                tasks.report(p.name(), parsed.id(), parsed.status(), "callback", details));
        return switch (change) {
            case CHANGED -> new Answer(200, Json.write(Map.of("result", "recorded", "status", parsed.status().name())));
            case DUPLICATE -> new Answer(200, Json.write(Map.of("result", "duplicate", "status", parsed.status().name())));
            case STALE -> {
                LOG.info("Request {}: callback from processor {} ignored, its task is already final ({} came late)",
                        tasks.byId(parsed.id()).map(ProcessorTasks.Task::reference).orElse("?"), p.name(),
                        parsed.status());
                yield new Answer(200, Json.write(Map.of("result", "ignored: already final")));
            }
            case NOT_FOUND -> {
                LOG.warn("Callback from processor {} names subject_request_id {}, which is not one we sent it;"
                        + " nothing changed. Ask the processor which request it means.", p.name(), parsed.id());
                yield Answer.of(404, "error", "no request of this processor has subject_request_id " + parsed.id());
            }
        };
    }

    private record Parsed(UUID id, TaskStatus status, Optional<String> expectedCompletion,
            Optional<String> apiVersion) {
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
        return new Parsed(uuid, to, text(json, "expected_completion_time").map(ProcessorCallbacks::cut),
                text(json, "api_version").map(ProcessorCallbacks::cut));
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
