package kz.dsr.subject;

import static kz.dsr.testing.RunningPipeline.await;
import static kz.dsr.testing.TestMail.mail;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import kz.dsr.testing.RunningPipeline;
import kz.dsr.testing.TestMail;
import kz.dsr.testing.TestServers;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/** The status in the store is the state: a restarted pipeline picks every request up where it stood. */
class LifecycleRestartTest {

    private static final Duration WAIT = Duration.ofSeconds(40);

    @Test
    void aRequestWaitingForItsCodeAndOneCutOffMidExecutionBothFinishAfterARestart() throws Exception {
        try (RunningPipeline pipeline = RunningPipeline.start(Map.of("dsr.flow.poll-ms", "200",
                "dsr.flow.executing-lease-seconds", "10"))) {
            JdbcTemplate app = new JdbcTemplate(TestServers.get().dataSource(pipeline.settings().get("dsr.app-db.url")));
            TestMail m = mail().from("aigerim.nurlanova@example.kz").subject("Удалить")
                    .body("Прошу удалить мой аккаунт и все мои данные.");
            pipeline.deliver(m.bytes());
            await("waiting for the code", WAIT, () -> pipeline.count("select count(*) from request where status ="
                    + " 'AWAITING_VERIFICATION'") == 1);
            long id = pipeline.store().queryForObject("select id from request", Long.class);
            String ref = pipeline.store().queryForObject("select reference from request", String.class);

            // A second request, as a node that died mid-execution left it: EXECUTING, subject known.
            long cut = pipeline.store().queryForObject("insert into request (reference, type, status, language,"
                    + " requester_email, received_at, due_date, subject_ref, updated_at) values ('DSR-2026-990001',"
                    + " 'BLOCKING', 'EXECUTING', 'ru', 'erlan.saparov@example.kz', now(), current_date + 10, '5',"
                    + " now() - interval '1 hour') returning id", Long.class);

            pipeline.stopCamel();
            pipeline.startCamel();

            await("the cut-off execution resumed", WAIT, () -> "COMPLETED".equals(pipeline.store().queryForObject(
                    "select status from request where id = ?", String.class, cut)));
            assertEquals(1, app.queryForObject("select count(*) from users where id = 5 and processing_blocked",
                    Integer.class));
            assertEquals(1, pipeline.count("select count(*) from request_event where request_id = ? and kind ="
                    + " 'EXECUTION_RESUMED'", cut));

            await("the code mail", WAIT, () -> pipeline.received("aigerim.nurlanova@example.kz").stream()
                    .anyMatch(r -> RequestLifecycleTest.text(r).contains("одноразовый код:")));
            String codeMail = pipeline.received("aigerim.nurlanova@example.kz").stream().map(RequestLifecycleTest::text)
                    .filter(t -> t.contains("одноразовый код:")).findFirst().orElseThrow();
            Matcher code = Pattern.compile("код: (\\d{6})").matcher(codeMail);
            code.find();
            pipeline.replyToLast("aigerim.nurlanova@example.kz", ref, code.group(1));
            await("completed after the restart", WAIT, () -> "COMPLETED".equals(pipeline.store().queryForObject(
                    "select status from request where id = ?", String.class, id)));
            assertEquals(0, app.queryForObject("select count(*) from vehicles where user_id = 1", Integer.class));
        }
    }
}
