package kz.dsr.intake;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimePart;
import jakarta.mail.internet.MimePartDataSource;
import jakarta.mail.internet.MimeUtility;
import jakarta.mail.internet.ParseException;
import jakarta.mail.util.SharedByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UnsupportedEncodingException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import kz.dsr.intake.ParsedMail.Attachment;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.select.NodeTraversor;
import org.jsoup.select.NodeVisitor;

/**
 * Reads one raw mail into a {@link ParsedMail}. Never throws for bad input: what could not be
 * read is described in {@link ParsedMail#problems()} and everything else is still returned, so
 * every mail can be recorded and answered. Attachments are measured, never kept or opened.
 * Thread-safe.
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

    /** Headers over this size are cut before decoding; the header block is read up to this size. */
    private static final int MAX_RAW_HEADER_CHARS = 64 * 1024;
    private static final int MAX_HEADER_BLOCK_BYTES = 256 * 1024;
    private static final int MAX_HEADER_CHARS = 998;
    private static final int MAX_SUBJECT_CHARS = 500;
    private static final int MAX_NAME_CHARS = 255;
    private static final int MAX_ADDRESS_CHARS = 254;
    private static final int MAX_ID_CHARS = 250;
    private static final int MAX_REFERENCES = 50;
    /** Deeper MIME nesting is an attack on the stack, not a mail. */
    private static final int MAX_DEPTH = 20;

    /** The headers noise detection and threading read, kept in {@link ParsedMail#headers()}. */
    private static final List<String> KEPT_HEADERS = List.of("auto-submitted", "x-autoreply", "x-autorespond",
            "x-auto-response-suppress", "precedence", "list-id", "list-unsubscribe", "return-path",
            "content-type", "x-failed-recipients", "x-dsr-reference");

    private static final Charset WINDOWS_1251 = Charset.forName("windows-1251");
    private static final Charset WINDOWS_1252 = Charset.forName("windows-1252");

    /** Control characters (header injection, log forging) and bidi overrides (display spoofing). */
    private static final Pattern UNSAFE_IN_HEADER =
            Pattern.compile("[\\p{Cc}\\u2028\\u2029\\u202A-\\u202E\\u2066-\\u2069]+");
    private static final Pattern SPACES = Pattern.compile(" {2,}");
    /** Control characters other than newline and tab; PostgreSQL text rejects NUL. */
    private static final Pattern UNSAFE_IN_BODY = Pattern.compile("[\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F\\x7F-\\x9F]");
    private static final Pattern ENCODED_WORD = Pattern.compile("=\\?([^?\\s]+)\\?([BbQq])\\?([^?\\s]*)\\?=");
    private static final Pattern BRACKETED_ID = Pattern.compile("<([^<>\\s]*)>");
    private static final Pattern ADDRESS = Pattern.compile("[^\\s<>()\\[\\],;:\"\\\\@]+@[^\\s<>()\\[\\],;:\"\\\\@]+");
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
        boolean overLimit = raw.length > limits.maxMailBytes();
        MimeMessage message = open(raw, overLimit, problems);

        String messageId = firstId(rawHeader(message, "Message-ID", problems));
        String from = rawHeader(message, "From", problems);
        Sender sender = sender(from, problems);
        String subject = Objects.requireNonNullElse(decodedHeader(message, "Subject", MAX_SUBJECT_CHARS, problems), "");
        Map<String, String> headers = keptHeaders(message, from, problems);

        BodyReader body = new BodyReader(limits.maxAttachments(), problems);
        String text = "";
        String limitReason = null;
        if (overLimit) {
            limitReason = String.format(Locale.ROOT, "mail is %.1f MB, over the %.1f MB limit: body not read",
                    raw.length / 1048576.0, limits.maxMailBytes() / 1048576.0);
        } else {
            String bodyText = body.read(message, "body", 0).text().replace("\r\n", "\n").replace('\r', '\n');
            text = UNSAFE_IN_BODY.matcher(bodyText).replaceAll("").strip();
            if (text.length() > limits.maxBodyChars()) {
                limitReason = "body is " + text.length() + " characters, over the " + limits.maxBodyChars()
                        + " limit: truncated";
                text = cap(text, limits.maxBodyChars());
            }
        }
        boolean bounce = body.sawDeliveryStatus || isMultipartReport(headers.get("content-type"));
        QuoteSplitter.Split split = quoteSplitter.split(text);
        return new ParsedMail(
                messageId != null ? messageId : "sha256:" + sha256Hex(raw),
                messageId,
                sender.address(),
                sender.name(),
                subject,
                sentAt(message, problems),
                firstId(rawHeader(message, "In-Reply-To", problems)),
                references(rawHeader(message, "References", problems)),
                headers,
                text,
                split.newText(),
                split.quoted(),
                split.signature(),
                List.copyOf(body.attachments),
                raw.length,
                bounce,
                limitReason,
                List.copyOf(problems));
    }

    // ---- the message and its headers ----

    private static Map<String, String> keptHeaders(MimeMessage message, String rawFrom, List<String> problems) {
        Map<String, String> headers = new HashMap<>();
        for (String name : KEPT_HEADERS) {
            String value = decodedHeader(message, name, MAX_HEADER_CHARS, problems);
            if (value != null) {
                headers.put(name, value);
            }
        }
        if (rawFrom != null) {
            headers.put("from", cap(rawFrom, MAX_HEADER_CHARS));
        }
        return Map.copyOf(headers);
    }

    /** References, oldest first; a long chain keeps its root and its latest ids, which threading needs. */
    private static List<String> references(String value) {
        List<String> ids = messageIds(value);
        if (ids.size() <= MAX_REFERENCES) {
            return List.copyOf(ids);
        }
        List<String> kept = new ArrayList<>(ids.subList(0, 1));
        kept.addAll(ids.subList(ids.size() - MAX_REFERENCES + 1, ids.size()));
        return List.copyOf(kept);
    }

    private static MimeMessage open(byte[] raw, boolean headersOnly, List<String> problems) {
        InputStream source;
        if (raw.length == 0) {
            problems.add("mail is empty");
            source = new SharedByteArrayInputStream(raw);
        } else if (!startsWithHeaderField(raw)) {
            problems.add("mail has no header block: all of it read as the body");
            // A blank line first, so that no line of the body is taken for a header.
            byte[] blankLine = "\r\n".getBytes(StandardCharsets.US_ASCII);
            source = new SharedByteArrayInputStream(headersOnly ? new byte[0] : concat(blankLine, raw));
        } else if (headersOnly) {
            source = new SharedByteArrayInputStream(raw, 0, headerBlockEnd(raw, problems));
        } else {
            source = new SharedByteArrayInputStream(raw);
        }
        try {
            return new MimeMessage(SESSION, source);
        } catch (MessagingException e) {
            problems.add("headers could not be read (" + e.getClass().getSimpleName() + ")");
            return new MimeMessage(SESSION);
        }
    }

    /** True when the first line is a header field ("Name: ..."), or blank (an empty header block). */
    private static boolean startsWithHeaderField(byte[] raw) {
        for (int i = 0; i < raw.length; i++) {
            byte b = raw[i];
            if (b == ':') {
                return i > 0;
            }
            if (b == '\r' || b == '\n') {
                return i == 0;
            }
            if (b <= ' ' || b >= 127) {
                return false;
            }
        }
        return true;
    }

    /** Where the header block ends: after its first blank line, or at the size the header block may have. */
    private static int headerBlockEnd(byte[] raw, List<String> problems) {
        int limit = Math.min(raw.length, MAX_HEADER_BLOCK_BYTES);
        for (int i = 0; i < limit; i++) {
            if (raw[i] == '\n' && i + 1 < raw.length
                    && (raw[i + 1] == '\n' || raw[i + 1] == '\r' && i + 2 < raw.length && raw[i + 2] == '\n')) {
                return i + 1;
            }
        }
        if (limit < raw.length) {
            problems.add("header block is over " + MAX_HEADER_BLOCK_BYTES / 1024 + " KB: read up to there");
        }
        return limit;
    }

    /** The first value of a header, unfolded, 8-bit bytes decoded, cleaned; not RFC 2047 decoded; null when absent. */
    private static String rawHeader(MimeMessage message, String name, List<String> problems) {
        String value;
        try {
            value = message.getHeader(name, null);
        } catch (MessagingException e) {
            return null;
        }
        if (value == null) {
            return null;
        }
        String unfolded = MimeUtility.unfold(cap(value, MAX_RAW_HEADER_CHARS));
        return clean(decode8bit(unfolded, name.toLowerCase(Locale.ROOT), problems), MAX_RAW_HEADER_CHARS);
    }

    private static String decodedHeader(MimeMessage message, String name, int maxChars, List<String> problems) {
        String value = rawHeader(message, name, problems);
        return value == null ? null : clean(decodeWords(value, name.toLowerCase(Locale.ROOT), problems), maxChars);
    }

    /**
     * Headers are read as ISO-8859-1, so raw 8-bit text (which RFC 5322 forbids and mailers send)
     * arrives byte for byte and is decoded here like a body without a charset.
     */
    private static String decode8bit(String value, String where, List<String> problems) {
        return has8bit(value) ? decodeText(value.getBytes(StandardCharsets.ISO_8859_1), null, where, problems) : value;
    }

    private static boolean has8bit(String value) {
        return value != null && value.chars().anyMatch(c -> c >= 0x80);
    }

    /** RFC 2047 encoded-words decoded; words in a charset Java does not know are decoded by guessing. */
    private static String decodeWords(String value, String where, List<String> problems) {
        if (!value.contains("=?")) {
            return value;
        }
        try {
            return MimeUtility.decodeText(value);
        } catch (UnsupportedEncodingException | RuntimeException unknownCharset) {
            Matcher word = ENCODED_WORD.matcher(value);
            StringBuilder out = new StringBuilder();
            while (word.find()) {
                word.appendReplacement(out, Matcher.quoteReplacement(decodeWord(word, where, problems)));
            }
            return word.appendTail(out).toString();
        }
    }

    private static String decodeWord(Matcher word, String where, List<String> problems) {
        try {
            if (knownCharset(word.group(1)) != null) {
                return MimeUtility.decodeWord(word.group());
            }
            // ISO-8859-1 turns the encoded bytes into chars one to one; decodeText then guesses their charset.
            String bytes = MimeUtility.decodeWord("=?ISO-8859-1?" + word.group(2) + "?" + word.group(3) + "?=");
            return decodeText(bytes.getBytes(StandardCharsets.ISO_8859_1), word.group(1), where, problems);
        } catch (ParseException | UnsupportedEncodingException | RuntimeException e) {
            problems.add(where + ": an encoded word could not be decoded, kept as it was");
            return word.group();
        }
    }

    private record Sender(String address, String name) {
    }

    /** The first address of a From header, parsed leniently. */
    private static Sender sender(String from, List<String> problems) {
        if (from == null) {
            return new Sender(null, null);
        }
        InternetAddress first;
        try {
            InternetAddress[] parsed = InternetAddress.parseHeader(from, false);
            first = parsed.length > 0 ? parsed[0] : null;
        } catch (AddressException e) {
            first = null;
        }
        String address = first == null ? null : saneAddress(first.getAddress());
        if (address == null) {
            // Broken syntax ("Ann <ann@example.kz", no '>'): take the first thing shaped like an address.
            Matcher found = ADDRESS.matcher(from);
            address = found.find() ? saneAddress(found.group()) : null;
            if (address == null) {
                problems.add("from: no usable address");
            }
            return new Sender(address, null);
        }
        String personal = first.getPersonal();
        String name = personal == null ? "" : clean(decodeWords(personal, "from", problems), MAX_NAME_CHARS);
        return new Sender(address, name.isEmpty() ? null : name);
    }

    private static String saneAddress(String address) {
        if (address == null) {
            return null;
        }
        String lower = address.strip().toLowerCase(Locale.ROOT);
        return lower.length() <= MAX_ADDRESS_CHARS && ADDRESS.matcher(lower).matches() ? lower : null;
    }

    /** Bracketed ids, or whitespace-separated ones when none is bracketed; unusable ones dropped. */
    private static List<String> messageIds(String value) {
        List<String> ids = new ArrayList<>();
        if (value == null) {
            return ids;
        }
        Matcher bracketed = BRACKETED_ID.matcher(value);
        while (bracketed.find()) {
            ids.add(bracketed.group(1));
        }
        if (ids.isEmpty()) {
            ids.addAll(List.of(value.strip().split("\\s+")));
        }
        ids.removeIf(id -> !isSaneId(id));
        return ids;
    }

    private static String firstId(String value) {
        List<String> ids = messageIds(value);
        return ids.isEmpty() ? null : ids.get(0);
    }

    /** Printable ASCII, short enough for a key, and shaped like an id (left@right). */
    private static boolean isSaneId(String id) {
        return !id.isEmpty() && id.length() <= MAX_ID_CHARS && id.indexOf('@') > 0
                && id.chars().allMatch(c -> c > ' ' && c < 127 && c != '<' && c != '>');
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

    // ---- the body ----

    /** What a MIME subtree gave as body text, and whether that text came from HTML. */
    private record Body(String text, boolean fromHtml) {
        static final Body NONE = new Body("", false);
    }

    /** Walks one mail's MIME tree: collects body text, records attachments, notes problems. */
    private static final class BodyReader {
        private final int maxAttachments;
        private final List<String> problems;
        private final List<Attachment> attachments = new ArrayList<>();
        private boolean sawDeliveryStatus;
        private boolean attachmentsCut;

        BodyReader(int maxAttachments, List<String> problems) {
            this.maxAttachments = maxAttachments;
            this.problems = problems;
        }

        Body read(MimePart part, String where, int depth) {
            try {
                ContentType type = contentType(part, where);
                String baseType = type.getBaseType().toLowerCase(Locale.ROOT);
                if (baseType.startsWith("multipart/")) {
                    if (depth >= MAX_DEPTH) {
                        problems.add(where + ": MIME nested deeper than " + MAX_DEPTH + " levels, not read");
                        return Body.NONE;
                    }
                    return readMultipart(part, type, baseType, where, depth);
                }
                if (baseType.equals("message/delivery-status")) {
                    sawDeliveryStatus = true;
                }
                String fileName = fileName(part, where);
                boolean bodyText = (baseType.equals("text/plain") || baseType.equals("text/html"))
                        && fileName == null && !isAttachment(part);
                if (!bodyText) {
                    // Includes message/rfc822 (a forwarded mail is an attachment, not our body) and
                    // text/calendar, vCards and the like.
                    recordAttachment(part, fileName, baseType, where);
                    return Body.NONE;
                }
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                copyDecoded(part, bytes, where);
                String text = decodeText(bytes.toByteArray(), type.getParameter("charset"), where, problems);
                return baseType.equals("text/html") ? new Body(htmlToText(text), true) : new Body(text, false);
            } catch (MessagingException | IOException | RuntimeException e) {
                problems.add(where + ": could not be read (" + e.getClass().getSimpleName() + "), skipped");
                return Body.NONE;
            }
        }

        private Body readMultipart(MimePart part, ContentType type, String baseType, String where, int depth)
                throws MessagingException, IOException {
            MimeMultipart multipart = new MimeMultipart(new MimePartDataSource(part));
            int count;
            try {
                count = multipart.getCount();
            } catch (MessagingException e) {
                problems.add(where + ": multipart could not be split into parts, read as plain text");
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                copyDecoded(part, bytes, where);
                return new Body(decodeText(bytes.toByteArray(), null, where, problems), false);
            }
            if (type.getParameter("boundary") == null) {
                problems.add(where + ": multipart has no boundary parameter, took the first '--' line as boundary");
            }
            if (!multipart.isComplete()) {
                problems.add(where + ": multipart has no closing boundary (mail cut short?), read what was there");
            }
            List<Body> parts = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String partWhere = (depth == 0 ? "part " : where + ".") + (i + 1);
                parts.add(read((MimeBodyPart) multipart.getBodyPart(i), partWhere, depth + 1));
            }
            List<Body> withText = parts.stream().filter(b -> !b.text().isBlank()).toList();
            if (withText.isEmpty()) {
                return Body.NONE;
            }
            if (baseType.equals("multipart/alternative")) {
                // The same text in several forms: plain text when there is one, else the richest (last) form.
                Body richest = withText.get(withText.size() - 1);
                return withText.stream().filter(b -> !b.fromHtml()).findFirst().orElse(richest);
            }
            return new Body(String.join("\n\n", withText.stream().map(Body::text).toList()),
                    withText.stream().allMatch(Body::fromHtml));
        }

        private ContentType contentType(MimePart part, String where) throws MessagingException {
            String value = part.getContentType();
            try {
                return new ContentType(value);
            } catch (ParseException e) {
                int semicolon = value.indexOf(';');
                try {
                    ContentType baseOnly = new ContentType(semicolon > 0 ? value.substring(0, semicolon) : value);
                    problems.add(where + ": Content-Type parameters unreadable, ignored");
                    return baseOnly;
                } catch (ParseException unreadable) {
                    problems.add(where + ": Content-Type unreadable, read as text/plain");
                    return new ContentType("text", "plain", null);
                }
            }
        }

        /** Content-Disposition says attachment; an unreadable one counts as inline. */
        private static boolean isAttachment(MimePart part) {
            try {
                return MimePart.ATTACHMENT.equalsIgnoreCase(part.getDisposition());
            } catch (MessagingException | RuntimeException e) {
                return false;
            }
        }

        /** The declared file name, decoded; null when none. */
        private String fileName(MimePart part, String where) {
            try {
                String name = part.getFileName();
                if (name == null) {
                    return null;
                }
                // Raw 8-bit in the header arrives as ISO-8859-1 characters; RFC 2231 names arrive decoded.
                if (has8bit(part.getHeader("Content-Disposition", null))
                        || has8bit(part.getHeader("Content-Type", null))) {
                    name = decode8bit(name, where, problems);
                }
                String decoded = clean(decodeWords(name, where, problems), MAX_NAME_CHARS);
                return decoded.isEmpty() ? null : decoded;
            } catch (MessagingException | RuntimeException e) {
                problems.add(where + ": file name unreadable");
                return null;
            }
        }

        private void recordAttachment(MimePart part, String fileName, String baseType, String where)
                throws MessagingException {
            if (attachments.size() >= maxAttachments) {
                if (!attachmentsCut) {
                    problems.add("more than " + maxAttachments + " attachments: the rest not recorded");
                    attachmentsCut = true;
                }
                return;
            }
            long size = copyDecoded(part, OutputStream.nullOutputStream(), where);
            attachments.add(new Attachment(fileName == null ? "" : fileName, baseType, size));
        }

        /**
         * Copies the transfer-decoded content to {@code out} and returns its size. Bad base64 and
         * streams that break off are noted; what was decoded is kept.
         */
        private long copyDecoded(MimePart part, OutputStream out, String where) throws MessagingException {
            String encoding = part.getEncoding();
            try {
                if ("base64".equalsIgnoreCase(encoding) && !isCleanBase64(rawContent(part))) {
                    problems.add(where + ": bad base64, decoded what could be read");
                }
            } catch (IOException e) {
                problems.add(where + ": content unreadable");
                return 0;
            }
            InputStream decoded;
            try {
                decoded = encoding == null ? rawContent(part) : MimeUtility.decode(rawContent(part), encoding);
            } catch (MessagingException unknownEncoding) {
                problems.add(where + ": unknown transfer encoding \"" + clean(encoding, 40) + "\", read as is");
                decoded = rawContent(part);
            }
            long size = 0;
            byte[] buffer = new byte[8192];
            try (InputStream in = decoded) {
                for (int n; (n = in.read(buffer)) != -1; ) {
                    out.write(buffer, 0, n);
                    size += n;
                }
            } catch (IOException e) {
                problems.add(where + ": content broken off while decoding, kept what was decoded");
            }
            return size;
        }
    }

    private static InputStream rawContent(MimePart part) throws MessagingException {
        return part instanceof MimeMessage message
                ? message.getRawInputStream()
                : ((MimeBodyPart) part).getRawInputStream();
    }

    /** Only base64 letters, padding and whitespace, in whole groups of four. */
    private static boolean isCleanBase64(InputStream in) throws IOException {
        long symbols = 0;
        byte[] buffer = new byte[8192];
        try (in) {
            for (int n; (n = in.read(buffer)) != -1; ) {
                for (int i = 0; i < n; i++) {
                    int c = buffer[i];
                    if (c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
                            || c == '+' || c == '/' || c == '=') {
                        symbols++;
                    } else if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
                        return false;
                    }
                }
            }
        }
        return symbols % 4 == 0;
    }

    // ---- text ----

    /**
     * Text from bytes, never throwing: the declared charset when Java knows it; otherwise (none
     * declared, unknown, or UTF-8/ASCII that the bytes contradict) UTF-8 when the bytes are valid
     * UTF-8, else windows-1251 when they look Cyrillic, else windows-1252.
     */
    private static String decodeText(byte[] bytes, String declared, String where, List<String> problems) {
        Charset charset = knownCharset(declared);
        if (charset != null && !charset.equals(StandardCharsets.UTF_8) && !charset.equals(StandardCharsets.US_ASCII)) {
            return new String(bytes, charset);
        }
        String utf8 = strictUtf8(bytes);
        Charset guessed = utf8 != null ? StandardCharsets.UTF_8 : looksCyrillic(bytes) ? WINDOWS_1251 : WINDOWS_1252;
        if (declared != null && charset == null) {
            problems.add(where + ": unknown charset \"" + clean(declared, 40) + "\", read as " + guessed.name());
        } else if (utf8 == null) {
            problems.add(where + ": " + (declared == null ? "no charset declared" : "declared " + charset.name())
                    + " but not UTF-8, read as " + guessed.name());
        }
        return utf8 != null ? utf8 : new String(bytes, guessed);
    }

    private static Charset knownCharset(String name) {
        if (name == null || name.isBlank()) {
            return null;
        }
        try {
            return Charset.forName(MimeUtility.javaCharset(name.strip()));
        } catch (IllegalArgumentException unknownOrIllegalName) {
            return null;
        }
    }

    private static String strictUtf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** Most 8-bit bytes are windows-1251 letters (0xC0-0xFF, Ё 0xA8, ё 0xB8). */
    private static boolean looksCyrillic(byte[] bytes) {
        int high = 0;
        int letters = 0;
        for (byte b : bytes) {
            int c = b & 0xFF;
            if (c >= 0x80) {
                high++;
                if (c >= 0xC0 || c == 0xA8 || c == 0xB8) {
                    letters++;
                }
            }
        }
        return letters * 4 >= high * 3;
    }

    /** The elements after which text goes on a new line, and those that make a paragraph. */
    private static final Set<String> LINE_BLOCKS = Set.of("div", "li", "tr", "dt", "dd", "section", "article",
            "header", "footer", "address", "center", "hr");
    private static final Set<String> PARAGRAPH_BLOCKS = Set.of("p", "h1", "h2", "h3", "h4", "h5", "h6",
            "blockquote", "table", "ul", "ol", "pre");

    /** Plain text of an HTML body: blocks become line breaks, blockquotes '>' lines; scripts, styles dropped. */
    static String htmlToText(String html) {
        Document document = Jsoup.parse(html);
        document.select("script, style, noscript, template, title, iframe, object, svg").remove();
        StringBuilder out = new StringBuilder();
        NodeTraversor.traverse(new NodeVisitor() {
            private int quoteDepth;

            @Override
            public void head(Node node, int depth) {
                if (node instanceof TextNode textNode) {
                    String text = textNode.text();
                    if (atLineStart(out)) {
                        text = text.stripLeading();
                        if (!text.isEmpty()) {
                            out.append("> ".repeat(quoteDepth));
                        }
                    }
                    out.append(text);
                } else if (node instanceof Element element) {
                    String name = element.normalName();
                    if (name.equals("br")) {
                        out.append('\n');
                    } else if (LINE_BLOCKS.contains(name) || PARAGRAPH_BLOCKS.contains(name)) {
                        endLine(out);
                    }
                    if (name.equals("blockquote")) {
                        quoteDepth++;
                    }
                }
            }

            @Override
            public void tail(Node node, int depth) {
                if (node instanceof Element element) {
                    String name = element.normalName();
                    if (name.equals("blockquote")) {
                        quoteDepth--;
                    }
                    if (PARAGRAPH_BLOCKS.contains(name)) {
                        endLine(out);
                        out.append('\n');
                    } else if (LINE_BLOCKS.contains(name)) {
                        endLine(out);
                    }
                }
            }
        }, document.body());
        return out.toString().replace('\u00A0', ' ').replaceAll("[ \\t]+\n", "\n").replaceAll("\n{3,}", "\n\n").strip();
    }

    private static boolean atLineStart(StringBuilder out) {
        return out.length() == 0 || out.charAt(out.length() - 1) == '\n';
    }

    private static void endLine(StringBuilder out) {
        if (!atLineStart(out)) {
            out.append('\n');
        }
    }

    // ---- small helpers ----

    /** Unsafe characters replaced by spaces, runs of spaces collapsed, trimmed, capped. */
    private static String clean(String value, int maxChars) {
        String safe = UNSAFE_IN_HEADER.matcher(value).replaceAll(" ");
        return cap(SPACES.matcher(safe).replaceAll(" ").strip(), maxChars);
    }

    /** At most maxChars characters, never cutting a surrogate pair in half. */
    private static String cap(String value, int maxChars) {
        if (value.length() <= maxChars) {
            return value;
        }
        int end = Character.isHighSurrogate(value.charAt(maxChars - 1)) ? maxChars - 1 : maxChars;
        return value.substring(0, end);
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] joined = new byte[first.length + second.length];
        System.arraycopy(first, 0, joined, 0, first.length);
        System.arraycopy(second, 0, joined, first.length, second.length);
        return joined;
    }

    static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
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
