package kz.dsr.notify;

import static kz.dsr.testing.RunningPipeline.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import kz.dsr.store.Outbox;
import kz.dsr.testing.RunningPipeline;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataIntegrityViolationException;

/**
 * A one-time code or the identities told to a processor must not stay readable in the store once its
 * message is done with, whether it was sent or given up: not in the outbox row's text, not in its last
 * error, not in the dead letter an operator reads.
 */
class OutboxEndsWithoutSecretsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String MAIL_CODE = "483920";
    private static final String SMS_CODE = "715204";
    private static final String SUBJECT_EMAIL = "aigerim.s@example.kz";
    private static final String SUBJECT_PHONE = "+77017654321";

    @Test
    void codesAndIdentitiesLeaveTheStoreWhenTheirMessageIsGivenUp() throws Exception {
        try (RunningPipeline pipeline = RunningPipeline.start(Map.of(
                "dsr.mail.smtp.port", String.valueOf(closedPort()),
                "dsr.outbox.max-attempts", "1"))) {
            long request = request(pipeline, "DSR-2026-000101");
            Outbox outbox = pipeline.context().getRegistry().lookupByNameAndType("outbox", Outbox.class);
            // SMTP unreachable, one attempt: given up after it (attemptFailed).
            outbox.enqueueMail("code:DSR-2026-000101", request, mail(SUBJECT_EMAIL, "Your verification code",
                    "Your one-time code: " + MAIL_CODE + "\nIt confirms DSR-2026-000101.", "code-1@dsr.test"));
            // No SMS gateway configured: given up after the one attempt.
            outbox.enqueueSms("code:sms:DSR-2026-000101", request, SUBJECT_PHONE,
                    "Code " + SMS_CODE + " confirms privacy request DSR-2026-000101.");
            // A processor the processors file does not name: refused at once (giveUp).
            outbox.enqueueHttp("processor:DSR-2026-000101:ghost", request, "ghost", "OpenDSR ERASURE",
                    "0b7e2f9c-3d4a-4e8f-9a1b-2c3d4e5f6a7b", "{\"subject_identities\":[{\"identity_type\":\"email\","
                            + "\"identity_value\":\"" + SUBJECT_EMAIL + "\"},{\"identity_type\":\"phone\","
                            + "\"identity_value\":\"" + SUBJECT_PHONE + "\"}]}");
            // A mail to an email processor, SMTP unreachable.
            outbox.enqueueMail("processor:DSR-2026-000101:mailbox", request, mail("privacy@processor.kz",
                    "Erasure request", "- email: " + SUBJECT_EMAIL + "\n- phone: " + SUBJECT_PHONE, "proc-1@dsr.test"));
            // An acknowledgement holds neither: it keeps its text, so an operator can still resend it.
            outbox.enqueueMail("ack:DSR-2026-000101", request, mail(SUBJECT_EMAIL, "We received your request",
                    "We received your request DSR-2026-000101.", "ack-1@dsr.test"));

            await("all five given up", WAIT, () -> pipeline.count("select count(*) from outbox where status = 'FAILED'") == 5);
            await("five dead letters", WAIT, () -> pipeline.count("select count(*) from dead_letter") == 5);

            String stored = String.join("\n", pipeline.store().queryForList("select event_key || ' | ' || body"
                    + " || ' | ' || coalesce(last_error, '') from outbox where event_key <> 'ack:DSR-2026-000101'",
                    String.class)) + "\n" + String.join("\n", pipeline.store().queryForList(
                    "select error from dead_letter", String.class));
            for (String secret : List.of(MAIL_CODE, SMS_CODE, SUBJECT_EMAIL, SUBJECT_PHONE, SUBJECT_PHONE.substring(1))) {
                assertFalse(stored.contains(secret), secret + " is still in the store:\n" + stored);
            }
            assertEquals(4, pipeline.count("select count(*) from outbox where body like '(removed%'"), stored);
            assertEquals("We received your request DSR-2026-000101.", pipeline.store().queryForObject(
                    "select body from outbox where event_key = 'ack:DSR-2026-000101'", String.class));
            assertTrue(pipeline.store().queryForObject("select last_error from outbox where event_key like"
                    + " 'processor:%:ghost'", String.class).contains("'ghost'"), "the operator still sees why");

            // An operator who sets a blanked message back to PENDING is stopped: it would send the placeholder.
            DataIntegrityViolationException refused = assertThrows(DataIntegrityViolationException.class,
                    () -> pipeline.store().update("update outbox set status = 'PENDING' where event_key = ?",
                            "code:DSR-2026-000101"));
            assertTrue(refused.getMessage().contains("outbox_removed_content_stays_ended"), refused.getMessage());
            assertEquals(1, pipeline.store().update("update outbox set status = 'PENDING', next_attempt_at ="
                    + " now() + interval '1 hour' where event_key = 'ack:DSR-2026-000101'"));
        }
    }

    @Test
    void aRejectionThatQuotesTheCodeIsStoredWithoutIt() throws Exception {
        try (QuotingSmtpServer smtp = new QuotingSmtpServer();
                RunningPipeline pipeline = RunningPipeline.start(Map.of(
                        "dsr.mail.smtp.port", String.valueOf(smtp.port()),
                        "dsr.mail.smtp.username", "",
                        "dsr.outbox.max-attempts", "1"))) {
            long request = request(pipeline, "DSR-2026-000102");
            Outbox outbox = pipeline.context().getRegistry().lookupByNameAndType("outbox", Outbox.class);
            outbox.enqueueMail("code:DSR-2026-000102", request, mail(SUBJECT_EMAIL, "Your verification code",
                    "Your one-time code: " + MAIL_CODE + "\nIt confirms DSR-2026-000102.", "code-2@dsr.test"));

            await("given up", WAIT, () -> pipeline.count("select count(*) from dead_letter") == 1);

            String lastError = pipeline.store().queryForObject("select last_error from outbox", String.class);
            String deadLetter = pipeline.store().queryForObject("select error from dead_letter", String.class);
            assertTrue(lastError.contains("554") && lastError.contains("content filter"), "why stays: " + lastError);
            for (String text : List.of(lastError, deadLetter)) {
                assertFalse(text.contains(MAIL_CODE), text);
                assertFalse(text.contains(SUBJECT_EMAIL), text);
            }
            assertTrue(smtp.quoted.contains(MAIL_CODE), "the server did quote the code: " + smtp.quoted);
        }
    }

    private static OutgoingMail mail(String to, String subject, String body, String messageId) {
        return new OutgoingMail(to, subject, body, messageId, null, List.of(), null);
    }

    private static long request(RunningPipeline pipeline, String reference) {
        return pipeline.store().queryForObject("insert into request (reference, type, status, language, received_at,"
                + " due_date) values (?, 'ERASURE', 'AWAITING_VERIFICATION', 'en', now(), current_date + 30)"
                + " returning id", Long.class, reference);
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort(); // closed again: nothing listens there
        }
    }

    /**
     * An SMTP server whose content filter rejects every message and quotes the line it matched, as
     * Postfix body_checks with REJECT do: one connection at a time, enough for the relay.
     */
    private static final class QuotingSmtpServer implements AutoCloseable {

        private final ServerSocket socket = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        private final Thread loop = new Thread(this::serve, "quoting-smtp");
        volatile String quoted = "";

        QuotingSmtpServer() throws IOException {
            loop.setDaemon(true);
            loop.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        private void serve() {
            while (!socket.isClosed()) {
                try (Socket c = socket.accept()) {
                    converse(c);
                } catch (IOException e) {
                    // closed, or the client went away: take the next connection
                }
            }
        }

        private void converse(Socket c) throws IOException {
            BufferedReader in = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.UTF_8));
            OutputStream out = c.getOutputStream();
            say(out, "220 filter.test ESMTP");
            String line;
            while ((line = in.readLine()) != null) {
                String verb = line.length() >= 4 ? line.substring(0, 4).toUpperCase() : line.toUpperCase();
                switch (verb) {
                    case "EHLO", "HELO" -> say(out, "250 filter.test");
                    case "DATA" -> {
                        say(out, "354 go on");
                        String matched = "";
                        for (String d = in.readLine(); d != null && !d.equals("."); d = in.readLine()) {
                            if (d.contains("code:")) {
                                matched = d;
                            }
                        }
                        quoted = matched;
                        say(out, "554 5.7.1 Rejected by content filter: \"" + matched + "\" (to <" + SUBJECT_EMAIL + ">)");
                    }
                    case "QUIT" -> {
                        say(out, "221 bye");
                        return;
                    }
                    default -> say(out, "250 ok");
                }
            }
        }

        private static void say(OutputStream out, String reply) throws IOException {
            out.write((reply + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
