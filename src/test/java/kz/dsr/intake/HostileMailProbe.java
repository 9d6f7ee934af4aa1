package kz.dsr.intake;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import kz.dsr.app.Settings;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * The child-JVM half of {@link HostileMailHeapTest}: parses hostile mails with the parser the pipeline
 * builds (limits from the shipped config/application.properties), in a JVM started with a small heap, so
 * that a parser whose memory follows what the mail expands into (instead of the configured limits) dies
 * with an OutOfMemoryError instead of passing quietly in the test JVM's large heap.
 *
 * <p>Arguments: the shapes to parse (see {@link #mail}). Prints one {@code probe.<shape>.<key>=<value>}
 * line per measurement: {@code text} and {@code quoted} (characters), {@code limit} (the limit reason),
 * {@code mail_bytes} and {@code ms} (parse time); then {@code probe.max_body_chars} and
 * {@code probe.max_heap_bytes}, to show the child ran with the shipped limits and the small heap.
 */
public final class HostileMailProbe {

    /** About the size an attacker can send under the shipped 10 MB limit, with room for a small heap. */
    static final int MAIL_BYTES = 5 * 1024 * 1024;

    private HostileMailProbe() {
    }

    public static void main(String[] args) {
        CamelContext context = new DefaultCamelContext();
        Path config = Path.of("config/application.properties");
        context.getPropertiesComponent().setLocation("file:" + config);
        MailLimits limits = MailLimits.configured(new Settings(context, config));
        MailParser parser = new MailParser(limits);
        for (String shape : args) {
            byte[] raw = mail(shape);
            long start = System.nanoTime();
            ParsedMail parsed = parser.parse(raw);
            long ms = (System.nanoTime() - start) / 1_000_000;
            System.out.println("probe." + shape + ".mail_bytes=" + raw.length);
            System.out.println("probe." + shape + ".text=" + parsed.text().length());
            System.out.println("probe." + shape + ".quoted=" + parsed.quotedText().length());
            System.out.println("probe." + shape + ".limit=" + parsed.limitReason());
            System.out.println("probe." + shape + ".ms=" + ms);
        }
        System.out.println("probe.max_body_chars=" + limits.maxBodyChars());
        System.out.println("probe.max_heap_bytes=" + Runtime.getRuntime().maxMemory());
    }

    /**
     * About {@link #MAIL_BYTES} of one hostile shape:
     * <ul>
     * <li>{@code quotes}: 800 nested blockquotes, then short lines, each of which a quote prefix per level
     *     would turn into 1,600 characters;
     * <li>{@code formatting}: a paragraph with twelve formatting elements left open, then paragraphs,
     *     into each of which the HTML parser re-opens a copy of all twelve (fourteen nodes out of four bytes);
     * <li>{@code headers}, {@code part-headers}: a header block of five-byte lines, of the mail or of a
     *     part, each of which the MIME parser makes an object of (about 200 bytes).
     * </ul>
     */
    static byte[] mail(String shape) {
        StringBuilder html = new StringBuilder(MAIL_BYTES);
        String line;
        switch (shape) {
            case "quotes" -> {
                html.append("<blockquote>".repeat(800));
                line = "<br>x";
            }
            case "formatting" -> {
                html.append("<p>");
                for (int i = 0; i < 12; i++) {
                    html.append("<b id=").append(i).append('>');
                }
                html.append('x');
                line = "<p>x";
            }
            case "headers" -> {
                return mime(shape, "X:a\r\n".repeat(MAIL_BYTES / 5) + "Content-Type: text/plain\r\n\r\nhello\r\n");
            }
            case "part-headers" -> {
                return mime(shape, "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\nhello\r\n--b\r\n"
                        + "X:a\r\n".repeat(MAIL_BYTES / 5) + "\r\nworld\r\n--b--\r\n");
            }
            default -> throw new IllegalArgumentException("unknown shape " + shape);
        }
        while (html.length() < MAIL_BYTES) {
            html.append(line);
        }
        return mime(shape, "Content-Type: text/html; charset=utf-8\r\n\r\n" + html);
    }

    private static byte[] mime(String shape, String rest) {
        return ("From: Attacker <attacker@example.kz>\r\nSubject: hello\r\nMessage-ID: <" + shape + "@example.kz>\r\n"
                + rest).getBytes(StandardCharsets.UTF_8);
    }
}
