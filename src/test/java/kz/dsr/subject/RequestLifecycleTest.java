package kz.dsr.subject;

import static kz.dsr.testing.RunningPipeline.await;
import static kz.dsr.testing.TestMail.mail;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Files;
import java.time.Duration;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import kz.dsr.testing.LocalSmsGateway;
import kz.dsr.testing.OperatorCommands;
import kz.dsr.testing.RunningPipeline;
import kz.dsr.testing.TestMail;
import kz.dsr.testing.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The lifecycle end to end on the inService sample: a mail goes in, the subject is matched, a code goes to
 * the registered address, the person sends it back, the request is carried out, and the right
 * replies come out — for each request type — and a forged sender gets nowhere.
 */
public class RequestLifecycleTest {

    private static final Duration WAIT = Duration.ofSeconds(40);
    private static final Pattern CODE = Pattern.compile("(?<![\\d-])(\\d{6})(?![\\d-])");
    private static RunningPipeline pipeline;
    private static JdbcTemplate app;

    private static LocalSmsGateway sms;

    @BeforeAll
    static void start() {
        sms = new LocalSmsGateway();
        Map<String, String> settings = new java.util.HashMap<>(sms.settings());
        settings.putAll(Map.of("dsr.flow.poll-ms", "200", "dsr.operator.address", "operator@dsr.test"));
        pipeline = RunningPipeline.start(settings);
        app = new JdbcTemplate(TestServers.get().dataSource(pipeline.settings().get("dsr.app-db.url")));
    }

    @AfterAll
    static void stop() {
        pipeline.close();
        sms.close();
    }

    private static long requestOf(TestMail m) {
        return pipeline.requestOf(m, WAIT);
    }

    private static String status(long id) {
        return pipeline.status(id);
    }

    private static String reference(long id) {
        return pipeline.reference(id);
    }

    private static void awaitStatus(long id, String want) {
        pipeline.awaitStatus(id, want, WAIT);
    }

