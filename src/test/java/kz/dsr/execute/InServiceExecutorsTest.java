package kz.dsr.execute;

import static kz.dsr.execute.InjiExecutorsTest.HASH;
import static kz.dsr.execute.InjiExecutorsTest.category;
import static kz.dsr.execute.InjiExecutorsTest.outcome;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import kz.dsr.execute.Execution.Result;
import kz.dsr.execute.TableOutcome.Action;
import kz.dsr.demo.Sample;
import kz.dsr.store.Json;
import kz.dsr.subject.SubjectFinder;
import kz.dsr.testing.SampleApps;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/** Every executor on the inService sample: holds, a banned subject's suppression, consents as rows, SQL-looking values. */
class InServiceExecutorsTest {

    private SampleApps app;
    private JdbcTemplate sql;

    @BeforeEach
    void freshDatabase() {
        app = SampleApps.create(Sample.INSERVICE, 30);
        sql = new JdbcTemplate(app.dataSource());
    }

    private long count(String query, Object... args) {
        return sql.queryForObject(query, Long.class, args);
    }

    @Test
    void findsTheSubjectByEmailCaseBlindOrByPhone() {
        SubjectFinder finder = new SubjectFinder(app.map(), app.db());
        assertEquals(Set.of(1L), finder.find("email", "  Aigerim.Nurlanova@EXAMPLE.kz "));
        assertEquals(Set.of(1L), finder.find("phone", "87015550101"));
        assertEquals(Set.of(6L), finder.find("email", "o'brien@example.kz"));
        assertEquals(Set.of(), finder.find("email", "' or 1=1 --@x.kz"));
    }

    @Test
    void erasureDeletesAnonymisesAndKeepsPerTheMap() {
        Execution e = new Erasure(app.map(), app.db(), HASH).run(1L);
        assertEquals(Result.DONE, e.result());
        assertEquals(14, outcome(e, "trip_points").rows(), "trip_points → trips → users");
        assertEquals(2, outcome(e, "trips").rows());
        assertEquals(1, outcome(e, "vehicles").rows());
        assertEquals(Action.ANONYMISED, outcome(e, "service_bookings").action());
        assertEquals(Action.KEPT, outcome(e, "invoices").action());
        assertEquals(1, outcome(e, "invoices").rows());
        assertEquals(false, e.facts().get("banned"));
        assertEquals(0, count("select count(*) from vehicles where user_id = 1"));
        assertEquals(0, count("select count(*) from id_documents where user_id = 1"));
        assertEquals(0, count("select count(*) from consents where user_id = 1"));
        assertEquals(2, count("select count(*) from service_bookings where user_id = 1 and vehicle_id is null"));
        assertEquals(1, count("select count(*) from users where id = 1 and full_name is null and birth_date is null"
                + " and phone is null and email like 'hmac:%' and closed_at is not null"));
        assertEquals(0, count("select count(*) from suppressed_identities"), "only banned subjects are suppressed");
        assertEquals(1, count("select count(*) from vehicles where user_id = 5"), "other subjects untouched");
    }

    @Test
    void anUnpaidDebtHoldsTheErasureUntilItIsSettled() {
        Erasure erasure = new Erasure(app.map(), app.db(), HASH);
        Execution held = erasure.run(2L);
        assertEquals(Result.ON_HOLD, held.result());
        assertEquals("unpaid-debt", held.hold().orElseThrow().name());
        assertTrue(held.hold().get().reason().in("ru").contains("задолженность"));
        assertEquals(1, count("select count(*) from users where id = 2 and email = 'debtor@example.kz'"), "nothing changed");
        assertEquals(1, count("select count(*) from id_documents where user_id = 2"));

        sql.update("update debts set settled_at = now() where user_id = 2");
        Execution done = erasure.run(2L);
        assertEquals(Result.DONE, done.result());
        assertEquals(Action.KEPT, outcome(done, "debts").action(), "the settled debt is kept for accounting");
        assertEquals(0, count("select count(*) from id_documents where user_id = 2"));
    }

    @Test
    void anOpenDisputeHoldsTheErasure() {
        Execution held = new Erasure(app.map(), app.db(), HASH).run(3L);
        assertEquals("open-dispute", held.hold().orElseThrow().name());
        assertEquals(Result.DONE, new Erasure(app.map(), app.db(), HASH).run(5L).result(), "settled debt, closed dispute");
    }

