package kz.dsr.subject;

import static kz.dsr.testing.RunningPipeline.await;
import static kz.dsr.testing.TestMail.mail;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import kz.dsr.testing.RunningPipeline;
import kz.dsr.testing.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A stranger against the running pipeline (inService sample, real store, real mail server), only
 * through mail: guessing the code with a long reply, using up someone's tries with the public
 * reference, learning whether an account exists, making a victim's mailbox fill with codes, and
 * moving an account to an address of their own.
 */
class AccountTakeoverTest {

    private static final Duration WAIT = Duration.ofSeconds(40);
    private static final Pattern CODE = Pattern.compile("(?<![\\d-])(\\d{6})(?![\\d-])");
    private static RunningPipeline pipeline;
    private static JdbcTemplate app;

    @BeforeAll
    static void start() {
        pipeline = RunningPipeline.start(Map.of("dsr.flow.poll-ms", "200", "dsr.operator.address", "operator@dsr.test",
                "dsr.verification.max-open-per-account", "2", "dsr.verification.max-codes-per-account-per-day", "3"));
        app = new JdbcTemplate(TestServers.get().dataSource(pipeline.settings().get("dsr.app-db.url")));
    }

    @AfterAll
    static void stop() {
        pipeline.close();
    }

    private static String text(MimeMessage m) {
        return RequestLifecycleTest.text(m);
    }

    private static boolean isCodeMail(MimeMessage m) {
        String t = text(m);
        return t.contains("одноразовый код:") || t.contains("one-time code:");
    }

    /** The code mailed to an address for a request. */
    private static String codeSentTo(String address, String reference) {
        await("a code for " + reference + " at " + address, WAIT, () -> pipeline.mailsAbout(address, reference)
                .stream().anyMatch(AccountTakeoverTest::isCodeMail));
        MimeMessage m = pipeline.mailsAbout(address, reference).stream().filter(AccountTakeoverTest::isCodeMail)
                .reduce((a, b) -> b).orElseThrow();
        Matcher c = CODE.matcher(text(m));
        assertTrue(c.find(), text(m));
        return c.group(1);
    }

    /** Waits until intake has recorded every mail delivered so far. */
    private static void awaitIntake(int mails) {
        await(mails + " mails recorded", WAIT, () -> pipeline.count("select count(*) from inbound_message") == mails);
    }

    private static String neutralTo(String address, String reference) {
        await("the neutral reply to " + address, WAIT, () -> pipeline.mailsAbout(address, reference).stream()
                .anyMatch(m -> text(m).contains("Если на указанные вами данные зарегистрирован аккаунт")));
        return reference;
    }

    @Test
    void oneLongReplyFullOfNumbersIsOneTry() {
        int before = pipeline.count("select count(*) from inbound_message");
        long id = pipeline.requestOf(mail().from("guesser@evil.test").subject("Удаление аккаунта")
                .body("Удалите, пожалуйста, аккаунт aigerim.nurlanova@example.kz и все данные."), WAIT);
        String ref = pipeline.reference(id);
        pipeline.awaitStatus(id, "AWAITING_VERIFICATION", WAIT);
        String code = codeSentTo("aigerim.nurlanova@example.kz", ref);
        neutralTo("guesser@evil.test", ref);
        // 28,000 candidates in 200,000 characters, the right one among them (a stranger has 14% of the space).
        StringBuilder guesses = new StringBuilder();
        for (int n = 100_000; guesses.length() < 190_000; n += 7) {
            if (!String.valueOf(n).equals(code)) {
                guesses.append(n).append(' ');
            }
        }
        guesses.append(code);
        pipeline.replyToLast("guesser@evil.test", ref, guesses.toString());
        awaitIntake(before + 2);
        await("the reply handled", WAIT, () -> !"AWAITING_VERIFICATION".equals(pipeline.status(id))
                || pipeline.count("select coalesce(sum(attempts), 0) from verification_code where request_id = ?", id) > 0);
        assertEquals("AWAITING_VERIFICATION", pipeline.status(id), "the code among the guesses verified nothing");
        assertEquals(1, pipeline.count("select coalesce(sum(attempts), 0) from verification_code where request_id = ?",
                id), "the reply was one try");
        assertEquals(1, app.queryForObject("select count(*) from vehicles where user_id = 1", Integer.class),
                "nothing erased");
    }

