package kz.dsr.subject;

import static kz.dsr.testing.RunningPipeline.await;
import static kz.dsr.testing.TestMail.mail;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import kz.dsr.execute.KeyedHash;
import kz.dsr.testing.RunningPipeline;
import kz.dsr.testing.TestServers;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Rotating the hash secret (docs/security.md): the pipeline is restarted with a new
 * dsr.datamap.hash-secret and the old one as dsr.datamap.previous-hash-secret. A person who got a
 * one-time code before the rotation can still send it back; what is written from then on (the keyed
 * hash of an erased e-mail address) is written with the new secret.
 */
class HashSecretRotationTest {

    private static final Duration WAIT = Duration.ofSeconds(40);
    private static final String NEW_SECRET = "rotated-secret-0123456789-0123456789-abcdef";

    @Test
    void aCodeSentBeforeTheRotationStillVerifiesAndTheErasureIsHashedWithTheNewSecret() {
        try (RunningPipeline pipeline = RunningPipeline.start(Map.of("dsr.flow.poll-ms", "200"))) {
            JdbcTemplate app = new JdbcTemplate(TestServers.get().dataSource(pipeline.settings().get("dsr.app-db.url")));
            String email = "aigerim.nurlanova@example.kz";
            long user = app.queryForObject("select id from users where email = ?", Long.class, email);
            pipeline.deliver(mail().from(email).subject("Удалить")
                    .body("Прошу удалить мой аккаунт и все мои данные.").bytes());
            await("waiting for the code", WAIT, () -> pipeline.count("select count(*) from request where status ="
                    + " 'AWAITING_VERIFICATION'") == 1);
            long id = pipeline.store().queryForObject("select id from request", Long.class);
            String ref = pipeline.reference(id);
            await("the code mail", WAIT, () -> pipeline.received(email).stream()
                    .anyMatch(r -> RequestLifecycleTest.text(r).contains("одноразовый код:")));
            Matcher code = Pattern.compile("код: (\\d{6})").matcher(pipeline.received(email).stream()
                    .map(RequestLifecycleTest::text).filter(t -> t.contains("одноразовый код:")).findFirst().orElseThrow());
            code.find();

            // The rotation: a new secret, the old one kept for what was hashed with it.
            pipeline.stopCamel();
            String old = pipeline.settings().put("dsr.datamap.hash-secret", NEW_SECRET);
            pipeline.settings().put("dsr.datamap.previous-hash-secret", old);
            pipeline.startCamel();

            pipeline.replyToLast(email, ref, code.group(1));
            pipeline.awaitStatus(id, "COMPLETED", WAIT);
            assertEquals(new KeyedHash(NEW_SECRET).hash(email), app.queryForObject(
                    "select email from users where id = ?", String.class, user), "erased with the new secret");
        }
    }
}
