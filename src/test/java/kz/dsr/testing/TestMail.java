package kz.dsr.testing;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** Builds raw MIME the way mail clients write it, byte for byte, so tests control every header. */
public final class TestMail {

    private String from = "user@example.kz";
    private String subject = "Удалите мой аккаунт";
    private String body = "Здравствуйте! Прошу удалить мой аккаунт и все данные.";
    private String messageId = UUID.randomUUID() + "@client.example.kz";
    private Charset charset = StandardCharsets.UTF_8;
    private final Map<String, String> headers = new LinkedHashMap<>();

    public static TestMail mail() {
        return new TestMail();
    }

    public TestMail from(String from) {
        this.from = from;
        return this;
    }

    public TestMail subject(String subject) {
        this.subject = subject;
        return this;
    }

    public TestMail body(String body) {
        this.body = body;
        return this;
    }

    public TestMail messageId(String messageId) {
        this.messageId = messageId;
        return this;
    }

    public TestMail charset(Charset charset) {
        this.charset = charset;
        return this;
    }

    public TestMail header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    public String messageId() {
        return messageId;
    }

    /** text/plain in the chosen charset, base64 body, RFC 2047 subject in the same charset. */
    public byte[] bytes() {
        StringBuilder m = new StringBuilder();
        m.append("From: ").append(from).append("\r\n");
        m.append("To: support@dsr.test\r\n");
        m.append("Subject: =?").append(charset.name()).append("?B?")
                .append(Base64.getEncoder().encodeToString(subject.getBytes(charset))).append("?=\r\n");
        if (messageId != null) {
            m.append("Message-ID: <").append(messageId).append(">\r\n");
        }
        m.append("Date: Mon, 02 Nov 2026 09:00:00 +0500\r\n");
        headers.forEach((k, v) -> m.append(k).append(": ").append(v).append("\r\n"));
        m.append("MIME-Version: 1.0\r\n");
        m.append("Content-Type: text/plain; charset=").append(charset.name()).append("\r\n");
        m.append("Content-Transfer-Encoding: base64\r\n\r\n");
        m.append(Base64.getMimeEncoder().encodeToString(body.getBytes(charset))).append("\r\n");
        return m.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