    @Test
    void theReferenceInASubjectGrantsNothing() {
        int before = pipeline.count("select count(*) from inbound_message");
        long id = pipeline.requestOf(mail().from("o'brien@example.kz").subject("My data")
                .body("Please send me a copy of all my personal data."), WAIT);
        String ref = pipeline.reference(id);
        pipeline.awaitStatus(id, "AWAITING_VERIFICATION", WAIT);
        String code = codeSentTo("o'brien@example.kz", ref);
        String wrong = code.equals("123456") ? "654321" : "123456";
        // Five strangers who read the reference somewhere, and one who forges the owner's From: as well.
        for (int i = 0; i < 5; i++) {
            pipeline.deliver(mail().from("stranger" + i + "@evil.test").subject("Re: [" + ref + "]").body(wrong).bytes());
        }
        pipeline.deliver(mail().from("o'brien@example.kz").subject("Re: [" + ref + "]").body(code).bytes());
        awaitIntake(before + 7);
        await("six replies handled", WAIT, () -> !"AWAITING_VERIFICATION".equals(pipeline.status(id))
                || pipeline.count("select count(*) from request_event where request_id = ? and kind ="
                        + " 'REPLY_NOT_COUNTED'", id) == 6);
        assertEquals("AWAITING_VERIFICATION", pipeline.status(id), "no try used, none verified");
        for (int i = 0; i < 5; i++) {
            assertEquals(0, pipeline.received("stranger" + i + "@evil.test").size(), "a stranger hears nothing");
        }
        // The owner answers the code mail: verified and carried out.
        pipeline.replyToLast("o'brien@example.kz", ref, code);
        pipeline.awaitStatus(id, "COMPLETED", WAIT);
    }

    /** What a stranger sees of a request: each mail's text with references and numbers blanked. */
    private static List<String> seenBy(String address) {
        return pipeline.received(address).stream().map(m -> {
            try {
                return (m.getSubject() + "\n" + text(m)).replaceAll("DSR-\\d{4}-\\d{6}", "REF")
                        .replaceAll("\\d", "9");
            } catch (jakarta.mail.MessagingException e) {
                throw new IllegalStateException(e);
            }
        }).toList();
    }

    @Test
    void whetherAnAccountExistsReadsTheSameToTheStranger() {
        String[] strangers = {"prober.one@evil.test", "prober.two@evil.test"};
        String[] named = {"erlan.saparov@example.kz", "nobody.here@example.kz"};
        long[] ids = new long[2];
        for (int s = 0; s < 2; s++) {
            ids[s] = pipeline.requestOf(mail().from(strangers[s]).subject("Удалить данные")
                    .body("Прошу удалить аккаунт " + named[s] + " и все персональные данные."), WAIT);
            pipeline.awaitStatus(ids[s], "AWAITING_VERIFICATION", WAIT);
            neutralTo(strangers[s], pipeline.reference(ids[s]));
        }
        for (int attempt = 1; attempt <= 5; attempt++) {
            for (int s = 0; s < 2; s++) {
                String ref = pipeline.reference(ids[s]);
                String stranger = strangers[s];
                int mails = pipeline.received(stranger).size();
                pipeline.replyToLast(stranger, ref, String.format("%06d", 100_000 + attempt));
                await("answer " + attempt + " to " + stranger, WAIT,
                        () -> pipeline.received(stranger).size() == mails + 1);
            }
        }
        pipeline.awaitStatus(ids[0], "EXPIRED", WAIT);
        pipeline.awaitStatus(ids[1], "EXPIRED", WAIT);
        List<String> exists = seenBy(strangers[0]);
        List<String> not = seenBy(strangers[1]);
        assertEquals(7, exists.size(), "ack, neutral, four wrong-code answers, expired: " + exists);
        assertEquals(exists, not, "the same mails, in the same order, with the same words");
    }

