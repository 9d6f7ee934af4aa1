package kz.dsr.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTimeout;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A small mail must not become a large text, a large tree or a long parse: what the parser builds is
 * bounded by the configured limits while it is built, not cut to them afterwards. A mail that hits a
 * bound is still returned whole in what was read, and says so in its limit reason (which sends the
 * request to an operator).
 */
class MailAmplificationTest {

    private final MailParser parser = new MailParser(MailLimits.DEFAULTS);

    @Test
    void deeplyNestedQuotesDoNotMultiplyEveryLine() {
        // 11 KB: 800 nested blockquotes, then short lines. A '> ' per level on every line made 1 M characters.
        StringBuilder html = new StringBuilder("<blockquote>".repeat(800));
        int lines = 0;
        while (html.length() < 11 * 1024) {
            html.append("<br>x").append(lines++);
        }
        byte[] raw = bytes("Subject: hi\nContent-Type: text/html; charset=utf-8\n\n" + html);

        ParsedMail mail = parser.parse(raw);

        assertTrue(mail.text().length() <= MailLimits.DEFAULTS.maxBodyChars(), "text of " + mail.text().length());
        int longestLine = mail.text().lines().mapToInt(String::length).max().orElse(0);
        assertTrue(longestLine <= 100, "a line of " + longestLine + " characters");
        for (int i = 0; i < lines; i++) {
            assertTrue(mail.text().contains(" x" + i + "\n") || mail.text().endsWith(" x" + i), "line x" + i + " lost");
        }
        assertNotNull(mail.limitReason());
        assertTrue(mail.limitReason().contains("quote"), mail.limitReason());
    }

    @Test
    void aMailOfTensOfThousandsOfTinyPartsIsReadUpToThePartLimit() {
        // 210 KB, 30,000 parts of one line each: splitting them all took half a minute (it grows with the square).
        StringBuilder mime = new StringBuilder("Subject: parts\nContent-Type: multipart/mixed; boundary=b\n\n");
        for (int i = 0; i < 30_000; i++) {
            mime.append("--b\n\nx\n");
        }
        mime.append("--b--\n");
        byte[] raw = bytes(mime.toString());

        long start = System.nanoTime();
        ParsedMail mail = assertTimeout(Duration.ofSeconds(5), () -> parser.parse(raw));
        System.out.printf("a mail of 30,000 parts (%,d bytes) parsed in %d ms%n", raw.length,
                (System.nanoTime() - start) / 1_000_000);

        assertNotNull(mail.limitReason());
        assertTrue(mail.limitReason().contains("parts"), mail.limitReason());
        assertTrue(mail.text().startsWith("x\n\nx"), mail.text().substring(0, 10));
    }

    @Test
    void problemsOfManyPartsAreCountedNotListedOneByOne() {
        StringBuilder mime = new StringBuilder("Subject: parts\nContent-Type: multipart/mixed; boundary=b\n\n");
        for (int i = 0; i < 900; i++) {
            mime.append("--b\nContent-Type: text/plain; charset=x-unknown-").append(i).append("\n\nx\n");
        }
        mime.append("--b--\n");

        ParsedMail mail = parser.parse(bytes(mime.toString()));

        assertTrue(mail.problems().size() <= 51, mail.problems().size() + " problems");
        assertTrue(mail.problems().get(mail.problems().size() - 1).matches("\\d+ more problems not listed"),
                mail.problems().get(mail.problems().size() - 1));
        assertEquals("part 1: unknown charset \"x-unknown-0\", read as UTF-8", mail.problems().get(0));
    }

    @Test
    void aHeaderBlockOfTinyLinesIsReadUpToItsBound() {
        // Every header line became an object of some 200 bytes: a mail of five-byte lines grew forty-fold.
        String raw = "From: Ann <ann@example.kz>\nSubject: delete\nMessage-ID: <h.1@example.kz>\n"
                + "X:a\n".repeat(300_000) + "Content-Type: text/plain\n\nPlease delete my data.\n";

        ParsedMail mail = parser.parse(bytes(raw));

        assertEquals("ann@example.kz", mail.fromAddress());
        assertEquals("h.1@example.kz", mail.messageKey());
        assertEquals("Please delete my data.", mail.text());
        assertNotNull(mail.limitReason());
        assertTrue(mail.limitReason().startsWith("header block is over 256 KB"), mail.limitReason());
    }

    @Test
    void partHeadersOfTinyLinesEndTheSplitAtTheirBound() {
        String raw = "Subject: parts\nContent-Type: multipart/mixed; boundary=b\n\n--b\n\nPlease delete my data.\n--b\n"
                + "X:a\n".repeat(300_000) + "\nmore\n--b--\n";

        ParsedMail mail = parser.parse(bytes(raw));

        assertEquals("Please delete my data.", mail.text());
        assertNotNull(mail.limitReason());
        assertTrue(mail.limitReason().contains("part headers are over 256 KB"), mail.limitReason());
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
