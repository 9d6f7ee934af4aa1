package kz.dsr.execute;

import static kz.dsr.testing.RunningPipeline.await;
import static kz.dsr.testing.TestMail.mail;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import kz.dsr.testing.RunningPipeline;
import kz.dsr.testing.TestMail;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * routes/execute-request.yaml in the running pipeline: a request that came in by mail, whose subject
 * is set as matching will set it, is carried out against the inService sample database; the outcome
 * is in the store, and a hold sends the person a reasoned reply.
 */
class ExecuteRequestRouteTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static RunningPipeline pipeline;
    private static JdbcTemplate app;

    @BeforeAll
    static void start() {
        pipeline = RunningPipeline.start();
        app = new JdbcTemplate(kz.dsr.testing.TestServers.get().dataSource(pipeline.settings().get("dsr.app-db.url")));
    }

    @AfterAll
    static void stop() {
        pipeline.close();
    }

    /** Delivers the mail, waits for its request, links it to {@code subject} (what matching does). */
    private static long requestFor(TestMail m, long subject) {
        pipeline.deliver(m.bytes());
        await("request", WAIT, () -> pipeline.count("select count(*) from inbound_message where message_key = ?"
                + " and request_id is not null", m.messageId()) == 1);
        long id = pipeline.store().queryForObject("select request_id from inbound_message where message_key = ?",
                Long.class, m.messageId());
        // What matching and verification do (RequestLifecycleTest covers them): subject known, request verified.
        pipeline.store().update("update request set subject_ref = ?, status = 'EXECUTING' where id = ?",
                String.valueOf(subject), id);
        return id;
    }

    private static void execute(long requestId) {
        pipeline.context().createProducerTemplate().sendBody("direct:execute-request", requestId);
    }

    @Test
    void anErasureIsCarriedOutAndItsCountsRecorded() {
        long id = requestFor(mail().from("aigerim.nurlanova@example.kz").subject("Удаление")
                .body("Прошу удалить мой аккаунт и все мои данные."), 1);
        execute(id);
        assertEquals("COMPLETED", pipeline.store().queryForObject("select status from request where id = ?", String.class, id));
        String details = pipeline.store().queryForObject("select details from request_event where request_id = ?"
                + " and kind = 'EXECUTED'", String.class, id);
        assertTrue(details.contains("\"table\":\"trip_points\",\"action\":\"DELETED\",\"rows\":14"), details);
        assertTrue(!details.contains("aigerim") && !details.contains("+7701"), "counts, never values: " + details);
        assertEquals(0, app.queryForObject("select count(*) from vehicles where user_id = 1", Integer.class));
    }

    @Test
    void aHoldStopsTheErasureAndThePersonIsToldWhy() {
        long id = requestFor(mail().from("debtor@example.kz").subject("Delete my account")
                .body("Please delete my account and all my personal data."), 2);
        execute(id);
        assertEquals("ON_HOLD", pipeline.store().queryForObject("select status from request where id = ?", String.class, id));
        assertEquals(1, app.queryForObject("select count(*) from id_documents where user_id = 2", Integer.class));
        await("on-hold reply", WAIT, () -> pipeline.received("debtor@example.kz").size() == 2);
        String body = pipeline.received("debtor@example.kz").stream().map(m -> {
            try {
                return (String) m.getContent();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).filter(b -> b.contains("cannot erase")).findFirst().orElseThrow();
        assertTrue(body.contains("unpaid debt"), body);
        // Executing again (the daily re-check) does not send a second identical reply.
        execute(id);
        assertEquals(1, pipeline.count("select count(*) from outbox where event_key like 'on-hold:%' and request_id = ?", id));
    }

    @Test
    void aRequestWithoutAMatchedSubjectFailsWithAReasonForTheOperator() {
        TestMail m = mail().from("nobody@example.kz").subject("Delete").body("Delete my account please.");
        long id = requestFor(m, 1);
        pipeline.store().update("update request set subject_ref = null where id = ?", id);
        execute(id);
        assertEquals("FAILED", pipeline.store().queryForObject("select status from request where id = ?", String.class, id));
        String details = pipeline.store().queryForObject("select details from request_event where request_id = ?"
                + " and kind = 'EXECUTION_FAILED'", String.class, id);
        assertTrue(details.contains("no matched subject"), details);
    }
}
