package kz.dsr.intake;

import static kz.dsr.testing.RunningPipeline.await;
import static kz.dsr.testing.TestMail.mail;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.Map;
import kz.dsr.testing.RunningPipeline;
import kz.dsr.testing.TestMail;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The classifier in the pipeline: type and language on each request, support mail set aside, review asked for. */
class ClassifiedIntakeTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static RunningPipeline pipeline;

    @BeforeAll
    static void start() {
        pipeline = RunningPipeline.start(Map.of(
                "dsr.operator.address", "operator@dsr.test",
                "dsr.deadline.ACCESS", "10 calendar-days"));
    }

    @AfterAll
    static void stop() {
        pipeline.close();
    }

    private static Map<String, Object> requestOf(TestMail m) {
        await("request for " + m.messageId(), WAIT, () -> pipeline.count(
                "select count(*) from inbound_message where message_key = ? and request_id is not null", m.messageId()) == 1);
        return pipeline.store().queryForMap("select r.* , (r.due_date - (r.received_at at time zone 'Asia/Almaty')::date) "
                + "as days from request r join inbound_message m on m.request_id = r.id where m.message_key = ?",
                m.messageId());
    }

    @Test
    void aKazakhErasureRequestIsTypedAndAnsweredInKazakh() throws Exception {
        TestMail m = mail().from("kk@example.kz").subject("Аккаунт").body("Сәлеметсіз бе! Аккаунтымды жойыңызшы, өтінемін.");
        pipeline.deliver(m.bytes());
        Map<String, Object> request = requestOf(m);
        assertEquals("ERASURE", request.get("type"));
        assertEquals("kk", request.get("language"));
        assertEquals("CLASSIFIED", request.get("status"));
        // ERASURE: 15 working days from the day of receipt (config/calendar.yaml), capped at 30 calendar days.
        java.time.LocalDate received = ((java.sql.Timestamp) request.get("received_at")).toInstant()
                .atZone(java.time.ZoneId.of("Asia/Almaty")).toLocalDate();
        java.time.LocalDate due = kz.dsr.timers.WorkingCalendar.load(java.nio.file.Path.of("config/calendar.yaml"))
                .plusWorkingDays(received, 15);
        assertEquals(due.isAfter(received.plusDays(30)) ? received.plusDays(30) : due,
                ((java.sql.Date) request.get("due_date")).toLocalDate());
        await("ack", WAIT, () -> pipeline.received("kk@example.kz").size() == 1);
        assertTrue(((String) pipeline.received("kk@example.kz").get(0).getContent()).contains("Жауап беру мерзімі"));
    }

    @Test
    void theDueDateFollowsTheTypeFromConfig() {
        TestMail m = mail().from("access@example.kz").subject("Мои данные")
                .body("Какие персональные данные обо мне вы храните и кому передаёте?");
        pipeline.deliver(m.bytes());
        Map<String, Object> request = requestOf(m);
        assertEquals("ACCESS", request.get("type"));
        assertEquals(10, request.get("days"), "dsr.deadline.ACCESS = 10 calendar-days");
    }

    @Test
    void mailThatIsNotARequestGoesToTheSupportFolderUnanswered() throws Exception {
        TestMail m = mail().from("order@example.kz").subject("Заказ").body("Здравствуйте, где мой заказ? Жду уже два часа.");
        pipeline.deliver(m.bytes());
        await("recorded for support", WAIT, () -> pipeline.count("select count(*) from inbound_message where "
                + "message_key = ? and disposition = 'FOR_SUPPORT'", m.messageId()) == 1);
        await("moved to Support", WAIT, () -> pipeline.folderCount("Support") == 1);
        pipeline.awaitRouteRuns("outbox-relay", 3, WAIT); // an answer, had one been queued, would be sent by now
        assertEquals(0, pipeline.received("order@example.kz").size(), "never answered automatically");
        assertEquals(0, pipeline.count("select count(*) from request where requester_email = 'order@example.kz'"));
    }

    @Test
    void anUnclearRequestNeedsReviewAndTheOperatorIsTold() throws Exception {
        TestMail m = mail().from("unclear@example.kz").subject("").body("Удалите.");
        pipeline.deliver(m.bytes());
        Map<String, Object> request = requestOf(m);
        assertEquals("NEEDS_REVIEW", request.get("status"));
        assertEquals(Boolean.TRUE, request.get("review"));
        await("operator told", WAIT, () -> pipeline.received("operator@dsr.test").size() == 1);
        MimeMessage notice = pipeline.received("operator@dsr.test").get(0);
        String reference = (String) request.get("reference");
        assertEquals("Needs review [" + reference + "]", notice.getSubject());
        String body = (String) notice.getContent();
        assertTrue(body.contains(reference) && body.contains("ERASURE"), body);
        assertTrue(!body.contains("unclear@example.kz"), "the operator mail carries no personal data");
        await("requester acknowledged", WAIT, () -> pipeline.received("unclear@example.kz").size() == 1);
    }
}
