package kz.dsr.notify;

import static kz.dsr.testing.RunningPipeline.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.mail.Message;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import kz.dsr.store.PermanentFailure;
import kz.dsr.testing.RunningPipeline;
import org.junit.jupiter.api.Test;

/**
 * Mail to an internationalised address (RFC 6531: a Cyrillic local part and domain) goes out with
 * SMTPUTF8 when the server offers it, byte for byte in UTF-8; without it, it is refused for good
 * rather than sent garbled; ASCII mail never asks for SMTPUTF8.
 */
class InternationalAddressTest {

    private static final String ADDRESS = "айгерим@пример.қаз";
    private static final String OURS = "support@dsr.test";

    private final MailComposer composer = new MailComposer(new Templates(Path.of("config/templates")), OURS,
            "Privacy team", "dsr.test");

    private MimeMessage mailTo(String recipient) throws Exception {
        return composer.toMime(new OutgoingMail(recipient, "Re: Удаление [DSR-2026-000001]", "Здравствуйте!",
                "m-" + System.nanoTime() + "@dsr.test", null, List.of(), "DSR-2026-000001"));
    }

    @Test
    void itIsSentWithSmtpUtf8WhenTheServerOffersIt() throws Exception {
        try (SmtpStub smtp = new SmtpStub(true, a -> "250 2.1.5 Ok");
             SmtpSender sender = new SmtpSender("smtp", "127.0.0.1", smtp.port(), "", "", 5000)) {
            MimeMessage mime = mailTo(ADDRESS);
            assertEquals(ADDRESS, ((InternetAddress) mime.getRecipients(Message.RecipientType.TO)[0]).getAddress());
            sender.send(mime);
            assertTrue(smtp.commands().contains("MAIL FROM:<" + OURS + "> SMTPUTF8"), smtp.commands().toString());
            assertEquals(1, smtp.rcptsTo(ADDRESS), smtp.commands().toString());
            assertTrue(smtp.messages().get(0).contains("To: " + ADDRESS), smtp.messages().get(0));
        }
    }

    @Test
    void withoutSmtpUtf8ItIsRefusedForGoodNotSentGarbled() throws Exception {
        try (SmtpStub smtp = new SmtpStub(false, a -> a.chars().allMatch(c -> c < 128) ? "250 2.1.5 Ok"
                        : "500 5.5.2 Error: bad UTF-8 syntax");
             SmtpSender sender = new SmtpSender("smtp", "127.0.0.1", smtp.port(), "", "", 5000)) {
            Exception e = assertThrows(Exception.class, () -> sender.send(mailTo(ADDRESS)));
            assertTrue(e instanceof PermanentFailure, "given up at once, not retried: " + e);
            assertTrue(smtp.messages().isEmpty(), "nothing was delivered");
            assertTrue(smtp.commands().stream().noneMatch(c -> c.startsWith("RCPT")), smtp.commands().toString());
            // The connection is still good for the next, ASCII, mail.
            sender.send(mailTo("aigerim@example.kz"));
            assertEquals(1, smtp.messages().size());
        }
    }

    @Test
    void asciiMailNeverAsksForSmtpUtf8() throws Exception {
        try (SmtpStub smtp = new SmtpStub(true, a -> "250 2.1.5 Ok");
             SmtpSender sender = new SmtpSender("smtp", "127.0.0.1", smtp.port(), "", "", 5000)) {
            sender.send(mailTo("aigerim@example.kz"));
            sender.send(mailTo(ADDRESS));
            sender.send(mailTo("bota@example.kz"));
            assertEquals(List.of("MAIL FROM:<" + OURS + ">", "MAIL FROM:<" + OURS + "> SMTPUTF8", "MAIL FROM:<" + OURS + ">"),
                    smtp.commands().stream().filter(c -> c.startsWith("MAIL")).toList());
            assertEquals(3, smtp.messages().size());
        }
    }

    @Test
    void aRequestFromAnInternationalisedAddressIsAcknowledgedToIt() throws Exception {
        try (SmtpStub smtp = new SmtpStub(true, a -> "250 2.1.5 Ok");
             RunningPipeline pipeline = RunningPipeline.start(Map.of("dsr.mail.smtp.port", String.valueOf(smtp.port())))) {
            // RFC 6532 mail: the From header in UTF-8 as it is, no encoded words.
            String raw = "From: Айгерим <" + ADDRESS + ">\r\nTo: support@dsr.test\r\nSubject: Удаление аккаунта\r\n"
                    + "Message-ID: <utf8-1@client.example.kz>\r\nMIME-Version: 1.0\r\n"
                    + "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
                    + "Здравствуйте, прошу удалить мой аккаунт.\r\n";
            pipeline.deliver(raw.getBytes(StandardCharsets.UTF_8));
            await("the acknowledgement sent", Duration.ofSeconds(30), () -> pipeline.count(
                    "select count(*) from outbox where recipient = ? and status = 'SENT'", ADDRESS) == 1);
            assertEquals(1, smtp.rcptsTo(ADDRESS), smtp.commands().toString());
            assertTrue(smtp.commands().contains("MAIL FROM:<" + OURS + "> SMTPUTF8"), smtp.commands().toString());
            assertFalse(smtp.messages().isEmpty());
        }
    }
}