    /** The text of a mail, all parts. */
    public static String text(Part p) {
        try {
            Object c = p.getContent();
            if (c instanceof String s) {
                return s;
            }
            if (c instanceof Multipart mp) {
                StringBuilder b = new StringBuilder();
                for (int i = 0; i < mp.getCount(); i++) {
                    b.append(text(mp.getBodyPart(i))).append('\n');
                }
                return b.toString();
            }
            return "";
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Mails an address received about a request (by its reference in the subject). */
    private static List<MimeMessage> mailsAbout(String address, String reference) {
        List<MimeMessage> out = new ArrayList<>();
        for (MimeMessage m : pipeline.received(address)) {
            try {
                if (m.getSubject().contains(reference)) {
                    out.add(m);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return out;
    }

    /** The code mailed to the registered address for this request. */
    private static String codeSentTo(String address, String reference) {
        await("a code for " + reference + " at " + address, WAIT, () -> mailsAbout(address, reference).stream()
                .anyMatch(m -> text(m).contains("одноразовый код:") || text(m).contains("one-time code:")
                        || text(m).contains("Бір реттік кодыңыз:")));
        for (MimeMessage m : mailsAbout(address, reference)) {
            String t = text(m);
            if (t.contains("одноразовый код:") || t.contains("one-time code:") || t.contains("Бір реттік кодыңыз:")) {
                Matcher c = CODE.matcher(t);
                assertTrue(c.find(), t);
                return c.group(1);
            }
        }
        throw new AssertionError("no code");
    }

    private static void replyWithCode(String from, String reference, String code) {
        pipeline.replyToLast(from, reference, "Код: " + code);
    }

    private static int count(String sql, Object... args) {
        return app.queryForObject(sql, Integer.class, args);
    }

    @Test
    void anErasureIsVerifiedByCodeThenCarriedOutAndReported() {
        long id = requestOf(mail().from("aigerim.nurlanova@example.kz").subject("Удаление аккаунта")
                .body("Здравствуйте! Прошу удалить мой аккаунт и все мои персональные данные."));
        String ref = reference(id);
        awaitStatus(id, "AWAITING_VERIFICATION");
        assertEquals(1, count("select count(*) from vehicles where user_id = 1"), "nothing changed before the code");
        String code = codeSentTo("aigerim.nurlanova@example.kz", ref);
        replyWithCode("aigerim.nurlanova@example.kz", ref, code);
        awaitStatus(id, "COMPLETED");
        assertEquals(0, count("select count(*) from vehicles where user_id = 1"));
        await("completed reply", WAIT, () -> mailsAbout("aigerim.nurlanova@example.kz", ref).stream()
                .anyMatch(m -> text(m).contains("запрос " + ref + " выполнен")));
        String done = mailsAbout("aigerim.nurlanova@example.kz", ref).stream().map(RequestLifecycleTest::text)
                .filter(t -> t.contains("выполнен")).findFirst().orElseThrow();
        assertTrue(done.contains("удалено записей: "), done);
        assertTrue(done.contains("5 лет"), "kept records with their period, in Russian: " + done);
        assertEquals(1, pipeline.count("select count(*) from outbox where event_key = ? and body like '(removed%'",
                "code:" + ref), "the sent code is not kept in the outbox");
        List<String> statuses = pipeline.store().queryForList("select kind from request_event where request_id = ?"
                + " and kind like 'STATUS_%' order by id", String.class, id);
        assertEquals(List.of("STATUS_MATCHED", "STATUS_AWAITING_VERIFICATION", "STATUS_VERIFIED", "STATUS_EXECUTING",
                "STATUS_COMPLETED"), statuses);
    }

    @Test
    void aForgedSenderWithoutTheCodeChangesNothing() {
        // From: is the account's address, but the sender cannot read that mailbox: the code goes there.
        long id = requestOf(mail().from("erlan.saparov@example.kz").subject("Delete my account")
                .body("Please delete my account and all my personal data immediately."));
        String ref = reference(id);
        awaitStatus(id, "AWAITING_VERIFICATION");
        replyWithCode("erlan.saparov@example.kz", ref, "000000".equals(codeSentTo("erlan.saparov@example.kz", ref))
                ? "111111" : "000000");
        await("the wrong code counted", WAIT, () -> pipeline.count("select count(*) from request_event where request_id = ?"
                + " and kind = 'VERIFICATION_FAILED'", id) == 1);
        assertEquals("AWAITING_VERIFICATION", status(id));
        assertEquals(1, count("select count(*) from vehicles where user_id = 5"));
        assertEquals(1, count("select count(*) from users where id = 5 and email = 'erlan.saparov@example.kz'"));
    }

    @Test
    void noAccountGetsTheSameNeutralReplyAsWhenACodeWasSent() {
        long id = requestOf(mail().from("stranger@example.kz").subject("Удаление")
                .body("Прошу удалить все мои персональные данные."));
        String ref = reference(id);
        // It waits for a code that was never sent, and expires like any other: nothing tells it apart.
        awaitStatus(id, "AWAITING_VERIFICATION");
        await("neutral reply", WAIT, () -> mailsAbout("stranger@example.kz", ref).size() == 2);
        String neutral = mailsAbout("stranger@example.kz", ref).stream().map(RequestLifecycleTest::text)
                .filter(t -> t.contains("Если на указанные вами данные зарегистрирован аккаунт")).findFirst().orElseThrow();
        assertTrue(neutral.contains("мы отправили одноразовый код"), neutral);
        assertEquals(0, pipeline.count("select count(*) from outbox where request_id = ? and event_key like 'code:%'",
                id), "no code went anywhere");
        pipeline.store().update("update verification_code set expires_at = now() - interval '1 second'"
                + " where request_id = ?", id);
        awaitStatus(id, "EXPIRED");
        await("expired reply", WAIT, () -> mailsAbout("stranger@example.kz", ref).size() == 3);
    }

    @Test
    void twoAccountsInOneMailGoToAnOperatorWhoNamesTheAccount() throws Exception {
        long id = requestOf(mail().from("debtor@example.kz").subject("Данные")
                .body("Какие персональные данные вы храните обо мне? Второй мой номер 87051234567."));
        // To the person it reads like any request waiting for its code; the operator is asked to choose.
        awaitStatus(id, "AWAITING_VERIFICATION");
        await("operator told", WAIT, () -> mailsAbout("operator@dsr.test", reference(id)).stream()
                .anyMatch(m -> text(m).contains("2 accounts match")));
        assertEquals(0, pipeline.count("select count(*) from outbox where request_id = ? and event_key like 'code:%'",
                id), "no code before the operator chose");

        // The operator names the account (requests approve --subject): a code goes to its registered address.
        OperatorCommands ops = OperatorCommands.configured(Files.createTempFile("dsr-ops", ".properties"),
                pipeline.settings().get("dsr.store.url"), null);
        int exit = ops.run("requests", "approve", reference(id), "--subject", "2", "--operator", "aliya", "--reason",
                "the second number is an old one").exit();
        assertEquals(0, exit);
        String code = codeSentTo("debtor@example.kz", reference(id));
        awaitStatus(id, "AWAITING_VERIFICATION");
        replyWithCode("debtor@example.kz", reference(id), code);
        awaitStatus(id, "COMPLETED");
    }

    @Test
    void marketingOptOutFromTheRegisteredAddressNeedsNoCode() {
        long id = requestOf(mail().from("erlan.saparov@example.kz").subject("Рассылка")
                .body("Отпишите меня, пожалуйста, от рекламных рассылок и SMS с акциями."));
        awaitStatus(id, "COMPLETED");
        assertEquals(1, count("select count(*) from marketing_preferences where user_id = 5 and not email_news"
                + " and not sms_offers and not push_offers"));
        await("completed reply", WAIT, () -> mailsAbout("erlan.saparov@example.kz", reference(id)).stream()
                .anyMatch(m -> text(m).contains("больше не будете получать")));
    }

    @Test
    void anAccessExportGoesOnlyToTheRegisteredAddressWithBothFiles() throws Exception {
        // Written from another address: the code and the export go to the registered one.
        long id = requestOf(mail().from("aigerim.personal@example.com").subject("Мои данные")
                .body("Предоставьте, пожалуйста, копию всех моих персональных данных. Мой номер +7 701 444 06 06."));
        String ref = reference(id);
        awaitStatus(id, "AWAITING_VERIFICATION");
        String code = codeSentTo("o'brien@example.kz", ref);
        replyWithCode("aigerim.personal@example.com", ref, code);
        awaitStatus(id, "COMPLETED");
        await("export mail", WAIT, () -> mailsAbout("o'brien@example.kz", ref).stream()
                .anyMatch(m -> text(m).contains("export.html")));
        MimeMessage export = mailsAbout("o'brien@example.kz", ref).stream()
                .filter(m -> text(m).contains("export.html")).findFirst().orElseThrow();
        Multipart parts = (Multipart) export.getContent();
        assertEquals(3, parts.getCount());
        assertEquals("export.json", parts.getBodyPart(1).getFileName());
        assertTrue(text(parts.getBodyPart(1)).contains("Robert'); DROP TABLE users;--")
                || new String(parts.getBodyPart(1).getInputStream().readAllBytes(), "UTF-8").contains("DROP TABLE"));
        assertEquals("export.html", parts.getBodyPart(2).getFileName());
        assertTrue(mailsAbout("aigerim.personal@example.com", ref).stream().noneMatch(m -> text(m).contains("export.html")),
                "the requester's own address never gets the export");
    }

    @Test
    void aRectificationWritesTheNewPhoneOnceItProvedItself() {
        // A generated subject (each test has its own account, so the order of tests does not matter).
        Map<String, Object> someone = app.queryForMap("select id, email, phone from users where id >= 1001 and email"
                + " is not null and phone is not null order by id limit 1");
        String email = (String) someone.get("email");
        long id = requestOf(mail().from(email).subject("Смена номера")
                .body("У меня сменился номер телефона, поменяйте номер на 87478889900."));
        String ref = reference(id);
        awaitStatus(id, "AWAITING_VERIFICATION");
        replyWithCode(email, ref, codeSentTo(email, ref));
        // The new number gets a code of its own by SMS; until it comes back, nothing changes.
        await("a code to the new phone", WAIT, () -> sms.codeTo("+77478889900", ref).isPresent());
        assertEquals("AWAITING_VERIFICATION", status(id));
        assertEquals(0, count("select count(*) from users where phone = '+77478889900'"));
        replyWithCode(email, ref, sms.codeTo("+77478889900", ref).orElseThrow());
        awaitStatus(id, "COMPLETED");
        assertEquals(1, count("select count(*) from users where id = ? and phone = '+77478889900'", someone.get("id")));
        await("completed reply", WAIT, () -> mailsAbout(email, ref).stream().anyMatch(m -> text(m).contains("выполнен")));
    }

    @Test
    void blockingAndConsentWithdrawal() {
        long block = requestOf(mail().from("dispute@example.kz").subject("Жалоба")
                .body("Прошу приостановить обработку моих персональных данных до рассмотрения моей жалобы."));
        String refB = reference(block);
        awaitStatus(block, "AWAITING_VERIFICATION");
        replyWithCode("dispute@example.kz", refB, codeSentTo("dispute@example.kz", refB));
        awaitStatus(block, "COMPLETED");
        assertEquals(1, count("select count(*) from users where id = 3 and processing_blocked"));

        long consent = requestOf(mail().from("debtor@example.kz").subject("Согласие")
                .body("Я отзываю своё согласие на обработку персональных данных."));
        String refC = reference(consent);
        awaitStatus(consent, "AWAITING_VERIFICATION");
        replyWithCode("debtor@example.kz", refC, codeSentTo("debtor@example.kz", refC));
        awaitStatus(consent, "COMPLETED");
        assertEquals(4, count("select count(*) from consents where user_id = 2 and not granted"));
    }
}
