package kz.dsr.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped reply templates as a person reads them: lists laid out by the template, values as written. */
class ReplyTemplatesTest {

    private static final Templates SHIPPED = new Templates(Path.of("config/templates"));
    private static final MailComposer COMPOSER = new MailComposer(SHIPPED, "support@dsr.test", "Privacy team",
            "dsr.test");
    /** What a sender controls and what looks like template syntax, in one value. */
    private static final String HOSTILE = "{{reference}} ${reference} {{#kept}}x{{/kept}} }} {{{code}}} {{> x}}"
            + " <b>&amp;</b> \"q\" back\\slash";

    @TempDir
    Path dir;

    private static Map<String, Object> completed(List<Map<String, String>> kept) {
        Map<String, Object> v = new HashMap<>();
        v.put("reference", "DSR-2026-000001");
        v.put("deleted", "12");
        v.put("anonymised", "3");
        v.put("changed", "0");
        v.put("exported", "0");
        v.put("field", "");
        v.put("kept", kept);
        v.put("categories", List.of(Map.of("title", "Contacts"), Map.of("title", "Payments")));
        return v;
    }

    @Test
    void theKeptListIsLaidOutByTheTemplateInEveryLanguage() {
        List<Map<String, String>> kept = List.of(
                Map.of("rows", "4", "reason", "tax law", "period", "5 years"),
                Map.of("rows", "1", "reason", "a dispute", "period", "until it ends"));
        for (String lang : Templates.LANGUAGES) {
            String body = SHIPPED.render("completed-erasure", lang, completed(kept));
            assertTrue(body.contains("\n- 4 × tax law (5 years)\n- 1 × a dispute (until it ends)\n\n"), lang + ": " + body);
            String none = SHIPPED.render("completed-erasure", lang, completed(List.of()));
            assertTrue(none.contains(":\n-\n\n"), "nothing kept: a dash, as before (" + lang + "): " + none);
            assertFalse(none.contains("{{") || none.contains("×"), none);
        }
    }

    @Test
    void theCategoriesAreAListInTheAccessReplies() {
        for (String template : List.of("completed-access", "completed-access-confirmed")) {
            for (String lang : Templates.LANGUAGES) {
                String body = SHIPPED.render(template, lang, completed(List.of()));
                assertTrue(body.contains("\n- Contacts\n- Payments\n"), template + "." + lang + ": " + body);
            }
        }
    }

    @Test
    void aValueIsWrittenAsItIsNeverReadAsATemplateNorHtmlEscaped() {
        for (String lang : Templates.LANGUAGES) {
            String body = SHIPPED.render("rejected", lang, Map.of("reference", "DSR-2026-000001", "reason", HOSTILE));
            assertTrue(body.contains(HOSTILE), lang + ": " + body);
        }
        // the kept reason comes from the data map, the processor mail's correction from the sender
        String kept = SHIPPED.render("completed-erasure", "ru", completed(List.of(
                Map.of("rows", "1", "reason", HOSTILE, "period", "{{period}}"))));
        assertTrue(kept.contains("- 1 × " + HOSTILE + " ({{period}})"), kept);
        OutgoingMail toProcessor = COMPOSER.notice("processor-request", "en", Map.of("subjectRequestId", "id-1",
                "type", "rectification", "submittedTime", "2026-11-02T04:00:00Z", "processor", "courier",
                "identities", List.of(Map.of("type", "email", "value", "a{{type}}@example.kz", "hashed", false),
                        Map.of("type", "phone_number", "value", "ab12", "hashed", true)),
                "correction", List.of(Map.of("field", "name", "newValue", HOSTILE))), "privacy@courier.example",
                "DSR-2026-000001", null);
        assertEquals("Data subject request id-1: rectification [DSR-2026-000001]", toProcessor.subject());
        assertTrue(toProcessor.body().contains("Identities:\n- email: a{{type}}@example.kz\n- phone_number: sha256 ab12\n"
                + "Correction (rectification only): name -> " + HOSTILE + "\n"), toProcessor.body());
    }

    @Test
    void bilingualIsKazakhThenRussianInOneMail() {
        OutgoingMail ack = COMPOSER.reply("ack", MailComposer.BILINGUAL, Map.of("dueDate", "02.12.2026"),
                "a@example.kz", "DSR-2026-000001", "Удалите мои данные", null, List.of());
        String body = ack.body();
        int kk = body.indexOf("Өтінішіңізді алдық");
        int ru = body.indexOf("Мы получили ваше обращение");
        assertTrue(kk >= 0 && ru > kk && body.indexOf("* * *") > kk && body.indexOf("* * *") < ru, body);
        assertEquals(4, body.split("DSR-2026-000001", -1).length - 1, "reference twice in each language: " + body);
        assertEquals("Re: Удалите мои данные [DSR-2026-000001]", ack.subject());
    }

