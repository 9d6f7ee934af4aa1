package kz.dsr.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NoiseDetectorTest {

    private final NoiseDetector detector = new NoiseDetector(Set.of("Support@DSR.test", "noreply@dsr.test"));

    @Test
    void aPersonsMailIsNotNoise() {
        assertNull(detector.detect(mail("ann@example.kz", "Удалите мои данные")));
    }

    @Test
    void noMailInTheDevCorpusIsNoise() {
        MailParser parser = new MailParser(MailLimits.DEFAULTS);
        for (MailParserTest.Labelled labelled : MailParserTest.corpus()) {
            ParsedMail mail = parser.parse(MailParserTest.resource("/corpus/dev/" + labelled.file()));
            assertNull(detector.detect(mail), labelled.file());
        }
    }

    @Test
    void aMissingFromIsNotNoiseByItself() {
        assertNull(detector.detect(mail(null, "Прошу удалить аккаунт")));
    }

    @Test
    void ourOwnAddressesAreOwnMailWhateverElseTheMailLooksLike() {
        assertEquals(NoiseKind.OWN_MAIL, detector.detect(mail("support@dsr.test", "Ваш запрос")));
        assertEquals(NoiseKind.OWN_MAIL, detector.detect(
                mail("noreply@dsr.test", "Undelivered Mail Returned to Sender", "auto-submitted", "auto-replied")));
    }

    // ---- bounces ----

    @Test
    void aParsedDeliveryReportIsABounce() {
        ParsedMail report = new MailParser(MailLimits.DEFAULTS).parse(MailParserTest.resource("/mail/bounce-report.eml"));

        assertEquals(NoiseKind.BOUNCE, detector.detect(report));
    }

    @Test
    void bounceSignsInHeaders() {
        assertEquals(NoiseKind.BOUNCE, detector.detect(mail("mailer-daemon@mx.example.kz", "x")));
        assertEquals(NoiseKind.BOUNCE, detector.detect(mail("postmaster@example.kz", "x")));
        assertEquals(NoiseKind.BOUNCE, detector.detect(mail(null, "x", "from", "MAILER-DAEMON")));
        assertEquals(NoiseKind.BOUNCE, detector.detect(mail("ann@example.kz", "x", "return-path", "< >")));
        assertEquals(NoiseKind.BOUNCE, detector.detect(mail("ann@example.kz", "x", "x-failed-recipients", "gone@example.kz")));
        assertNull(detector.detect(mail("ann@example.kz", "x", "return-path", "<ann@example.kz>")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Undelivered Mail Returned to Sender", "Delivery Status Notification (Failure)",
            "Недоставленное сообщение", "Undeliverable: Ваш запрос"})
    void bounceSubjects(String subject) {
        assertEquals(NoiseKind.BOUNCE, detector.detect(mail("robot@example.kz", subject)));
    }

    // ---- automatic replies ----

    @Test
    void autoReplySignsInHeaders() {
        assertEquals(NoiseKind.AUTO_REPLY, detector.detect(mail("ann@example.kz", "x", "auto-submitted", "auto-replied")));
        assertEquals(NoiseKind.AUTO_REPLY, detector.detect(
                mail("ann@example.kz", "x", "auto-submitted", "auto-generated; owner-email=\"ann@example.kz\"")));
        assertEquals(NoiseKind.AUTO_REPLY, detector.detect(mail("ann@example.kz", "x", "x-autoreply", "yes")));
        assertEquals(NoiseKind.AUTO_REPLY, detector.detect(mail("ann@example.kz", "x", "x-autorespond", "")));
        assertEquals(NoiseKind.AUTO_REPLY, detector.detect(mail("ann@example.kz", "x", "precedence", "bulk")));
        assertEquals(NoiseKind.AUTO_REPLY, detector.detect(mail("ann@example.kz", "x", "precedence", "Junk")));
        assertNull(detector.detect(mail("ann@example.kz", "x", "auto-submitted", "No")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Out of Office: Ваш запрос", "Automatic reply: Your request", "Auto: Ваш запрос",
            "AutoReply", "Автоответ: Ваш запрос", "Автоматический ответ: Ваш запрос", "Меня нет в офисе",
            "Отсутствую до 10 ноября", "RE: Fwd: автоответ", "Re[2]: Out of office"})
    void autoReplySubjects(String subject) {
        assertEquals(NoiseKind.AUTO_REPLY, detector.detect(mail("ann@example.kz", subject)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Re: Ваш запрос", "Удалите автоответчик из профиля", "Auto parts order", "Office address"})
    void ordinarySubjectsAreNotAutoReplies(String subject) {
        assertNull(detector.detect(mail("ann@example.kz", subject)));
    }

    // ---- mailing lists, and the order of the checks ----

    @Test
    void mailingListSigns() {
        assertEquals(NoiseKind.MAILING_LIST, detector.detect(mail("news@shop.kz", "x", "list-id", "<news.shop.kz>")));
        assertEquals(NoiseKind.MAILING_LIST, detector.detect(
                mail("news@shop.kz", "x", "list-unsubscribe", "<mailto:unsub@shop.kz>")));
        assertEquals(NoiseKind.MAILING_LIST, detector.detect(mail("news@shop.kz", "x", "precedence", "list")));
    }

    @Test
    void bounceWinsOverAutoReplyWhichWinsOverMailingList() {
        assertEquals(NoiseKind.BOUNCE, detector.detect(
                mail("mailer-daemon@mx.kz", "Out of office", "auto-submitted", "auto-replied", "list-id", "<l>")));
        assertEquals(NoiseKind.AUTO_REPLY, detector.detect(
                mail("ann@example.kz", "x", "auto-submitted", "auto-replied", "list-id", "<l>")));
    }

    /** A mail as the parser would give it, with the named headers (lower-case name, value pairs). */
    private static ParsedMail mail(String from, String subject, String... headerPairs) {
        Map<String, String> headers = new HashMap<>();
        for (int i = 0; i < headerPairs.length; i += 2) {
            headers.put(headerPairs[i], headerPairs[i + 1]);
        }
        if (from != null) {
            headers.putIfAbsent("from", from);
        }
        return new ParsedMail("key@example.kz", "key@example.kz", from, null, subject, null, null, List.of(),
                Map.copyOf(headers), "text", "text", "", "", List.of(), 100, false, null, List.of());
    }
}
