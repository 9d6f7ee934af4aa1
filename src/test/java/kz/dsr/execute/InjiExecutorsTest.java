package kz.dsr.execute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import kz.dsr.execute.Execution.Result;
import kz.dsr.execute.TableOutcome.Action;
import kz.dsr.request.RequestType;
import kz.dsr.demo.Sample;
import kz.dsr.store.Json;
import kz.dsr.subject.SubjectFinder;
import kz.dsr.testing.SampleApps;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;

/** Every executor on the inji sample (phone-only accounts, a composite key three links from users). */
class InjiExecutorsTest {

    static final KeyedHash HASH = new KeyedHash("test-secret-0123456789-0123456789-abcdef");

    private SampleApps app;
    private JdbcTemplate sql;

    @BeforeEach
    void freshDatabase() {
        app = SampleApps.create(Sample.INJI, 30);
        sql = new JdbcTemplate(app.dataSource());
    }

    private long count(String query, Object... args) {
        return sql.queryForObject(query, Long.class, args);
    }

    @Test
    void findsTheSubjectByPhoneInAnyWriting() {
        SubjectFinder finder = new SubjectFinder(app.map(), app.db());
        assertEquals(Set.of(1L), finder.find("phone", "8 (701) 123-45-67"));
        assertEquals(Set.of(1L), finder.find("phone", "+7 701 123 45 67"));
        assertEquals(Set.of(), finder.find("phone", "+77000000000"));
        assertEquals(Set.of(), finder.find("phone", "1' OR '1'='1"));
    }

    @Test
    void erasureFollowsTheLinksChildrenFirstAndCountsEveryTable() {
        long otherRowsBefore = count("select count(*) from usage_events") - 20;
        long otherOrders = count("select count(*) from orders where user_id <> 1");
        Execution e = new Erasure(app.map(), app.db(), HASH).run(1L);

        assertEquals(Result.DONE, e.result());
        assertEquals(2, outcome(e, "order_item_notes").rows(), "notes reached through order_items (composite key) → orders → users");
        assertEquals(Action.DELETED, outcome(e, "order_item_notes").action());
        assertEquals(20, outcome(e, "usage_events").rows(), "usage_events → devices → users");
        assertEquals(2, outcome(e, "addresses").rows());
        assertEquals(1, outcome(e, "devices").rows());
        assertEquals(Action.ANONYMISED, outcome(e, "orders").action());
        assertEquals(3, outcome(e, "orders").rows());
        assertEquals(Action.KEPT, outcome(e, "payments").action());
        assertEquals(3, outcome(e, "payments").rows());
        assertTrue(outcome(e, "payments").reason().contains("accounting"), outcome(e, "payments").reason());
        assertEquals(7, outcome(e, "order_items").rows());

        assertEquals(0, count("select count(*) from addresses where user_id = 1"));
        assertEquals(0, count("select count(*) from devices where user_id = 1"));
        assertEquals(0, count("select count(*) from order_item_notes where order_id in (1,2,3)"));
        assertEquals(3, count("select count(*) from orders where user_id = 1 and address_id is null and comment is null"
                + " and recipient_phone is null"));
        assertEquals(3, count("select count(*) from payments where order_id in (1,2,3)"));
        String phone = sql.queryForObject("select phone from users where id = 1", String.class);
        assertTrue(KeyedHash.isHash(phone), phone);
        assertEquals(HASH.hash("+77011234567"), phone);
        assertEquals(1, count("select count(*) from users where id = 1 and display_name is null and closed_at is not null"
                + " and not marketing_sms and not marketing_push and not analytics_consent"));
        // nobody else was touched
        assertEquals(otherRowsBefore, count("select count(*) from usage_events"));
        assertEquals(otherOrders, count("select count(*) from orders where user_id <> 1 and (comment is not null or"
                + " address_id is not null or recipient_phone is not null or true)"));
        assertEquals(1, count("select count(*) from users where id = 2 and phone = '+77021112233' and display_name = 'Данияр'"));
    }

    @Test
    void erasureRunTwiceIsSafe() {
        Erasure erasure = new Erasure(app.map(), app.db(), HASH);
        erasure.run(1L);
        String phone = sql.queryForObject("select phone from users where id = 1", String.class);
        Execution again = erasure.run(1L);
        assertEquals(Result.DONE, again.result());
        assertEquals(0, again.rows(Action.DELETED));
        assertEquals(phone, sql.queryForObject("select phone from users where id = 1", String.class),
                "an anonymised value is not hashed a second time");
    }

    @Test
    void anOrderStillBeingDeliveredHoldsTheErasureThenReleasesIt() {
        sql.update("update orders set status = 'in_delivery' where id = 2");
        Execution held = new Erasure(app.map(), app.db(), HASH).run(1L);
        assertEquals(Result.ON_HOLD, held.result());
        assertEquals("order-in-delivery", held.hold().orElseThrow().name());
        assertTrue(held.hold().get().reason().in("kk").contains("тапсырыс"));
        assertEquals(2, count("select count(*) from addresses where user_id = 1"), "nothing changed");
        assertEquals(1, count("select count(*) from users where id = 1 and phone = '+77011234567'"));

        sql.update("update orders set status = 'delivered' where id = 2");
        assertEquals(Result.DONE, new Erasure(app.map(), app.db(), HASH).run(1L).result());
        assertEquals(0, count("select count(*) from addresses where user_id = 1"));
    }

