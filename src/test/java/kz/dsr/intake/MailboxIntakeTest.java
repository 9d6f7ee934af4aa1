package kz.dsr.intake;

import static kz.dsr.testing.RunningPipeline.await;
import static kz.dsr.testing.TestMail.mail;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.mail.internet.MimeMessage;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import kz.dsr.testing.RunningPipeline;
import kz.dsr.testing.TestMail;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The intake route end to end: GreenMail inbox → routes → PostgreSQL → acknowledgement over SMTP. */
class MailboxIntakeTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static RunningPipeline pipeline;

    @BeforeAll
    static void start() {
        // A low flood limit so the flood test needs few mails.
        pipeline = RunningPipeline.start(Map.of("dsr.intake.flood.max-requests-per-hour", "3"));
    }

    @AfterAll
    static void stop() {
        pipeline.close();
    }

    private static String referenceOf(String messageKey) {
        await("mail " + messageKey + " recorded", WAIT, () ->
                pipeline.count("select count(*) from inbound_message where message_key = ?", messageKey) == 1);
        return pipeline.store().queryForObject("select r.reference from inbound_message m join request r "
                + "on r.id = m.request_id where m.message_key = ?", String.class, messageKey);
    }

    private static MimeMessage ackTo(String address) {
        await("acknowledgement to " + address, WAIT, () -> pipeline.received(address).size() >= 1);
        List<MimeMessage> got = pipeline.received(address);
        assertEquals(1, got.size(), "exactly one reply to " + address);
        return got.get(0);
    }

    @Test
    void newRequestIsRecordedAcknowledgedInItsLanguageAndMovedToProcessed() throws Exception {
        TestMail m = mail().from("Айгерим <aigerim@example.kz>").subject("Удаление аккаунта")
                .body("Здравствуйте, прошу удалить мой аккаунт.")
                .header("X-Secret-Header", "must-not-leak").header("Reply-To", "attacker@evil.test");
        pipeline.deliver(m.bytes());
        String reference = referenceOf(m.messageId());
        assertTrue(reference.matches("DSR-\\d{4}-\\d{6}"), reference);

        MimeMessage ack = ackTo("aigerim@example.kz");
        assertEquals("Re: Удаление аккаунта [" + reference + "]", ack.getSubject());
        assertEquals("support@dsr.test", ((jakarta.mail.internet.InternetAddress) ack.getFrom()[0]).getAddress());
        assertEquals("<" + m.messageId() + ">", ack.getHeader("In-Reply-To", null));
        assertTrue(ack.getHeader("References", null).contains(m.messageId()));
        assertEquals("auto-replied", ack.getHeader("Auto-Submitted", null));
        assertNull(ack.getHeader("X-Secret-Header"), "no header of the incoming mail leaks into the reply");
        assertNull(ack.getHeader("Reply-To"), "no header of the incoming mail leaks into the reply");
        String body = (String) ack.getContent();
        assertTrue(body.contains(reference) && body.contains("Срок ответа"), body);
        String due = pipeline.store().queryForObject("select to_char(due_date, 'DD.MM.YYYY') from request "
                + "where reference = ?", String.class, reference);
        assertTrue(body.contains(due), "the due date is in the reply: " + due);
        // An erasure: 15 working days from the day of receipt (config/calendar.yaml), fixed at receipt.
        java.time.LocalDate received = pipeline.store().queryForObject("select received_at from request where reference = ?",
                java.sql.Timestamp.class, reference).toInstant().atZone(java.time.ZoneId.of("Asia/Almaty")).toLocalDate();
        assertEquals(kz.dsr.timers.WorkingCalendar.load(java.nio.file.Path.of("config/calendar.yaml")).plusWorkingDays(received, 15),
                pipeline.store().queryForObject("select due_date from request where reference = ?", java.sql.Date.class,
                        reference).toLocalDate());

        await("mail moved to Processed", WAIT, () -> pipeline.folderCount("Processed") >= 1);
        assertEquals(1, pipeline.count("select count(*) from outbox where status = 'SENT' and request_id = "
                + "(select id from request where reference = ?)", reference));
        assertEquals(List.of("RECEIVED", "CLASSIFIED", "ACKNOWLEDGEMENT_QUEUED"), pipeline.store().queryForList(
                "select kind from request_event where request_id = (select id from request where reference = ?) "
                        + "order by id", String.class, reference));
    }

    @Test
    void everyCharsetIsDecodedAndAnsweredInTheRightLanguage() throws Exception {
        record Case(String from, Charset charset, String subject, String body, String expectInReply) {
        }
        List<Case> cases = List.of(
                new Case("cp1251@example.kz", Charset.forName("windows-1251"), "Удалите данные",
                        "Прошу удалить мои персональные данные.", "Срок ответа"),
                new Case("koi8@example.kz", Charset.forName("KOI8-R"), "Какие данные вы храните",
                        "Какие данные обо мне вы храните?", "Срок ответа"),
                new Case("iso5@example.kz", Charset.forName("ISO-8859-5"), "Исправьте фамилию",
                        "Прошу исправить фамилию в профиле.", "Срок ответа"),
                new Case("kazakh@example.kz", StandardCharsets.UTF_8, "Аккаунтты жою",
                        "Аккаунтымды жойыңызшы, өтінемін.", "Жауап беру мерзімі"),
                new Case("english@example.kz", StandardCharsets.UTF_8, "Delete my account",
                        "Please delete my account and all my data.", "We will answer"));
        for (Case c : cases) {
            pipeline.deliver(mail().from(c.from).charset(c.charset).subject(c.subject).body(c.body).bytes());
        }
        for (Case c : cases) {
            MimeMessage ack = ackTo(c.from);
            assertTrue(ack.getSubject().startsWith("Re: " + c.subject + " [DSR-"), ack.getSubject());
            assertTrue(((String) ack.getContent()).contains(c.expectInReply), c.from);
            assertEquals(c.subject, pipeline.store().queryForObject(
                    "select subject from inbound_message where sender = ?", String.class, c.from));
            assertEquals(c.body, pipeline.store().queryForObject(
                    "select new_text from inbound_message where sender = ?", String.class, c.from));
        }
    }

    @Test
    void htmlOnlyMailIsReadAsText() throws Exception {
        String raw = "From: html@example.kz\r\nTo: support@dsr.test\r\nSubject: Data\r\nMessage-ID: <html-1@x>\r\n"
                + "MIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
                + "<html><head><style>p{color:red}</style><script>alert(1)</script></head>"
                + "<body><p>Please delete my account.</p><p>Thanks</p></body></html>\r\n";
        pipeline.deliver(raw.getBytes(StandardCharsets.UTF_8));
        referenceOf("html-1@x");
        String text = pipeline.store().queryForObject(
                "select new_text from inbound_message where message_key = 'html-1@x'", String.class);
        assertTrue(text.contains("Please delete my account."), text);
        assertFalse(text.contains("alert") || text.contains("color"), text);
        ackTo("html@example.kz");
    }

    @Test
    void malformedMimeIsRecordedAndAnsweredNotLost() throws Exception {
        String truncated = "From: trunc@example.kz\r\nSubject: Truncated\r\nMessage-ID: <trunc-1@x>\r\n"
                + "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n\r\nPlease delete my data\r\n--b1\r\n"
                + "Content-Type: application/pdf; name=\"a.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0x";
        String badBase64 = "From: b64@example.kz\r\nSubject: Delete my account\r\nMessage-ID: <b64-1@x>\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                + "0J/RgNC+0YjRgyDRg9C00LDQu9C40YLRjA=!!**==\r\n";
        String noBoundary = "From: nob@example.kz\r\nSubject: No boundary\r\nMessage-ID: <nob-1@x>\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: multipart/alternative\r\n\r\n--zzz\r\nContent-Type: text/plain\r\n\r\nPlease delete my account\r\n--zzz--\r\n";
        for (String raw : List.of(truncated, badBase64, noBoundary)) {
            pipeline.deliver(raw.getBytes(StandardCharsets.UTF_8));
        }
        for (String key : List.of("trunc-1@x", "b64-1@x", "nob-1@x")) {
            assertNotNull(referenceOf(key), key + " became a request");
        }
        ackTo("trunc@example.kz");
        ackTo("b64@example.kz");
        ackTo("nob@example.kz");
        assertEquals(0, pipeline.count("select count(*) from dead_letter"));
    }

    @Test
    void hugeMailIsRecordedWithTheReasonAndStillAnswered() throws Exception {
        StringBuilder raw = new StringBuilder("From: big@example.kz\r\nSubject: Big attachment\r\n"
                + "Message-ID: <big-1@x>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"B\"\r\n\r\n"
                + "--B\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nPlease delete my account.\r\n--B\r\n"
                + "Content-Type: application/octet-stream; name=\"scan.bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\n");
        String line = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0\r\n";
        while (raw.length() < 20 * 1024 * 1024) {
            raw.append(line);
        }
        raw.append("--B--\r\n");
        pipeline.deliver(raw.toString().getBytes(StandardCharsets.US_ASCII));
        referenceOf("big-1@x");
        String reason = pipeline.store().queryForObject(
                "select limit_reason from inbound_message where message_key = 'big-1@x'", String.class);
        assertNotNull(reason, "the reason the body was not read is stored");
        assertTrue(reason.contains("limit"), reason);
        ackTo("big@example.kz");
    }

    @Test
    void aMailThatExpandsPastTheLimitsIsRecordedAnsweredAndLeftToAnOperator() throws Exception {
        // 11 KB that a quote prefix per level used to turn into a megabyte of '>'.
        StringBuilder raw = new StringBuilder("From: deep@example.kz\r\nTo: support@dsr.test\r\nSubject: Удаление\r\n"
                + "Message-ID: <deep-1@x>\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
                + "<p>Прошу удалить мой аккаунт и все мои данные.</p>" + "<blockquote>".repeat(800));
        for (int i = 0; i < 300; i++) {
            raw.append("<br>x");
        }
        pipeline.deliver(raw.toString().getBytes(StandardCharsets.UTF_8));
        referenceOf("deep-1@x");
        Map<String, Object> mail = pipeline.store().queryForMap("select m.limit_reason, m.new_text, m.quoted_text, "
                + "r.status from inbound_message m join request r on r.id = m.request_id "
                + "where m.message_key = 'deep-1@x'");
        assertEquals("Прошу удалить мой аккаунт и все мои данные.", mail.get("new_text"));
        assertEquals(300, ((String) mail.get("quoted_text")).lines().filter(l -> l.endsWith("> x")).count(),
                "every quoted line is kept");
        assertTrue(((String) mail.get("limit_reason")).contains("quotes nested deeper than"), mail.toString());
        assertEquals("NEEDS_REVIEW", mail.get("status"), "a person decides on a mail not wholly read");
        ackTo("deep@example.kz");
    }

    @Test
    void moveToHeaderInAMailDoesNotSteerTheConsumer() throws Exception {
        TestMail m = mail().from("mover@example.kz").header("MoveTo", "Hacked").header("copyTo", "Stolen")
                .header("delete", "true");
        pipeline.deliver(m.bytes());
        referenceOf(m.messageId());
        ackTo("mover@example.kz");
        // The move happens when the exchange completes, after the mail is recorded.
        await("moved to Processed", WAIT, () -> pipeline.folderHolds("Processed", m.messageId()));
        assertFalse(pipeline.folderExists("Hacked"), "a mail header must not choose the folder");
        assertFalse(pipeline.folderExists("Stolen"), "a mail header must not copy the mail");
    }

    @Test
    void replyInAThreadBecomesAnEventNotANewRequest() throws Exception {
        TestMail first = mail().from("thread@example.kz").subject("Мои данные").body("Какие данные вы храните?");
        pipeline.deliver(first.bytes());
        String reference = referenceOf(first.messageId());
        MimeMessage ack = ackTo("thread@example.kz");
        String ourId = ack.getMessageID();

        TestMail reply = mail().from("thread@example.kz").subject("Re: " + ack.getSubject())
                .body("Спасибо, жду ответа.").header("In-Reply-To", ourId).header("References", ourId);
        pipeline.deliver(reply.bytes());
        TestMail bySubjectOnly = mail().from("thread@example.kz").subject("Вопрос [" + reference + "]")
                .body("Добавлю: телефон тот же.");
        pipeline.deliver(bySubjectOnly.bytes());

        await("both replies recorded", WAIT, () -> pipeline.count(
                "select count(*) from inbound_message where disposition = 'THREAD_REPLY' and sender = ?",
                "thread@example.kz") == 2);
        assertEquals(1, pipeline.count("select count(*) from request where requester_email = ?", "thread@example.kz"));
        assertEquals(2, pipeline.count("select count(*) from request_event where kind = 'MAIL_IN_THREAD' and "
                + "request_id = (select id from request where reference = ?)", reference));
        pipeline.awaitRouteRuns("outbox-relay", 3, WAIT); // an acknowledgement, had one been queued, is sent by now
        assertEquals(1, pipeline.received("thread@example.kz").size(), "a thread reply is not acknowledged again");
    }

    @Test
    void noiseIsRecordedButNeverAnsweredAndTwoAutorespondersCannotLoop() throws Exception {
        // An autoresponder that answers every mail it gets, marking its answers as automatic.
        TestMail first = mail().from("robot@example.kz").subject("Delete my data").body("Please delete my data.");
        pipeline.deliver(first.bytes());
        MimeMessage ack = ackTo("robot@example.kz");
        for (int round = 0; round < 3; round++) {
            pipeline.deliver(mail().from("robot@example.kz").subject("Automatic reply: " + ack.getSubject())
                    .body("I am out of office until Monday.").header("Auto-Submitted", "auto-replied")
                    .header("In-Reply-To", ack.getMessageID()).bytes());
        }
        // A careless one that sets no header at all but answers our reply.
        pipeline.deliver(mail().from("careless@example.kz").subject("Delete my data").body("Please delete my data.").bytes());
        MimeMessage toCareless = ackTo("careless@example.kz");
        for (int round = 0; round < 3; round++) {
            pipeline.deliver(mail().from("careless@example.kz").subject("Re: " + toCareless.getSubject())
                    .body("I am away.").bytes());
        }
        String bounce = "From: MAILER-DAEMON@mx.example.kz\r\nTo: support@dsr.test\r\nSubject: Undelivered Mail Returned to Sender\r\n"
                + "Message-ID: <bounce-1@mx>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"r\"\r\n\r\n"
                + "--r\r\nContent-Type: text/plain\r\n\r\nDelivery failed\r\n--r\r\nContent-Type: message/delivery-status\r\n\r\n"
                + "Reporting-MTA: dns; mx.example.kz\r\n--r--\r\n";
        pipeline.deliver(bounce.getBytes(StandardCharsets.US_ASCII));
        pipeline.deliver(mail().from("news@list.example.kz").header("List-Id", "<news.example.kz>")
                .subject("Weekly news").body("Unsubscribe here").bytes());
        pipeline.deliver(mail().from("support@dsr.test").subject("Re: our own mail").body("echo").bytes());

        await("all noise recorded", WAIT, () -> pipeline.count("select count(*) from inbound_message where "
                + "noise_kind is not null") >= 6);
        await("every mail taken from the inbox", WAIT, () -> pipeline.folderCount("INBOX") == 0);
        pipeline.awaitRouteRuns("outbox-relay", 3, WAIT); // a reply, had one been queued, is sent by now
        assertEquals(1, pipeline.received("robot@example.kz").size(), "one reply to the autoresponder, no loop");
        assertEquals(1, pipeline.received("careless@example.kz").size(), "one reply to the careless robot, no loop");
        assertEquals(0, pipeline.received("mx.example.kz").size());
        assertEquals(0, pipeline.received("list.example.kz").size());
        assertEquals(Map.of("AUTO_REPLY", 3L, "BOUNCE", 1L, "MAILING_LIST", 1L, "OWN_MAIL", 1L),
                Map.copyOf(pipeline.store().query("select noise_kind, count(*) from inbound_message where "
                        + "noise_kind is not null group by noise_kind", rs -> {
                    Map<String, Long> out = new java.util.HashMap<>();
                    while (rs.next()) {
                        out.put(rs.getString(1), rs.getLong(2));
                    }
                    return out;
                })));
        assertEquals(0, pipeline.count("select count(*) from request where requester_email in "
                + "('mailer-daemon@mx.example.kz', 'news@list.example.kz', 'support@dsr.test')"));
    }

    @Test
    void floodGuardMergesMailsBeyondTheLimitIntoTheOpenRequest() throws Exception {
        for (int i = 0; i < 6; i++) {
            pipeline.deliver(mail().from("flood@example.kz").subject("Delete " + i).body("Delete my data " + i).bytes());
        }
        await("six mails recorded", WAIT, () -> pipeline.count(
                "select count(*) from inbound_message where sender = 'flood@example.kz'") == 6);
        assertEquals(3, pipeline.count("select count(*) from request where requester_email = 'flood@example.kz'"));
        assertEquals(3, pipeline.count("select count(*) from inbound_message where sender = 'flood@example.kz' "
                + "and disposition = 'FLOOD_MERGED'"));
        assertEquals(3, pipeline.count("select sum(flood_merged) from request where requester_email = 'flood@example.kz'"));
        await("three acknowledgements", WAIT, () -> pipeline.received("flood@example.kz").size() >= 3);
        pipeline.awaitRouteRuns("outbox-relay", 3, WAIT); // a fourth reply, had one been queued, is sent by now
        assertEquals(3, pipeline.received("flood@example.kz").size(), "merged mails are not answered one by one");
    }
}