    @Test
    void aVictimGetsFewCodesHoweverManyStrangersAsk() {
        String victim = "dispute@example.kz";
        int codesBefore = (int) pipeline.received(victim).stream().filter(AccountTakeoverTest::isCodeMail).count();
        for (int s = 0; s < 5; s++) {
            long id = pipeline.requestOf(mail().from("flooder" + s + "@evil.test").subject("Удаление")
                    .body("Удалите аккаунт " + victim + ", пожалуйста."), WAIT);
            pipeline.awaitStatus(id, "AWAITING_VERIFICATION", WAIT);
            neutralTo("flooder" + s + "@evil.test", pipeline.reference(id));
        }
        await("operator told of the held ones", WAIT, () -> pipeline.received("operator@dsr.test").stream()
                .filter(m -> text(m).contains("verification(s) open")).count() == 3);
        assertEquals(2, pipeline.received(victim).stream().filter(AccountTakeoverTest::isCodeMail).count() - codesBefore,
                "two open verifications per account");
        assertEquals(5, pipeline.count("select count(*) from request where requester_email like 'flooder%'"
                + " and status = 'AWAITING_VERIFICATION'"), "every stranger's request looks the same");
    }

    @Test
    void anEmailChangeNeedsTheOldAddressAndTheNewOneAndTellsTheOld() {
        Map<String, Object> someone = app.queryForMap("select id, email from users where id >= 1001 and email is not"
                + " null order by id limit 1");
        String old = (String) someone.get("email");
        String fresh = "moved." + someone.get("id") + "@example.com";
        long id = pipeline.requestOf(mail().from(old).subject("Смена почты")
                .body("Здравствуйте! Прошу изменить мой e-mail на " + fresh + "."), WAIT);
        String ref = pipeline.reference(id);
        pipeline.awaitStatus(id, "AWAITING_VERIFICATION", WAIT);
        pipeline.replyToLast(old, ref, codeSentTo(old, ref));
        // The old address confirmed; the new one must prove itself before anything changes.
        await("a code at the new address", WAIT, () -> pipeline.mailsAbout(fresh, ref).size() == 1);
        MimeMessage confirm = pipeline.mailsAbout(fresh, ref).get(0);
        Matcher c = CODE.matcher(text(confirm));
        assertTrue(c.find(), text(confirm));
        assertEquals("AWAITING_VERIFICATION", pipeline.status(id));
        assertEquals(1, app.queryForObject("select count(*) from users where id = ? and email = ?", Integer.class,
                someone.get("id"), old), "nothing changed before the new address answered");
        pipeline.deliver(RunningPipeline.replyTo(confirm, fresh, c.group(1)).bytes());
        pipeline.awaitStatus(id, "COMPLETED", WAIT);
        assertEquals(1, app.queryForObject("select count(*) from users where id = ? and email = ?", Integer.class,
                someone.get("id"), fresh));
        await("the old address is told", WAIT, () -> pipeline.mailsAbout(old, ref).stream()
                .anyMatch(m -> text(m).contains("Если вы этого не запрашивали")));
        await("the reply goes to the new address", WAIT, () -> pipeline.mailsAbout(fresh, ref).size() == 2);
    }

    @Test
    void aStrangerCannotMoveAnAccountToTheirAddress() {
        // The chain: open a correction of the victim's e-mail to one's own. The code goes to the victim.
        int before = pipeline.count("select count(*) from inbound_message");
        long id = pipeline.requestOf(mail().from("taker@evil.test").subject("Смена почты")
                .body("Мой номер +7 705 123 45 67. Прошу изменить мой e-mail на taker@evil.test."), WAIT);
        String ref = pipeline.reference(id);
        pipeline.awaitStatus(id, "AWAITING_VERIFICATION", WAIT);
        neutralTo("taker@evil.test", ref);
        for (int i = 0; i < 3; i++) {
            pipeline.replyToLast("taker@evil.test", ref, String.format("%06d", 222_222 + i));
        }
        awaitIntake(before + 4);
        assertEquals(0, pipeline.mailsAbout("taker@evil.test", ref).stream()
                .filter(m -> text(m).contains("Подтвердите этот адрес") || text(m).contains("Confirm this address")).count(),
                "no confirmation for the new address before the owner's code");
        assertEquals(1, app.queryForObject("select count(*) from users where id = 5 and email ="
                + " 'erlan.saparov@example.kz'", Integer.class));
    }
}
