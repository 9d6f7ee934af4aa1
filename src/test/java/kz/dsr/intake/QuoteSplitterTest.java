package kz.dsr.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;

import kz.dsr.intake.QuoteSplitter.Split;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class QuoteSplitterTest {

    private final QuoteSplitter splitter = new QuoteSplitter();

    // ---- quoted history ----

    @Test
    void linesStartingWithGreaterThanAreQuotedWhereverTheyAre() {
        Split split = splitter.split("Да.\n> Подтверждаете удаление?\nИ телефон тоже удалите.\n >> старое");

        assertEquals("Да.\nИ телефон тоже удалите.", split.newText());
        assertEquals("> Подтверждаете удаление?\n >> старое", split.quoted());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "-----Original Message-----",
            "-------- Пересылаемое сообщение --------",
            "---------- Forwarded message ---------",
            "-------- Исходное сообщение --------",
            "Начало переадресованного сообщения:",
            "Begin forwarded message:",
            "On Tue, Nov 3, 2026 at 10:15 AM DSR Support <support@dsr.test> wrote:",
            "Служба поддержки написал(а):",
            "Иван Петров пишет:",
            "3 нояб. 2026 г., в 10:15, Служба поддержки <support@dsr.test> написал:",
            "2026 ж. 3 қар., сс 10:15 Support <support@dsr.test> жазды:",
            "03.11.2026, 10:15, \"Support\" <support@dsr.test>:",
            "Вторник, 3 ноября 2026, 10:15 +05:00 от Служба поддержки <support@dsr.test>:"})
    void everythingFromAHistoryMarkerOnIsQuoted(String marker) {
        Split split = splitter.split("Прошу удалить мои данные.\n\n" + marker + "\nСтарый текст без кавычек.\n> и с ними");

        assertEquals("Прошу удалить мои данные.", split.newText());
        assertEquals(marker + "\nСтарый текст без кавычек.\n> и с ними", split.quoted());
    }

    @Test
    void gmailAttributionWrappedOverTwoLinesIsQuoted() {
        Split split = splitter.split("""
                Yes, delete it.

                On Tue, Nov 3, 2026 at 10:15 AM DSR Support <
                support@dsr.test> wrote:

                > Please confirm.""");

        assertEquals("Yes, delete it.", split.newText());
        assertEquals("On Tue, Nov 3, 2026 at 10:15 AM DSR Support <\nsupport@dsr.test> wrote:\n\n> Please confirm.",
                split.quoted());
    }

    @Test
    void outlookHeaderBlocksInEnglishAndRussianStartHistory() {
        Split english = splitter.split("""
                Please go ahead.

                From: DSR Support <support@dsr.test>
                Sent: Tuesday, November 3, 2026 10:15 AM
                To: Ann
                Subject: Your request

                Please confirm.""");
        Split russian = splitter.split("""
                Подтверждаю.
                ________________________________
                От: Служба поддержки <support@dsr.test>
                Отправлено: 3 ноября 2026 г. 10:15
                Тема: Ваш запрос

                Подтвердите, пожалуйста.""");

        assertEquals("Please go ahead.", english.newText());
        assertEquals("From: DSR Support <support@dsr.test>", english.quoted().lines().findFirst().orElseThrow());
        assertEquals("Подтверждаю.", russian.newText());
        assertEquals("________________________________", russian.quoted().lines().findFirst().orElseThrow());
    }

    @Test
    void aFromLineWithoutADateLineBelowIsNotHistory() {
        Split split = splitter.split("От: Иван Петров, клиент с 2019 года.\nПрошу удалить аккаунт.");

        assertEquals("От: Иван Петров, клиент с 2019 года.\nПрошу удалить аккаунт.", split.newText());
        assertEquals("", split.quoted());
    }

    // ---- signatures ----

    @Test
    void signatureDelimiterStartsTheSignature() {
        Split split = splitter.split("Удалите мои данные.\n\n-- \nЕрбол\n+7 701 000 00 00");

        assertEquals("Удалите мои данные.", split.newText());
        assertEquals("--\nЕрбол\n+7 701 000 00 00", split.signature());
    }

    @ParameterizedTest
    @ValueSource(strings = {"Отправлено с iPhone", "Отправлено из мобильной Почты Mail.ru", "Sent from my Galaxy",
            "Get Outlook for Android", "iPhone-нан жіберілді", "Жіберілді Samsung Galaxy құрылғысынан"})
    void deviceLinesAreSignatures(String deviceLine) {
        Split split = splitter.split("Деректерімді жойыңыз.\n\n" + deviceLine);

        assertEquals("Деректерімді жойыңыз.", split.newText());
        assertEquals(deviceLine, split.signature());
    }

    @ParameterizedTest
    @ValueSource(strings = {"С уважением,\nИван Петров", "С уважением, Айгерим", "Құрметпен, Дана",
            "Best regards,\nAnn Smith\nACME LLP\n+7 701 000 00 00\nwww.acme.kz"})
    void aClosingFollowedByAFewShortLinesIsTheSignature(String closing) {
        Split split = splitter.split("Please delete my account.\n\n" + closing);

        assertEquals("Please delete my account.", split.newText());
        assertEquals(closing, split.signature());
    }

    @Test
    void aClosingFollowedByMoreTextStaysInTheNewText() {
        String tooMuchAfter = "Hello,\n\nBest regards,\nAnn\n\nP.S. one\ntwo\nthree\nfour";
        String longLineAfter = "Здравствуйте.\n\nС уважением,\nи ещё: прошу также удалить все записи звонков и историю заказов.";
        String notAClosing = "Regards to the team, and please delete my data.";

        assertEquals(tooMuchAfter, splitter.split(tooMuchAfter).newText());
        assertEquals(longLineAfter, splitter.split(longLineAfter).newText());
        assertEquals(notAClosing, splitter.split(notAClosing).newText());
    }

    // ---- never lose the only text ----

    @Test
    void aBareForwardKeepsTheForwardedTextAsNewText() {
        String forward = "---------- Forwarded message ---------\nFrom: Ann <ann@example.kz>\nDate: Tue, 3 Nov 2026\n\n"
                + "Please delete my data.\n> quoted inside";

        Split split = splitter.split(forward);

        assertEquals("---------- Forwarded message ---------\nFrom: Ann <ann@example.kz>\nDate: Tue, 3 Nov 2026\n\n"
                + "Please delete my data.", split.newText());
        assertEquals("> quoted inside", split.quoted());
    }

    @Test
    void textThatIsAllQuotesOrAllSignatureIsKept() {
        assertEquals("> удалите\n> мои данные", splitter.split("> удалите\n> мои данные").newText());
        Split onlyDevice = splitter.split("Отправлено с iPhone");
        assertEquals("Отправлено с iPhone", onlyDevice.newText());
        assertEquals("", onlyDevice.signature());
    }

    // ---- normalisation ----

    @Test
    void trailingWhitespaceAndRunsOfBlankLinesAreNormalised() {
        Split split = splitter.split("\r\n\r\nПервый абзац.   \r\n\r\n\r\n\r\n\r\nВторой абзац.\t\r\n\r\n");

        assertEquals("Первый абзац.\n\nВторой абзац.", split.newText());
        assertEquals("", split.quoted());
        assertEquals("", split.signature());
    }

    @Test
    void emptyTextSplitsIntoEmptyParts() {
        assertEquals(new Split("", "", ""), splitter.split(""));
    }
}
