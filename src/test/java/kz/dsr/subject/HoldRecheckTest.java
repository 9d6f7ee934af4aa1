package kz.dsr.subject;

import static kz.dsr.testing.RunningPipeline.await;
import static kz.dsr.testing.TestMail.mail;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import kz.dsr.testing.RunningPipeline;
import kz.dsr.testing.TestServers;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/** An ON_HOLD erasure is checked again after the re-check period, and carried out once the debt is paid. */
class HoldRecheckTest {

    private static final Duration WAIT = Duration.ofSeconds(40);

    @Test
    void theHoldIsCheckedAgainAndTheErasureGoesOnWhenItClears() {
        try (RunningPipeline pipeline = RunningPipeline.start(Map.of("dsr.flow.poll-ms", "200",
                "dsr.flow.hold-recheck-minutes", "1"))) {
            JdbcTemplate app = new JdbcTemplate(TestServers.get().dataSource(pipeline.settings().get("dsr.app-db.url")));
            pipeline.deliver(mail().from("debtor@example.kz").subject("Удалить аккаунт")
                    .body("Прошу удалить мой аккаунт и все мои данные.").bytes());
            await("waiting for the code", WAIT, () -> pipeline.count("select count(*) from request where status ="
                    + " 'AWAITING_VERIFICATION'") == 1);
            long id = pipeline.store().queryForObject("select id from request", Long.class);
            String ref = pipeline.store().queryForObject("select reference from request", String.class);
            await("the code mail", WAIT, () -> pipeline.received("debtor@example.kz").stream()
                    .anyMatch(r -> RequestLifecycleTest.text(r).contains("одноразовый код:")));
            Matcher code = Pattern.compile("код: (\\d{6})").matcher(pipeline.received("debtor@example.kz").stream()
                    .map(RequestLifecycleTest::text).filter(t -> t.contains("одноразовый код:")).findFirst().orElseThrow());
            code.find();
            pipeline.replyToLast("debtor@example.kz", ref, code.group(1));
            await("on hold", WAIT, () -> "ON_HOLD".equals(status(pipeline, id)));

            // A day later (the re-check period has passed) the debt is still unpaid: back ON_HOLD, no new mail.
            pipeline.store().update("update request set updated_at = now() - interval '2 minutes' where id = ?", id);
            await("re-checked", WAIT, () -> pipeline.count("select count(*) from request_event where request_id = ?"
                    + " and kind = 'ON_HOLD'", id) == 2);
            await("on hold again", WAIT, () -> "ON_HOLD".equals(status(pipeline, id)));
            assertEquals(1, pipeline.count("select count(*) from outbox where event_key like 'on-hold:%' and request_id = ?", id));
            assertEquals(1, app.queryForObject("select count(*) from id_documents where user_id = 2", Integer.class));

            // The debt is paid; at the next re-check the erasure is carried out.
            app.update("update debts set settled_at = now() where user_id = 2");
            pipeline.store().update("update request set updated_at = now() - interval '2 minutes' where id = ?", id);
            await("completed", WAIT, () -> "COMPLETED".equals(status(pipeline, id)));
            assertEquals(0, app.queryForObject("select count(*) from id_documents where user_id = 2", Integer.class));
        }
    }

    private static String status(RunningPipeline pipeline, long id) {
        return pipeline.store().queryForObject("select status from request where id = ?", String.class, id);
    }
}
