package kz.dsr.processors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import kz.dsr.store.Json;

/**
 * A processor's answer as it may be kept or shown. An OpenDSR 201 carries {@code encoded_request}, our
 * whole request in Base64 — the subject's identities — which the controller must not log or store
 * (§7.3): it is taken out before any part of an answer reaches a log, an event or an operator's mail.
 */
final class OpenDsrAnswers {

    private OpenDsrAnswers() {
    }

    /** The answer parsed, or null when it is not JSON. */
    static JsonNode json(byte[] raw) {
        try {
            return raw == null || raw.length == 0 ? null : Json.mapper().readTree(raw);
        } catch (IOException e) {
            return null;
        }
    }

    /** The answer as text without {@code encoded_request} (at any depth); a non-JSON answer as it is. */
    static String withoutEncodedRequest(byte[] raw) {
        JsonNode json = json(raw);
        if (json == null) {
            String text = new String(raw == null ? new byte[0] : raw, StandardCharsets.UTF_8);
            // Not JSON, so not an OpenDSR answer; still, nothing that names the field goes on.
            return text.contains("encoded_request") ? "(answer withheld: it mentions encoded_request)" : text;
        }
        strip(json);
        return Json.write(json);
    }

    private static void strip(JsonNode node) {
        if (node instanceof ObjectNode o) {
            o.remove("encoded_request");
        }
        node.forEach(OpenDsrAnswers::strip);
    }
}