    @Test
    void aNoticeTakesItsSubjectFromTheFirstLine() {
        OutgoingMail code = COMPOSER.notice("code", "kk", Map.of("code", "123456", "expires", "02.12.2026 10:00"),
                "a@example.kz", "DSR-2026-000001", null);
        assertEquals("Растау кодыңыз [DSR-2026-000001]", code.subject());
        assertTrue(code.body().startsWith("Сәлеметсіз бе,") && code.body().contains("123456"), code.body());
    }

    @Test
    void theDigestListsItsRequestsOrSaysThereAreNone() {
        Map<String, Object> v = new HashMap<>();
        v.put("reference", "digest-2026-11-30");
        v.put("date", "2026-11-30");
        v.put("count", "2");
        v.put("requests", List.of(
                Map.of("reference", "DSR-2026-000007", "type", "ERASURE", "status", "AWAITING_VERIFICATION",
                        "due", "2026-11-28", "overdue", true, "daysLeft", "0", "daysOverdue", "2"),
                Map.of("reference", "DSR-2026-000009", "type", "ACCESS", "status", "RECEIVED",
                        "due", "2026-12-02", "overdue", false, "daysLeft", "2", "daysOverdue", "0")));
        String en = SHIPPED.render("digest", "en", v);
        assertTrue(en.contains("\n- DSR-2026-000007  ERASURE  AWAITING_VERIFICATION  due 2026-11-28, OVERDUE by 2 day(s)\n"
                + "- DSR-2026-000009  ACCESS  RECEIVED  due 2026-12-02, 2 day(s) left\n"), en);
        v.put("requests", List.of());
        v.put("count", "0");
        for (String lang : Templates.LANGUAGES) {
            String none = SHIPPED.render("digest", lang, v);
            assertFalse(none.contains("DSR-") || none.contains("{{"), none);
        }
        assertTrue(SHIPPED.render("digest", "en", v).contains("\nNo open requests.\n"));
    }

    @Test
    void aValueTheTemplateNeedsButIsNotGivenIsAnErrorNamingFileAndLine() {
        String error = assertThrows(IllegalArgumentException.class, () -> SHIPPED.render("ack", "en",
                Map.of("reference", "DSR-2026-000001"))).getMessage();
        assertTrue(error.contains("ack.en.txt:4") && error.contains("{{dueDate}} has no value"), error);
        String item = assertThrows(IllegalArgumentException.class, () -> SHIPPED.render("completed-erasure", "en",
                completed(List.of(Map.of("rows", "1", "reason", "tax law"))))).getMessage();
        assertTrue(item.contains("completed-erasure.en.txt:10") && item.contains("{{period}}"), item);
    }

    @Test
    void anEditedTemplateIsReadAgainAndABrokenEditNamesFileAndLine() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("config/templates"))) {
            for (Path f : files.toList()) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
        Templates templates = new Templates(dir);
        Path file = dir.resolve("expired.en.txt");
        assertTrue(templates.render("expired", "en", Map.of("reference", "R-1")).contains("could not confirm"));
        Files.writeString(file, "Request {{reference}} expired.\n");
        Files.setLastModifiedTime(file, FileTime.fromMillis(Files.getLastModifiedTime(file).toMillis() + 2000));
        assertEquals("Request R-1 expired.\n", templates.render("expired", "en", Map.of("reference", "R-1")));
        Files.writeString(file, "Request {{reference}}\nexpired {{#when}}.\n");
        Files.setLastModifiedTime(file, FileTime.fromMillis(Files.getLastModifiedTime(file).toMillis() + 4000));
        String error = assertThrows(IllegalArgumentException.class,
                () -> templates.render("expired", "en", Map.of("reference", "R-1"))).getMessage();
        assertTrue(error.contains("expired.en.txt:2") && error.contains("when"), error);
    }

    @Test
    void aListUsedAsAValueOrAnUnknownFieldIsRefusedAtLoad() throws IOException {
        MustacheTemplate.Names names = MustacheTemplate.Names.of("reference").list("kept", "rows", "reason");
        String asValue = assertThrows(IllegalArgumentException.class, () -> MustacheTemplate.compile(
                "Kept:\n{{kept}}\n", "x.txt", MustacheTemplate.Kind.PLAIN_TEXT, names)).getMessage();
        assertTrue(asValue.startsWith("x.txt:2: ") && asValue.contains("{{#kept}}"), asValue);
        String field = assertThrows(IllegalArgumentException.class, () -> MustacheTemplate.compile(
                "Kept:\n{{#kept}}\n- {{rows}} {{reasn}}\n{{/kept}}\n", "x.txt", MustacheTemplate.Kind.PLAIN_TEXT,
                names)).getMessage();
        assertTrue(field.startsWith("x.txt:3: ") && field.contains("did you mean 'reason'"), field);
    }
}
