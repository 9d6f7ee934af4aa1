package kz.dsr.datamap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.sql.DataSource;
import kz.dsr.demo.Sample;
import kz.dsr.testing.SampleApps;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each kind of data map mistake stops the start with a message naming the file, the line, what was
 * found and what was expected. Every case edits the shipped inji map in one place.
 */
class DataMapErrorsTest {

    private static DataSource inji;
    private static String shipped;

    @TempDir
    Path dir;

    @BeforeAll
    static void database() throws IOException {
        inji = SampleApps.create(Sample.INJI, 0).dataSource();
        shipped = Files.readString(SampleApps.mapFile(Sample.INJI), StandardCharsets.UTF_8);
    }

    /** Applies the edits (from, to, from, to…; each from must occur exactly once) and returns the error. */
    private String error(String... edits) throws IOException {
        String text = shipped;
        for (int i = 0; i < edits.length; i += 2) {
            int at = text.indexOf(edits[i]);
            assertTrue(at >= 0 && text.indexOf(edits[i], at + 1) < 0, "edit target must occur once: " + edits[i]);
            text = text.replace(edits[i], edits[i + 1]);
        }
        Path file = dir.resolve("datamap.yaml");
        Files.writeString(file, text, StandardCharsets.UTF_8);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SchemaCheck.check(DataMapLoader.load(file), inji));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        return e.getMessage();
    }

    private static int lineOf(String text) {
        return shipped.substring(0, shipped.indexOf(text)).split("\n", -1).length;
    }

    private static void assertContains(String message, String... parts) {
        for (String p : parts) {
            assertTrue(message.contains(p), "expected «" + p + "» in: " + message);
        }
    }

    @Test
    void misspeltTable() throws IOException {
        String m = error("  usage_events:\n", "  usage_event:\n");
        assertContains(m, "line " + lineOf("  usage_events:\n    via"), "table 'usage_event' does not exist",
                "did you mean 'usage_events'");
    }

    @Test
    void misspeltColumn() throws IOException {
        String m = error("      courier_note: {", "      courier_notes: {");
        assertContains(m, "line " + lineOf("      courier_note: {"), "column 'courier_notes' does not exist in table"
                + " addresses", "did you mean 'courier_note'");
    }

    @Test
    void misspeltLinkColumn() throws IOException {
        String m = error("via: { table: devices, on: { device_id: id } }", "via: { table: devices, on: { devise_id: id } }");
        assertContains(m, "line " + lineOf("via: { table: devices"), "column 'devise_id' does not exist in table usage_events");
    }

    @Test
    void linkToATableNotInTheMap() throws IOException {
        String m = error("via: { table: devices, on: { device_id: id } }", "via: { table: device, on: { device_id: id } }");
        assertContains(m, "line " + lineOf("via: { table: devices"), "links to 'device', which is not under tables:");
    }

    @Test
    void linksThatNeverReachTheSubject() throws IOException {
        String m = error("  devices:\n    via: { table: users, on: { user_id: id } }",
                "  devices:\n    via: { table: usage_events, on: { id: device_id } }");
        assertContains(m, "go round in a circle", "never reach the subject table users");
    }

    @Test
    void tableWithoutAWayToTheSubject() throws IOException {
        String m = error("  devices:\n    via: { table: users, on: { user_id: id } }\n", "  devices:\n");
        assertContains(m, "table devices does not say how it reaches the subject", "via:");
    }

    @Test
    void holdThatDoesNotCompile() throws IOException {
        String m = error("select 1 from orders where user_id = :subject", "select 1 from order where user_id = :subject");
        assertContains(m, "line " + lineOf("  order-in-delivery:"), "hold order-in-delivery does not compile",
                "syntax error");
    }

    @Test
    void holdOnAMissingTable() throws IOException {
        String m = error("select 1 from orders where user_id = :subject", "select 1 from orderz where user_id = :subject");
        assertContains(m, "hold order-in-delivery does not compile", "relation \"orderz\" does not exist");
    }

    @Test
    void holdThatIgnoresTheSubject() throws IOException {
        String m = error("where user_id = :subject and status", "where user_id = 1 and status");
        assertContains(m, "line " + lineOf("select 1 from orders where"), "never uses :subject");
    }

    @Test
    void holdThatIsNotASelect() throws IOException {
        String m = error("sql: select 1 from orders where user_id = :subject and status in ('created', 'in_delivery')",
                "sql: delete from orders where user_id = :subject");
        assertContains(m, "expected a SELECT statement");
    }

    @Test
    void unknownValidator() throws IOException {
        String m = error("rectify: { field: phone, validator: phone }", "rectify: { field: phone, validator: phonenumber }");
        assertContains(m, "line " + lineOf("rectify: { field: phone, validator: phone }"),
                "unknown validator 'phonenumber'", "expected phone, email, date");
    }

    @Test
    void nullOnANotNullColumn() throws IOException {
        String m = error("      phone:          { category: contact.phone, export: true, erase: hash,",
                "      phone:          { category: contact.phone, export: true, erase: \"null\",");
        assertContains(m, "users.phone is NOT NULL in the database, so erase: null cannot apply");
    }

    @Test
    void hashOnANonTextColumn() throws IOException {
        String m = error("      last_seen_at:   { category: usage.activity, export: true, erase: \"null\" }",
                "      last_seen_at:   { category: usage.activity, export: true, erase: hash }");
        assertContains(m, "users.last_seen_at is timestamp with time zone: erase: hash writes text");
    }

    @Test
    void fixedValueOfTheWrongType() throws IOException {
        String m = error("erase: value, value: now }", "erase: value, value: \"yesterday-ish\" }");
        assertContains(m, "users.closed_at erase: value 'yesterday-ish' does not compile",
                "invalid input syntax for type timestamp with time zone");
    }

    @Test
    void deletingRowsThatAKeptTablePointsAt() throws IOException {
        String m = error("  orders:\n    via: { table: users, on: { user_id: id } }\n    erasure: anonymise",
                "  orders:\n    via: { table: users, on: { user_id: id } }\n    erasure: keep\n    keep: { reason: x, period: 1y }");
        // the orders columns now carry erase: actions a kept table cannot have
        assertContains(m, "the rows of orders are kept on erasure");
    }

    @Test
    void deletingTheSubjectWhileOrdersStillPointAtIt() throws IOException {
        String usersBlock = shipped.substring(shipped.indexOf("  users:\n    erasure: anonymise"),
                shipped.indexOf("  addresses:"));
        String deleted = usersBlock.replace("erasure: anonymise", "erasure: delete")
                .replaceAll(", erase: (hash|\"null\"|keep|value, value: (now|\"false\"))", "");
        String m = error(usersBlock, deleted, "    older-than: 3y\n    action: anonymise", "    older-than: 3y\n    action: delete");
        assertContains(m, "erasure deletes the subject's rows of users, but the rows of orders are anonymised and"
                + " still point at them through [user_id]");
    }

    @Test
    void aForeignKeyFromATableMissingFromTheMap() throws IOException {
        String block = shipped.substring(shipped.indexOf("  usage_events:\n"), shipped.indexOf("\nholds:") + 1);
        String m = error(block, "");
        assertContains(m, "table usage_events refers to it", "is not in the data map");
    }

    @Test
    void linkJoiningDifferentTypes() throws IOException {
        String m = error("via: { table: devices, on: { device_id: id } }", "via: { table: devices, on: { event: id } }");
        assertContains(m, "joins text to bigint", "expected the same type on both sides");
    }

    @Test
    void sqlLookingNameIsRefusedBeforeAnySqlIsBuilt() throws IOException {
        String m = error("  usage_events:\n", "  \"usage_events; drop table users\":\n");
        assertContains(m, "is not a plain table name");
    }

    @Test
    void unknownKeyAndYamlSyntax() throws IOException {
        assertContains(error("    erasure: delete              # delivery addresses go with the account",
                "    erasur: delete"), "unknown key 'erasur' in table addresses");
        assertContains(error("company: inji ", "company: [inji "), "line");
    }

    @Test
    void exportedCategoryWithoutProcessingInformation() throws IOException {
        String m = error("      note: { category: purchase.notes, export: true }",
                "      note: { category: purchase.note, export: true }");
        assertContains(m, "line " + lineOf("      note: { category: purchase.notes"),
                "exported as category 'purchase.note', which processing: categories: does not describe");
    }

    @Test
    void severalProblemsAreReportedTogether() throws IOException {
        Path file = dir.resolve("two.yaml");
        Files.writeString(file, shipped.replace("      courier_note: {", "      courier_notes: {")
                .replace("      browser:    {", "      browsr:    {"), StandardCharsets.UTF_8);
        DataMapException e = assertThrows(DataMapException.class, () -> SchemaCheck.check(DataMapLoader.load(file), inji));
        assertEquals(2, e.problems().size(), e.getMessage());
        List<String> lines = e.problems().stream().map(p -> p.substring(0, p.indexOf(':', file.toString().length()))).toList();
        assertTrue(lines.get(0).contains("line " + lineOf("      courier_note: {")), lines.toString());
    }
}
