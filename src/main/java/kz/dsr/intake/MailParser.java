package kz.dsr.intake;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

/**
 * Reads one raw mail into a {@link ParsedMail}. Never throws for bad input: what could not be
 * read is described in {@link ParsedMail#problems()} and everything else is still returned, so
 * every mail can be recorded and answered. Attachments are measured, never kept or opened.
 * Thread-safe.
 *
 * <p>The work is done by single-purpose parts: {@link HeaderBlock} bounds what the MIME parser reads,
 * {@link HeaderDecoder} turns header values into text, {@link Sender} and {@link MessageIds} read the
 * addressing headers, {@link MimeWalker} collects the body text and attachments, and
 * {@link QuoteSplitter} separates what the sender wrote now.
 */
public final class MailParser {

    static {
        useLenientJakartaMail();
    }

    /**
     * jakarta.mail reads these as JVM system properties, not from the Session, and some only once, when
     * its classes load: the application calls this first thing in main; a -D given to the JVM wins.
     */
    public static void useLenientJakartaMail() {
        setIfAbsent("mail.mime.decodetext.strict", "false");   // encoded-words glued to other text
        setIfAbsent("mail.mime.base64.ignoreerrors", "true");  // decode past bad base64 characters
        setIfAbsent("mail.mime.parameters.strict", "false");   // unquoted spaces in parameters
    }

    private static final Session SESSION = lenientSession();

    private static final int MAX_HEADER_CHARS = 998;
    private static final int MAX_SUBJECT_CHARS = 500;
    /** Problems listed per mail at most; the rest are counted. */
    static final int MAX_PROBLEMS = 50;
    /** Limits reached listed per mail at most; the rest are counted. */
    private static final int MAX_LIMITS = 10;

    /** The headers noise detection and threading read, kept in {@link ParsedMail#headers()}. */
    private static final List<String> KEPT_HEADERS = List.of("auto-submitted", "x-autoreply", "x-autorespond",
            "x-auto-response-suppress", "precedence", "list-id", "list-unsubscribe", "return-path",
            "content-type", "x-failed-recipients", "x-dsr-reference");

    private static final Instant EARLIEST_DATE = Instant.parse("1970-01-01T00:00:00Z");
    private static final Instant LATEST_DATE = Instant.parse("9999-12-31T23:59:59Z");

    private final MailLimits limits;
    private final QuoteSplitter quoteSplitter = new QuoteSplitter();

    public MailParser(MailLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    public ParsedMail parse(byte[] raw) {
        Objects.requireNonNull(raw, "raw");
        List<String> problems = new ArrayList<>();
        List<String> limitsReached = new ArrayList<>();
        boolean overLimit = raw.length > limits.maxMailBytes();
        MimeMessage message = open(raw, overLimit, problems, limitsReached);

        String messageId = MessageIds.first(HeaderDecoder.raw(message, "Message-ID", problems));
        String from = HeaderDecoder.raw(message, "From", problems);
        Sender sender = Sender.of(from, problems);
        String subject = Objects.requireNonNullElse(
                HeaderDecoder.decoded(message, "Subject", MAX_SUBJECT_CHARS, problems), "");
        Map<String, String> headers = keptHeaders(message, from, problems);

        MimeWalker body = new MimeWalker(limits, problems);
        String text = "";
        String limitReason;
        if (overLimit) {
            limitReason = String.format(Locale.ROOT, "mail is %.1f MB, over the %.1f MB limit: body not read",
                    raw.length / 1048576.0, limits.maxMailBytes() / 1048576.0);
        } else {
            // Every part is read within what is left of the budget: no text, tree or list is built
            // larger than the limits and cut afterwards.
            MimeWalker.Body read = body.read(message, "body", 0, limits.maxBodyChars());
            text = read.text().strip();
            limitsReached.addAll(read.limits());
            limitReason = limitsReached.isEmpty() ? null : listed(limitsReached, MAX_LIMITS, "limits", "; ");
        }
        boolean bounce = body.sawDeliveryStatus() || isMultipartReport(headers.get("content-type"));
        QuoteSplitter.Split split = quoteSplitter.split(text);
        return new ParsedMail(
                messageId != null ? messageId : "sha256:" + sha256Hex(raw),
                messageId,
                sender.address(),
                sender.name(),
                subject,
                sentAt(message, problems),
                MessageIds.first(HeaderDecoder.raw(message, "In-Reply-To", problems)),
                MessageIds.references(HeaderDecoder.raw(message, "References", problems)),
                headers,
                text,
                split.newText(),
                split.quoted(),
                split.signature(),
                body.attachments(),
                raw.length,
                bounce,
                limitReason,
                problems.size() <= MAX_PROBLEMS ? List.copyOf(problems)
                        : List.copyOf(firstThenCount(problems, MAX_PROBLEMS, "problems")));
    }

    /** The dedupe key of a mail without a usable Message-ID: the hex SHA-256 of its raw bytes. */
    static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    private static MimeMessage open(byte[] raw, boolean headersOnly, List<String> problems, List<String> limitsReached) {
        InputStream source = HeaderBlock.source(raw, headersOnly, problems, limitsReached);
        try {
            return new MimeMessage(SESSION, source);
        } catch (MessagingException e) {
            problems.add("headers could not be read (" + e.getClass().getSimpleName() + ")");
            return new MimeMessage(SESSION);
        }
    }

    private static Map<String, String> keptHeaders(MimeMessage message, String rawFrom, List<String> problems) {
        Map<String, String> headers = new HashMap<>();
        for (String name : KEPT_HEADERS) {
            String value = HeaderDecoder.decoded(message, name, MAX_HEADER_CHARS, problems);
            if (value != null) {
                headers.put(name, value);
            }
        }
        if (rawFrom != null) {
            headers.put("from", SafeText.cap(rawFrom, MAX_HEADER_CHARS));
        }
        return Map.copyOf(headers);
    }

    private static Instant sentAt(MimeMessage message, List<String> problems) {
        try {
            Date date = message.getSentDate();
            if (date == null) {
                return null;
            }
            Instant instant = date.toInstant();
            if (instant.isBefore(EARLIEST_DATE) || instant.isAfter(LATEST_DATE)) {
                problems.add("date: out of range, ignored");
                return null;
            }
            return instant;
        } catch (MessagingException | RuntimeException e) {
            problems.add("date: unreadable, ignored");
            return null;
        }
    }

    private static boolean isMultipartReport(String contentType) {
        return contentType != null && contentType.strip().toLowerCase(Locale.ROOT).startsWith("multipart/report");
    }

    /** The first {@code max} items, then how many more there are, joined. */
    private static String listed(List<String> items, int max, String what, String separator) {
        return String.join(separator, items.size() <= max ? items : firstThenCount(items, max, what));
    }

    private static List<String> firstThenCount(List<String> items, int max, String what) {
        List<String> kept = new ArrayList<>(items.subList(0, max));
        kept.add((items.size() - max) + " more " + what + " not listed");
        return kept;
    }

    private static Session lenientSession() {
        Properties properties = new Properties();
        properties.setProperty("mail.mime.address.strict", "false");
        return Session.getInstance(properties);
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