    @Test
    void accessExportHasEverythingTheMapExportsGroupedByCategory() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Execution e = new AccessExport(app.map(), app.db(), Clock.systemUTC()).write(1L, "ru", out);
        JsonNode doc = Json.mapper().readTree(out.toByteArray());
        assertEquals(AccessExport.FORMAT, doc.get("format").asText());
        assertEquals("ТОО «inji», г. Уральск", doc.get("controller").asText());
        JsonNode phone = category(doc, "contact.phone");
        assertEquals("Номер телефона", phone.get("title").asText());
        assertTrue(phone.get("recipients").asText().contains("Курьеры"));
        assertEquals("+77011234567", phone.get("tables").get(0).get("rows").get(0).get(0).asText());
        JsonNode usage = category(doc, "usage.ip").get("tables").get(0);
        assertEquals("usage_events", usage.get("table").asText());
        assertEquals(20, usage.get("count").asLong());
        JsonNode notes = category(doc, "purchase.notes");
        assertTrue(notes.toString().contains("order_item_notes"));
        assertFalse(doc.toString().contains("push_token"), "columns marked export: false stay out");
        assertEquals(20, e.tables().stream().filter(t -> t.table().equals("usage_events")).findFirst().orElseThrow().rows());
    }

    @Test
    void accessExportAsFilesRendersTheSameDataAsHtml(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("export.json");
        Path html = dir.resolve("export.html");
        new AccessExport(app.map(), app.db(), Clock.systemUTC()).toFiles(2L, "kk", json, html);
        String page = Files.readString(html, StandardCharsets.UTF_8);
        assertTrue(page.startsWith("<!DOCTYPE html>"));
        assertTrue(page.contains("<html lang=\"kk\">"));
        assertTrue(page.contains("Телефон нөмірі"));
        assertTrue(page.contains("+77021112233"));
        assertTrue(page.contains("Данияр"));
    }

    @Test
    void rectificationValidatesAndWritesThePhoneAndKeepsOnlyAHashOfTheOld() {
        Rectification r = new Rectification(app.map(), app.db(), HASH);
        assertEquals(Result.REJECTED, r.run(1L, "phone", "12345").result());
        Execution e = r.run(1L, "phone", "8 747 888 99 00");
        assertEquals(Result.DONE, e.result());
        assertEquals("+77478889900", sql.queryForObject("select phone from users where id = 1", String.class));
        assertEquals(HASH.hash("+77011234567"), e.facts().get("old.users.phone"));
        assertFalse(e.toString().contains("+77011234567"), "the old value is not kept in clear");
        assertEquals(Result.REJECTED, r.run(1L, "iin", "950101300123").result(), "inji keeps no IIN");
    }

    @Test
    void rectificationOfAFieldWithSeveralRowsGoesToAnOperator() {
        Execution e = new Rectification(app.map(), app.db(), HASH).run(1L, "address", "Дача");
        assertEquals(Result.NEEDS_REVIEW, e.result());
        assertTrue(e.reason().contains("2 rows in addresses"), e.reason());
    }

    @Test
    void blockingSetsTheMappedColumnAndAnOperatorCanLiftIt() {
        ProcessingBlock block = new ProcessingBlock(app.map(), app.db(), null);
        long othersBlocked = count("select count(*) from users where id <> 1 and processing_blocked");
        block.block(1L);
        assertEquals(1, count("select count(*) from users where id = 1 and processing_blocked"));
        assertEquals(othersBlocked, count("select count(*) from users where id <> 1 and processing_blocked"));
        block.unblock(1L);
        assertEquals(0, count("select count(*) from users where id = 1 and processing_blocked"));
    }

    @Test
    void optOutAndConsentWithdrawalSetTheMappedFlags() {
        Preferences p = new Preferences(app.map(), app.db());
        Execution sms = p.optOut(1L, List.of("sms"));
        assertEquals(Result.DONE, sms.result());
        assertEquals(1, count("select count(*) from users where id = 1 and not marketing_sms and marketing_push"));
        p.optOut(1L, List.of());
        assertEquals(1, count("select count(*) from users where id = 1 and not marketing_sms and not marketing_push"));
        assertEquals(Result.REJECTED, p.optOut(1L, List.of("carrier-pigeon")).result());
        p.withdrawConsent(1L, List.of());
        assertEquals(1, count("select count(*) from users where id = 1 and not analytics_consent"));
        assertEquals(1, count("select count(*) from users where id = 2 and marketing_sms and analytics_consent"));
    }

    @Test
    void planChangesNothingAndMatchesWhatErasureThenDoes() {
        Planner.Plan plan = new Planner(app.map(), app.db()).plan(RequestType.ERASURE, 1L);
        assertTrue(plan.holds().isEmpty());
        TableOutcome notes = plan.tables().stream().filter(t -> t.table().equals("order_item_notes")).findFirst().orElseThrow();
        assertEquals(Action.WOULD_DELETE, notes.action());
        assertEquals(2, notes.rows());
        assertEquals(2, count("select count(*) from addresses where user_id = 1"), "plan changed nothing");
        Execution done = new Erasure(app.map(), app.db(), HASH).run(1L);
        for (TableOutcome planned : plan.tables()) {
            assertEquals(planned.rows(), outcome(done, planned.table()).rows(), planned.table());
        }
    }

    static TableOutcome outcome(Execution e, String table) {
        return e.tables().stream().filter(t -> t.table().equals(table)).findFirst()
                .orElseThrow(() -> new AssertionError("no outcome for " + table + " in " + e.tables()));
    }

    static JsonNode category(JsonNode doc, String name) {
        for (JsonNode c : doc.get("categories")) {
            if (c.get("category").asText().equals(name)) {
                return c;
            }
        }
        throw new AssertionError("no category " + name);
    }
}
