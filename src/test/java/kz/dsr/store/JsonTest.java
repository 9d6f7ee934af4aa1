package kz.dsr.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The JSON of the store's text columns: read back as written, and legible to an operator in psql. */
class JsonTest {

    @Test
    void detailsReadBackAsWrittenInTheirOrder() throws Exception {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("type", "ERASURE");
        details.put("rows", 3);
        details.put("confidence", 0.875);
        details.put("review", false);
        details.put("tables", List.of("users", "trip_points"));
        details.put("nested", Map.of("tier", "code"));
        details.put("missing", null);
        String json = Json.write(details);
        assertEquals("{\"type\":\"ERASURE\",\"rows\":3,\"confidence\":0.875,\"review\":false,"
                + "\"tables\":[\"users\",\"trip_points\"],\"nested\":{\"tier\":\"code\"},\"missing\":null}", json);
        JsonNode read = Json.mapper().readTree(json);
        assertEquals(3, read.path("rows").asInt());
        assertEquals("trip_points", read.path("tables").get(1).asText());
    }

    @Test
    void kazakhAndRussianTextIsStoredAsTextNotAsEscapes() {
        String json = Json.write(Map.of("evidence", "деректерімді жойыңыз, удалите"));
        assertEquals("{\"evidence\":\"деректерімді жойыңыз, удалите\"}", json);
    }

    @Test
    void quotesAndControlCharactersInTextCannotBreakTheDocument() throws Exception {
        String hostile = "\"}, {\"injected\": true, \"x\":\"\n\t\\";
        String json = Json.write(Map.of("subject", hostile));
        JsonNode read = Json.mapper().readTree(json);
        assertEquals(1, read.size());
        assertEquals(hostile, read.path("subject").asText());
    }

    @Test
    void aValueThatHasNoJsonFormIsRefusedNamingItsType() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.write(new Object()));
        assertEquals("Cannot write JSON for Object", e.getMessage());
    }
}
