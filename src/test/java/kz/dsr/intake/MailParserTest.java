package kz.dsr.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeout;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import kz.dsr.intake.ParsedMail.Attachment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class MailParserTest {

    private final MailParser parser = new MailParser(MailLimits.DEFAULTS);

    // ---- the dev corpus: every file, every MIME shape ----

    /** What Russian and Kazakh mail text is made of; mis-decoded text (mojibake) falls outside it. */
    private static final Pattern READABLE_TEXT =
            Pattern.compile("[\\x20-\\x7E\\n\\tА-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі«»—–…№“”„‘’\\u00A0]*");
    private static final Pattern CYRILLIC = Pattern.compile(".*\\p{IsCyrillic}.*", Pattern.DOTALL);

    /** One row of corpus/dev/labels.csv. */
    record Labelled(String file, String type, String lang, String mime) {
    }

    static List<Labelled> corpus() {
        String csv = new String(resource("/corpus/dev/labels.csv"), StandardCharsets.UTF_8);
        return csv.lines().skip(1).filter(line -> !line.isBlank()).map(line -> {
            String[] cells = line.strip().split(",");
            return new Labelled(cells[0], cells[1], cells[2], cells[3]);
        }).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void everyCorpusMailDecodesToReadableText(Labelled mail) {
        ParsedMail parsed = parser.parse(resource("/corpus/dev/" + mail.file()));

        String id = mail.file().replace(".eml", "");
        assertEquals(List.of(), parsed.problems());
        assertTrue(parsed.messageKey().startsWith(id + "."), parsed.messageKey());
        assertEquals("user." + id + "@example.kz", parsed.fromAddress());
        assertTrue(READABLE_TEXT.matcher(parsed.subject()).matches(), "subject of " + mail.file() + " is mis-decoded");
        assertTrue(READABLE_TEXT.matcher(parsed.text()).matches(), "body of " + mail.file() + " is mis-decoded");
        assertFalse(parsed.newText().isBlank(), "new text of " + mail.file());
        boolean cyrillicLanguage = mail.lang().equals("ru") || mail.lang().equals("kk");
        assertEquals(cyrillicLanguage, CYRILLIC.matcher(parsed.text()).matches(), "script of " + mail.file());
        if (cyrillicLanguage && !parsed.subject().isEmpty()) {
            assertTrue(CYRILLIC.matcher(parsed.subject()).matches(), "subject of " + mail.file());
        }
    }

    @ParameterizedTest(name = "{1}: {0}")
    @CsvSource(delimiter = '|', textBlock = """
            d009.eml | utf8-qp   | Персональные данные | Закройте мой личный кабинет
            d034.eml | utf8-qp   | (тақырыпсыз)        | келісімімсіз жиналған деректерді
            d002.eml | utf8-b64  | Вопрос              | мою учётную запись
            d026.eml | utf8-b64  | (тақырыпсыз)        | Менің аккаунтымды жоюыңызды
            d037.eml | utf8-b64  | Персональные данные | akkauntymdy zhoiynyzshy
            d008.eml | html      | Обращение           | Удалите мой номер из вашей базы.
            d033.eml | html      | ''                  | Заңның 24-бабына сәйкес
            d001.eml | alt       | Поддержка           | Прошу удалить мой аккаунт
            d028.eml | alt       | Өтініш              | дербес деректерімді жоюларыңызды
            d003.eml | utf8-8bit | Обращение           | не нашёл кнопку
            d027.eml | utf8-8bit | Көмек               | Аккаунтымды жоюды сұраймын.
            d011.eml | cp1251    | (без темы)          | Откуда у вас мой номер?
            d014.eml | koi8r     | Вопрос              | право на забвение
            """)
    void eachMimeShapeDecodesSubjectAndBody(String file, String mime, String subject, String words) {
        assertEquals(mime, corpus().stream().filter(m -> m.file().equals(file)).findFirst().orElseThrow().mime());
        ParsedMail parsed = parser.parse(resource("/corpus/dev/" + file));

        assertEquals(subject, parsed.subject());
        assertTrue(parsed.newText().contains(words), parsed.newText());
    }

    @Test
    void theShapeSamplesAboveCoverEveryShapeInTheCorpus() {
        assertEquals(Set.of("utf8-qp", "utf8-b64", "html", "alt", "utf8-8bit", "cp1251", "koi8r"),
                corpus().stream().map(Labelled::mime).collect(Collectors.toSet()));
    }

    @Test
    void htmlParagraphsBecomeLinesAndSignaturesAreSeparated() {
        ParsedMail html = parser.parse(resource("/corpus/dev/d008.eml"));
        assertEquals("Добрый день.\n\nУдалите мой номер из вашей базы.", html.text());

        ParsedMail signed = parser.parse(resource("/corpus/dev/d009.eml"));
        assertEquals("Закройте мой личный кабинет и удалите всю информацию обо мне.", signed.newText());
        assertEquals("С уважением, Айгерим", signed.signature());
    }

    // ---- charsets ----

    @Test
    void iso88595BodyAndHeaders() {
        ParsedMail mail = parse("iso-8859-5.eml");

        assertEquals("Удаление данных", mail.subject());
        assertEquals("Асель Нурланова", mail.fromName());
        assertEquals("Прошу удалить мои персональные данные из вашей базы.", mail.newText());
        assertEquals(List.of(), mail.problems());
    }

    @Test
    void noCharsetDeclaredAndUtf8BytesReadsAsUtf8() {
        ParsedMail mail = parse("no-charset-utf8.eml");

        assertEquals("Жою туралы өтініш", mail.subject());
        assertEquals("Аккаунтымды жоюды сұраймын.", mail.newText());
        assertEquals(List.of(), mail.problems());
    }

    @Test
    void noCharsetDeclaredAndWindows1251BytesReadsAsWindows1251() {
        ParsedMail mail = parse("no-charset-cp1251.eml");

        assertEquals("Удалите аккаунт", mail.subject());
        assertEquals("Здравствуйте! Прошу удалить мой аккаунт и все данные.", mail.newText());
        assertEquals(List.of("subject: no charset declared but not UTF-8, read as windows-1251",
                "body: no charset declared but not UTF-8, read as windows-1251"), mail.problems());
    }

    @Test
    void unknownCharsetNamesAreGuessedAndNoted() {
        ParsedMail mail = parse("unknown-charset.eml");

        assertEquals("Удалить", mail.subject());
        assertEquals("Удалите мою учётную запись.", mail.newText());
        assertEquals(List.of("subject: unknown charset \"x-unknown-charset\", read as UTF-8",
                "body: unknown charset \"x-mac-cyrillic-ish\", read as windows-1251"), mail.problems());
    }

    @Test
    void koi8rEncodedWordsSplitOverTwoLinesJoinIntoOneSubject() {
        ParsedMail mail = parse("koi8r-subject.eml");

        assertEquals("Отзыв согласия на обработку", mail.subject());
        assertEquals("Ерлан", mail.fromName());
        assertEquals("erlan.k@example.kz", mail.fromAddress());
        assertEquals("Отзываю согласие на обработку персональных данных.", mail.newText());
    }

    // ---- MIME shapes ----

    @Test
    void htmlOnlyMailLosesScriptsAndStylesAndKeepsLines() {
        ParsedMail mail = parse("html-only-script-style.eml");

        assertEquals("""
                Здравствуйте,
                Прошу удалить мои данные:

                телефон
                адрес доставки

                Первая строка
                Вторая строка

                Спасибо""", mail.text());
        assertFalse(mail.text().contains("should-not-appear") || mail.text().contains("color"));
    }

    @Test
    void relatedInsideMixedInsideAlternativeGivesThePlainTextOnceAndEveryAttachment() {
        ParsedMail mail = parse("nested-alternative-mixed-related.eml");

        assertEquals("Удалите мой аккаунт, пожалуйста.", mail.text());
        assertEquals(List.of(new Attachment("", "image/png", 768), new Attachment("invoice.pdf", "application/pdf", 1000)),
                mail.attachments());
        assertEquals(List.of(), mail.problems());
    }

    @Test
    void attachmentNamesAreDecodedAndSizesMeasured() {
        ParsedMail mail = parse("attachment-rfc2047-filename.eml");

        assertEquals("Заявление во вложении.", mail.newText());
        assertEquals(List.of(new Attachment("Заявление на удаление.pdf", "application/pdf", 1100),
                new Attachment("удостоверение.jpg", "image/jpeg", 500)), mail.attachments());
    }

    @Test
    void attachmentsPastTheLimitAreNotRecorded() {
        ParsedMail mail = new MailParser(new MailLimits(MailLimits.DEFAULTS.maxMailBytes(), 200_000, 1))
                .parse(resource("/mail/nested-alternative-mixed-related.eml"));

        assertEquals(1, mail.attachments().size());
        assertEquals(List.of("more than 1 attachments: the rest not recorded"), mail.problems());
    }

    @Test
    void aBounceReportIsFlaggedAndItsPartsRecordedNotRead() {
        ParsedMail mail = parse("bounce-report.eml");

        assertTrue(mail.bounce());
        assertEquals("mailer-daemon@mx.dsr.test", mail.fromAddress());
        assertEquals("<>", mail.headers().get("return-path"));
        assertTrue(mail.text().startsWith("I'm sorry to have to inform you"), mail.text());
        assertEquals(List.of("message/delivery-status", "message/rfc822"),
                mail.attachments().stream().map(Attachment::contentType).toList());
    }

    // ---- broken MIME ----

    @Test
    void truncatedMultipartKeepsTheTextThatArrived() {
        ParsedMail mail = parse("truncated-multipart.eml");

        assertEquals("Прошу удалить мои данные.", mail.newText());
        assertEquals("scan.bin", mail.attachments().get(0).name());
        assertEquals(List.of("body: multipart has no closing boundary (mail cut short?), read what was there",
                "part 2: bad base64, decoded what could be read"), mail.problems());
    }

    @Test
    void multipartWithoutBoundaryParameterStillSplits() {
        ParsedMail mail = parse("missing-boundary.eml");

        assertEquals("Удалите мой номер телефона из базы.", mail.newText());
        assertEquals(List.of("body: multipart has no boundary parameter, took the first '--' line as boundary"),
                mail.problems());
    }

    @Test
    void multipartWithNoPartsAtAllIsReadAsPlainText() {
        ParsedMail mail = parser.parse(bytes("""
                From: a@example.kz
                Subject: x
                Content-Type: multipart/mixed

                Удалите мои данные.
                """));

        assertEquals("Удалите мои данные.", mail.newText());
        assertEquals(List.of("body: multipart could not be split into parts, read as plain text"), mail.problems());
    }

    @Test
    void badBase64IsDecodedAsFarAsPossibleAndNoted() {
        ParsedMail mail = parse("bad-base64.eml");

        assertEquals("Первая часть письма.\n\nУдалите мои данные, пожалуйста.", mail.newText());
        assertEquals(List.of("part 2: bad base64, decoded what could be read"), mail.problems());
    }

    @Test
    void mimeNestedTooDeepIsNotFollowed() {
        StringBuilder mail = new StringBuilder("From: a@example.kz\nSubject: deep\n");
        for (int level = 0; level < 30; level++) {
            mail.append("Content-Type: multipart/mixed; boundary=\"b").append(level).append("\"\n\n--b").append(level).append('\n');
        }
        mail.append("Content-Type: text/plain\n\nlost\n");

        ParsedMail parsed = parser.parse(bytes(mail.toString()));

        assertEquals("deep", parsed.subject());
        assertTrue(parsed.problems().stream().anyMatch(p -> p.endsWith("MIME nested deeper than 20 levels, not read")),
                parsed.problems().toString());
    }

    @Test
    void emptyBytesGiveAnEmptyMailWithAStableKey() {
        ParsedMail mail = parser.parse(new byte[0]);

        assertEquals("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", mail.messageKey());
        assertEquals("", mail.subject());
        assertEquals("", mail.text());
        assertNull(mail.fromAddress());
        assertEquals(List.of("mail is empty"), mail.problems());
    }

    @Test
    void aMailWithoutHeadersIsReadWhollyAsTheBody() {
        ParsedMail mail = parser.parse(bytes("Прошу удалить мой аккаунт.\nСпасибо.\n"));

        assertEquals("Прошу удалить мой аккаунт.\nСпасибо.", mail.text());
        assertEquals("", mail.subject());
        assertEquals(List.of("mail has no header block: all of it read as the body"), mail.problems());
    }

    @Test
    void randomBytesNeverThrow() {
        Random random = new Random(94);
        for (int i = 0; i < 500; i++) {
            byte[] junk = new byte[random.nextInt(2000)];
            random.nextBytes(junk);
            byte[] prefix = bytes("Content-Type: multipart/mixed; boundary=x\n\n--x\nContent-Transfer-Encoding: base64\n\n");
            byte[] mail = i % 2 == 0 ? junk : concat(prefix, junk);
            ParsedMail parsed = parser.parse(mail);
            assertEquals(mail.length, parsed.sizeBytes());
        }
    }

    @Test
    void nullIsTheOnlyInputThatThrows() {
        assertThrows(NullPointerException.class, () -> parser.parse(null));
    }

    // ---- headers ----

    @Test
    void withoutMessageIdTheKeyIsTheHashOfTheBytesAndStable() {
        byte[] raw = resource("/mail/no-message-id.eml");
        ParsedMail first = parser.parse(raw);
        ParsedMail second = parser.parse(raw.clone());
        ParsedMail changed = parser.parse(concat(raw, bytes("\n")));

        assertNull(first.messageId());
        assertTrue(first.messageKey().matches("sha256:[0-9a-f]{64}"), first.messageKey());
        assertEquals(first.messageKey(), second.messageKey());
        assertNotEquals(first.messageKey(), changed.messageKey());
        assertEquals("Без идентификатора", first.subject());
    }

    @Test
    void unusableMessageIdsFallBackToTheHash() {
        for (String id : List.of("<no-at-sign>", "<" + "a".repeat(300) + "@x>", "<ид@пример.kz>")) {
            ParsedMail mail = parser.parse(bytes("Message-ID: " + id + "\nSubject: x\n\nbody\n"));
            assertNull(mail.messageId(), id);
            assertTrue(mail.messageKey().startsWith("sha256:"), id);
        }
    }

    @Test
    void threadingHeadersGiveBareIds() {
        ParsedMail gmail = parse("reply-gmail-en.eml");
        assertEquals("gmail-reply@example.kz", gmail.messageId());
        assertEquals("dsr-2026-0043.ack@dsr.test", gmail.inReplyTo());
        assertEquals(List.of("dsr-2026-0043.req@example.com", "dsr-2026-0043.ack@dsr.test"), gmail.references());

        String references = IntStream.rangeClosed(1, 60).mapToObj(i -> "<r" + i + "@x.kz>").collect(Collectors.joining(" "));
        ParsedMail longThread = parser.parse(bytes("References: " + references + "\nSubject: x\n\nbody\n"));
        assertEquals(50, longThread.references().size());
        assertEquals("r1@x.kz", longThread.references().get(0));
        assertEquals("r12@x.kz", longThread.references().get(1));
        assertEquals("r60@x.kz", longThread.references().get(49));
    }

    @Test
    void headersCannotSmuggleLineBreaksOrControlCharacters() {
        ParsedMail mail = parser.parse(bytes("""
                From: =?utf-8?Q?Eve=0D=0ABcc=3A_all?= <Eve@Example.com>
                Subject: =?utf-8?Q?Hello=0D=0ABcc:_x@evil.test=00?= \u202Eevil
                Date: Tue, 03 Nov 2026 10:15:00 +0500

                body
                """));

        assertEquals("Hello Bcc: x@evil.test evil", mail.subject());
        assertEquals("Eve Bcc: all", mail.fromName());
        assertEquals("eve@example.com", mail.fromAddress());
        assertEquals(Instant.parse("2026-11-03T05:15:00Z"), mail.sentAt());
    }

    @Test
    void longSubjectsAreCapped() {
        ParsedMail mail = parser.parse(bytes("Subject: " + "Удалите ".repeat(200) + "\n\nbody\n"));

        assertEquals(500, mail.subject().length());
    }

    @Test
    void anUnparseableFromStillYieldsTheAddressWhenThereIsOne() {
        ParsedMail broken = parser.parse(bytes("From: Иван <Ivan@Mail.kz\nSubject: x\n\nbody\n"));
        ParsedMail none = parser.parse(bytes("From: undisclosed\nSubject: x\n\nbody\n"));

        assertEquals("ivan@mail.kz", broken.fromAddress());
        assertNull(none.fromAddress());
        assertEquals(List.of("from: no usable address"), none.problems());
    }

    @Test
    void steeringHeadersForTheMailConsumerAreJustIgnored() {
        ParsedMail mail = parse("moveto-header.eml");

        assertEquals("Hello", mail.subject());
        assertEquals("Just a normal looking mail.", mail.newText());
        assertFalse(mail.headers().containsKey("moveto"));
        assertEquals(List.of(), mail.problems());
    }

    // ---- replies and forwards ----

    @Test
    void outlookReplyInRussianSeparatesHistoryAndSignature() {
        ParsedMail mail = parse("reply-outlook-ru.eml");

        assertEquals("RE: Ваш запрос [DSR-2026-0042]", mail.subject());
        assertEquals("Добрый день!\n\nДа, подтверждаю: удалите аккаунт полностью.", mail.newText());
        assertEquals("С уважением,\nИван Петров", mail.signature());
        assertTrue(mail.quotedText().startsWith("________________________________\nОт: Служба поддержки"), mail.quotedText());
        assertTrue(mail.quotedText().endsWith("что вы хотите удалить аккаунт."), mail.quotedText());
        assertEquals("RE: Ваш запрос [DSR-2026-0042]\nДобрый день!\n\nДа, подтверждаю: удалите аккаунт полностью.",
                mail.classifiableText());
    }

    @Test
    void gmailReplyInEnglishSeparatesTheWrappedAttributionAndQuotes() {
        ParsedMail mail = parse("reply-gmail-en.eml");

        assertEquals("Yes, please delete my account and all my data.", mail.newText());
        assertTrue(mail.quotedText().startsWith("On Tue, Nov 3, 2026 at 10:15 AM DSR Support <"), mail.quotedText());
        assertTrue(mail.quotedText().contains("> Please confirm that you want your account deleted."));
        assertEquals("", mail.signature());
    }

    @Test
    void htmlBlockquotesBecomeQuotedLines() {
        String html = """
                <div>Да, удалите.</div><div class="gmail_quote"><blockquote>Подтвердите удаление<br>аккаунта.</blockquote></div>""";
        ParsedMail mail = parser.parse(bytes("Subject: x\nContent-Type: text/html; charset=utf-8\n\n" + html));

        assertEquals("Да, удалите.", mail.newText());
        assertEquals("> Подтвердите удаление\n> аккаунта.", mail.quotedText());
    }

    @Test
    void forwardedMailKeepsTheNoteAsNewTextAndTheForwardAsHistory() {
        ParsedMail mail = parse("forwarded.eml");

        assertEquals("Fwd: Ваш заказ", mail.subject());
        assertEquals("Пересылаю вам это письмо. Удалите, пожалуйста, все мои данные.", mail.newText());
        assertEquals("Отправлено с iPhone", mail.signature());
        assertTrue(mail.quotedText().startsWith("-------- Пересылаемое сообщение --------"), mail.quotedText());
        assertTrue(mail.quotedText().contains("Ваш заказ №123 доставлен."));
    }

    // ---- limits ----

    @Test
    void aMailOverTheSizeLimitIsAnsweredFromItsHeadersAlone() {
        byte[] mail = twentyMegabyteMail();

        ParsedMail parsed = assertTimeout(Duration.ofSeconds(5), () -> parser.parse(mail));

        assertEquals("big.1@example.kz", parsed.messageKey());
        assertEquals("sender@example.kz", parsed.fromAddress());
        assertEquals("Большое вложение", parsed.subject());
        assertEquals("", parsed.text());
        assertEquals(List.of(), parsed.attachments());
        assertEquals(mail.length, parsed.sizeBytes());
        assertEquals("mail is 20.0 MB, over the 10.0 MB limit: body not read", parsed.limitReason());
    }

    @Test
    void aBodyOverTheCharacterLimitIsTruncated() {
        MailParser strict = new MailParser(new MailLimits(MailLimits.DEFAULTS.maxMailBytes(), 100, 100));

        ParsedMail mail = strict.parse(bytes("Subject: long\nContent-Type: text/plain; charset=utf-8\n\n" + "ж".repeat(1000)));

        assertEquals("ж".repeat(100), mail.text());
        assertEquals("body is 1000 characters, over the 100 limit: truncated", mail.limitReason());
    }

    /** A 20 MB mail: a short text and a base64 attachment, built in memory (too big to keep in git). */
    private static byte[] twentyMegabyteMail() {
        byte[] head = bytes("""
                From: Sender <sender@example.kz>\r
                Subject: =?utf-8?B?0JHQvtC70YzRiNC+0LUg0LLQu9C+0LbQtdC90LjQtQ==?=\r
                Message-ID: <big.1@example.kz>\r
                Content-Type: multipart/mixed; boundary="big"\r
                \r
                --big\r
                Content-Type: text/plain; charset=utf-8\r
                \r
                Удалите мои данные, скан во вложении.\r
                --big\r
                Content-Type: application/octet-stream; name="scan.tiff"\r
                Content-Transfer-Encoding: base64\r
                \r
                """);
        byte[] line = bytes("QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0\r\n");
        byte[] mail = Arrays.copyOf(head, 20 * 1024 * 1024);
        for (int at = head.length; at < mail.length; at += line.length) {
            System.arraycopy(line, 0, mail, at, Math.min(line.length, mail.length - at));
        }
        return mail;
    }

    // ---- helpers ----

    private ParsedMail parse(String craftedMail) {
        return parser.parse(resource("/mail/" + craftedMail));
    }

    static byte[] resource(String path) {
        try (InputStream in = MailParserTest.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource " + path);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] joined = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, joined, first.length, second.length);
        return joined;
    }
}
