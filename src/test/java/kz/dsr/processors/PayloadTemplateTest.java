package kz.dsr.processors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import kz.dsr.store.Json;
import org.junit.jupiter.api.Test;

/** A processor's JSON body: whatever the values hold, the JSON keeps its shape and carries them exactly. */
class PayloadTemplateTest {

    private static final PayloadTemplate TEMPLATE = PayloadTemplate.compile("""
            {"user": "{{subject}}", "name": "{{new_value}}", "mail": "{{email}}", "ticket": "{{subject_request_id}}"}
            """, "test");

    @Test
    void quotesBackslashesNewlinesAndTemplateSyntaxInAValueStayInsideItsString() throws Exception {
        String name = "Robert\"}, \"admin\": true, \"x\": \"\\\n\r\t\u0001 {{subject}} {{{email}}} }} {{ ${email} ${";
        String mail = "a{{#subject}}@b.kz";
        JsonNode body = Json.mapper().readTree(TEMPLATE.render(Map.of("subject", "u-1", "new_value", name,
                "email", mail, "subject_request_id", "id-1")));
        assertEquals(4, body.size(), "no key added: " + body);
        assertEquals("u-1", body.path("user").asText());
        assertEquals(name, body.path("name").asText(), "carried exactly, never filled in as a template");
        assertEquals(mail, body.path("mail").asText());
        assertEquals("id-1", body.path("ticket").asText());
    }

    @Test
    void aMissingValueIsEmptyAndASectionWritesAPartOnlyWithIt() throws Exception {
        PayloadTemplate t = PayloadTemplate.compile(
                "{\"user\": \"{{subject}}\"{{#phone}}, \"phone\": \"{{phone}}\"{{/phone}}}", "test");
        assertEquals("{\"user\": \"\"}", t.render(Map.of()));
        JsonNode withPhone = Json.mapper().readTree(t.render(Map.of("subject", "u", "phone", "+7\"7")));
        assertEquals("+7\"7", withPhone.path("phone").asText());
    }

    @Test
    void anUnescapedTagOrAnUnknownNameIsRefusedWithItsLine() {
        String unescaped = assertThrows(IllegalArgumentException.class,
                () -> PayloadTemplate.compile("{\n\"a\": \"{{&email}}\"}", "t")).getMessage();
        assertTrue(unescaped.contains(":2: ") && unescaped.contains("unescaped"), unescaped);
        String unknown = assertThrows(IllegalArgumentException.class,
                () -> PayloadTemplate.compile("{\"a\": \"{{emial_sha256}}\"}", "t")).getMessage();
        assertTrue(unknown.contains("did you mean 'email_sha256'"), unknown);
    }
}