    @Test
    void erasingABannedSubjectKeepsHashesOfTheirIdentities() {
        Execution e = new Erasure(app.map(), app.db(), HASH).run(4L);
        assertEquals(Result.DONE, e.result());
        assertEquals(true, e.facts().get("banned"));
        assertEquals(2, outcome(e, "suppressed_identities").rows());
        assertEquals(1, count("select count(*) from suppressed_identities where identity_type = 'email' and identity_hash = ?",
                HASH.hash("banned@example.kz")));
        assertEquals(1, count("select count(*) from suppressed_identities where identity_type = 'phone' and identity_hash = ?",
                HASH.hash("+77770000004")));
        assertEquals(1, count("select count(*) from bans where user_id = 4"), "the ban itself is kept");
        Execution again = new Erasure(app.map(), app.db(), HASH).run(4L);
        assertEquals(Result.DONE, again.result());
        assertEquals(2, count("select count(*) from suppressed_identities"), "no duplicates on a second run");
    }

    @Test
    void valuesThatLookLikeSqlAreOnlyEverData() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new AccessExport(app.map(), app.db(), Clock.systemUTC()).write(6L, "en", out);
        JsonNode doc = Json.mapper().readTree(out.toByteArray());
        assertTrue(category(doc, "identity").toString().contains("Robert'); DROP TABLE users;--"));
        assertTrue(category(doc, "usage.search").toString().contains("1' OR '1'='1"));

        Rectification r = new Rectification(app.map(), app.db(), HASH);
        assertEquals(Result.DONE, r.run(6L, "name", "x'); DELETE FROM users; --").result());
        assertEquals("x'); DELETE FROM users; --", sql.queryForObject("select full_name from users where id = 6", String.class));
        assertTrue(count("select count(*) from users") > 30);
        assertEquals(Result.DONE, new Erasure(app.map(), app.db(), HASH).run(6L).result());
        assertEquals(0, count("select count(*) from search_queries where user_id = 6"));
        assertTrue(count("select count(*) from users") > 30);
    }

    @Test
    void rectificationWithEachValidator() {
        Rectification r = new Rectification(app.map(), app.db(), HASH);
        assertEquals(Result.DONE, r.run(1L, "vehicle", "777 ABC 02").result(), "one car: the plate is changed");
        assertEquals("777 ABC 02", sql.queryForObject("select plate from vehicles where user_id = 1", String.class));
        assertEquals(Result.DONE, r.run(1L, "birth_date", "14.03.1993").result());
        assertEquals("1993-03-14", sql.queryForObject("select birth_date::text from users where id = 1", String.class));
        assertEquals(Result.REJECTED, r.run(1L, "birth_date", "31.02.1993").result());
        assertEquals(Result.DONE, r.run(1L, "gender", "Female").result());
        assertEquals(Result.REJECTED, r.run(1L, "gender", "robot").result());
        assertEquals(Result.DONE, r.run(1L, "email", " Aigerim.N@Example.KZ ").result());
        assertEquals("aigerim.n@example.kz", sql.queryForObject("select email from users where id = 1", String.class));
        assertEquals(Result.REJECTED, r.run(1L, "email", "not-an-address").result());
    }

    @Test
    void consentWithdrawalTurnsOffThePurposeRowsNamedOrAll() {
        Preferences p = new Preferences(app.map(), app.db());
        p.withdrawConsent(1L, List.of("analytics"));
        assertEquals(1, count("select count(*) from consents where user_id = 1 and not granted"));
        assertEquals(1, count("select count(*) from consents where user_id = 1 and purpose = 'analytics' and not granted"));
        p.withdrawConsent(1L, List.of());
        assertEquals(4, count("select count(*) from consents where user_id = 1 and not granted"));
        p.optOut(1L, List.of("email"));
        assertEquals(1, count("select count(*) from marketing_preferences where user_id = 1 and not email_news and sms_offers"));
        assertEquals(1, count("select count(*) from consents where user_id = 5 and purpose = 'analytics' and granted"));
    }

    @Test
    void blockingAndUnblocking() {
        ProcessingBlock b = new ProcessingBlock(app.map(), app.db(), null);
        assertEquals(1, b.block(5L).tables().get(0).rows());
        assertEquals(1, count("select count(*) from users where id = 5 and processing_blocked"));
        b.unblock(5L);
        assertEquals(0, count("select count(*) from users where id = 5 and processing_blocked"));
    }

    @Test
    void planShowsTheHold() {
        Planner.Plan plan = new Planner(app.map(), app.db()).plan(kz.dsr.request.RequestType.ERASURE, 2L);
        assertEquals(1, plan.holds().size());
        assertTrue(plan.holds().get(0).startsWith("unpaid-debt"));
    }
}
