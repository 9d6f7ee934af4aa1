package kz.dsr.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.OffsetDateTime;

/** The JSON written into text columns of the store (details, attachment lists). */
public final class Json {

    private static final ObjectMapper MAPPER = new ObjectMapper().findAndRegisterModules();

    private Json() {
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Cannot write JSON for " + value.getClass().getSimpleName(), e);
        }
    }

    /** A text column read back into its type; an empty or missing column reads as JSON null. */
    public static <T> T read(String json, com.fasterxml.jackson.core.type.TypeReference<T> type) {
        try {
            return MAPPER.readValue(json == null || json.isBlank() ? "null" : json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable JSON in the store: " + e.getOriginalMessage(), e);
        }
    }

    /** JSON built by a query (json_agg of a sub-select, say) read as a tree. */
    public static JsonNode tree(String json) {
        return read(json, new com.fasterxml.jackson.core.type.TypeReference<JsonNode>() { });
    }

    /** A timestamptz as PostgreSQL writes it into JSON: ISO 8601 with the session's offset. */
    public static Instant instant(JsonNode value) {
        return OffsetDateTime.parse(value.asText()).toInstant();
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }
}
