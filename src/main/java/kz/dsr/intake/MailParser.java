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
import jakarta.mail.internet.MimeUtility;
import jakarta.mail.internet.ParseException;
import jakarta.mail.util.SharedByteArrayInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Reader;
import java.io.UnsupportedEncodingException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.HexFormat;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import kz.dsr.intake.ParsedMail.Attachment;

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
    /** MIME parts split per mail at most; splitting costs time with the square of their number. */
    static final int MAX_PARTS = 1_000;
    /** Bytes of the headers of all parts per mail at most; every header line becomes an object. */
    static final int MAX_PART_HEADER_BYTES = 256 * 1024;
    /** Problems listed per mail at most; the rest are counted. */
    static final int MAX_PROBLEMS = 50;
    /** Limits reached listed per mail at most; the rest are counted. */
    private static final int MAX_LIMITS = 10;

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
        List<String> limitsReached = new ArrayList<>();
        boolean overLimit = raw.length > limits.maxMailBytes();
        MimeMessage message = open(raw, overLimit, problems, limitsReached);

        String messageId = firstId(rawHeader(message, "Message-ID", problems));
        String from = rawHeader(message, "From", problems);
        Sender sender = sender(from, problems);
        String subject = Objects.requireNonNullElse(decodedHeader(message, "Subject", MAX_SUBJECT_CHARS, problems), "");
        Map<String, String> headers = keptHeaders(message, from, problems);

        BodyReader body = new BodyReader(limits, problems);
        String text = "";
        String limitReason = null;
        if (overLimit) {
            limitReason = String.format(Locale.ROOT, "mail is %.1f MB, over the %.1f MB limit: body not read",
                    raw.length / 1048576.0, limits.maxMailBytes() / 1048576.0);
        } else {
            // Every part is read within what is left of the budget: no text, tree or list is built
            // larger than the limits and cut afterwards.
            Body read = body.read(message, "body", 0, limits.maxBodyChars());
            text = read.text().strip();
            limitsReached.addAll(read.limits());
            limitReason = limitsReached.isEmpty() ? null : listed(limitsReached, MAX_LIMITS, "limits", "; ");
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
                problems.size() <= MAX_PROBLEMS ? List.copyOf(problems)
                        : List.copyOf(firstThenCount(problems, MAX_PROBLEMS, "problems")));
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

    private static MimeMessage open(byte[] raw, boolean headersOnly, List<String> problems, List<String> limitsReached) {
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
            source = new SharedByteArrayInputStream(withHeadersCut(raw, limitsReached));
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
        int blankLine = blankLineFrom(raw, 0, limit);
        if (blankLine >= 0) {
            return blankLine;
        }
        if (limit < raw.length) {
            problems.add("header block is over " + MAX_HEADER_BLOCK_BYTES / 1024 + " KB: read up to there");
        }
        return limit;
    }

    /**
     * The mail with its header block cut to {@link #MAX_HEADER_BLOCK_BYTES} (at a line break) when it is
     * longer: the parser makes an object of every header line, and a mail of short lines can be all header.
     */
    private static byte[] withHeadersCut(byte[] raw, List<String> limitsReached) {
        int limit = Math.min(raw.length, MAX_HEADER_BLOCK_BYTES);
        boolean noHeaders = raw.length > 0 && (raw[0] == '\n' || raw[0] == '\r');
        if (noHeaders || raw.length <= MAX_HEADER_BLOCK_BYTES || blankLineFrom(raw, 0, limit) >= 0) {
            return raw;
        }
        int cut = limit;
        while (cut > 0 && raw[cut - 1] != '\n') {
            cut--;
        }
        int blankLine = blankLineFrom(raw, cut > 0 ? cut - 1 : 0, raw.length);
        limitsReached.add("header block is over " + MAX_HEADER_BLOCK_BYTES / 1024 + " KB: the headers after that not read");
        byte[] body = blankLine < 0 ? new byte[0] : Arrays.copyOfRange(raw, blankLine, raw.length);
        return concat(Arrays.copyOf(raw, cut), body);
    }

    /** Where the first blank line in raw[from, to) starts (after a '\n'), or -1. */
    private static int blankLineFrom(byte[] raw, int from, int to) {
        for (int i = from; i < to; i++) {
            if (raw[i] == '\n' && i + 1 < raw.length
                    && (raw[i + 1] == '\n' || raw[i + 1] == '\r' && i + 2 < raw.length && raw[i + 2] == '\n')) {
                return i + 1;
            }
        }
        return -1;
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

    /**
     * What a MIME subtree gave as body text, whether that text came from HTML, and the limits reached
     * while reading it (worded for an operator; empty when all of it was read).
     */
    private record Body(String text, boolean fromHtml, List<String> limits) {
        static final Body NONE = new Body("", false, List.of());

        static Body limited(String limit) {
            return new Body("", false, List.of(limit));
        }
    }

    /** Walks one mail's MIME tree: collects body text, records attachments, notes problems. */
    private static final class BodyReader {
        private final int maxAttachments;
        private final int maxBodyChars;
        private final List<String> problems;
        private final List<Attachment> attachments = new ArrayList<>();
        private boolean sawDeliveryStatus;
        private boolean attachmentsCut;
        private int partsLeft = MAX_PARTS;
        private long partHeaderBytesLeft = MAX_PART_HEADER_BYTES;

        BodyReader(MailLimits limits, List<String> problems) {
            this.maxAttachments = limits.maxAttachments();
            this.maxBodyChars = limits.maxBodyChars();
            this.problems = problems;
        }

        /** The body text of {@code part}, at most {@code budget} characters of it. */
        Body read(MimePart part, String where, int depth, int budget) {
            try {
                ContentType type = contentType(part, where);
                String baseType = type.getBaseType().toLowerCase(Locale.ROOT);
                if (baseType.startsWith("multipart/")) {
                    if (depth >= MAX_DEPTH) {
                        problems.add(where + ": MIME nested deeper than " + MAX_DEPTH + " levels, not read");
                        return Body.NONE;
                    }
                    return readMultipart(part, type, baseType, where, depth, budget);
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
                Bytes bytes = new Bytes(part);
                copyDecoded(part, bytes, where);
                Reader text = bytes.reader(charset(bytes.array(), bytes.size(), type.getParameter("charset"), where, problems));
                return baseType.equals("text/html") ? readHtml(text, where, budget) : readPlain(text, where, budget);
            } catch (MessagingException | IOException | RuntimeException e) {
                problems.add(where + ": could not be read (" + e.getClass().getSimpleName() + "), skipped");
                return Body.NONE;
            }
        }

        private Body readHtml(Reader html, String where, int budget) throws IOException {
            HtmlText.Result result = HtmlText.convert(html, budget);
            List<String> limits = new ArrayList<>();
            result.limits().forEach(limit -> limits.add(where + ": " + limit));
            if (result.truncated()) {
                limits.add(overBudget(where, -1, budget));
            }
            return new Body(result.text(), true, List.copyOf(limits));
        }

        /**
         * Plain text with line breaks as '\n' and control characters dropped, trimmed; at most
         * {@code budget} characters are kept, the rest only counted, so that the limit reason can say
         * how long the text was.
         */
        private Body readPlain(Reader in, String where, int budget) throws IOException {
            StringBuilder out = new StringBuilder();
            long length = 0;       // characters so far, leading whitespace not counted
            long trimmedLength = 0; // ... up to the last one that is not whitespace
            boolean afterCr = false;
            char[] buffer = new char[8192];
            try (in) {
                for (int n; (n = in.read(buffer)) != -1; ) {
                    for (int i = 0; i < n; i++) {
                        char c = buffer[i];
                        boolean lfOfCrLf = c == '\n' && afterCr;
                        afterCr = c == '\r';
                        if (lfOfCrLf || unsafeInBody(c)) {
                            continue;
                        }
                        if (c == '\r') {
                            c = '\n';
                        }
                        boolean whitespace = Character.isWhitespace(c);
                        if (length == 0 && whitespace) {
                            continue;
                        }
                        if (length < budget) {
                            out.append(c);
                        }
                        length++;
                        if (!whitespace) {
                            trimmedLength = length;
                        }
                    }
                }
            }
            if (trimmedLength <= budget) {
                return new Body(out.toString().stripTrailing(), false, List.of());
            }
            if (out.length() > 0 && Character.isHighSurrogate(out.charAt(out.length() - 1))) {
                out.setLength(out.length() - 1); // never half a character
            }
            return new Body(out.toString().stripTrailing(), false, List.of(overBudget(where, trimmedLength, budget)));
        }

        private static String tooManyParts() {
            return "the mail has more than " + MAX_PARTS + " MIME parts";
        }

        private static String tooMuchPartHeader() {
            return "the mail's part headers are over " + MAX_PART_HEADER_BYTES / 1024 + " KB";
        }

        /** Why text was cut: the mail's limit, or what was left of it after the parts before. */
        private String overBudget(String where, long length, int budget) {
            if (budget <= 0) {
                return where + ": not read, the body already had the " + maxBodyChars + " characters of the limit";
            }
            String limit = budget >= maxBodyChars ? "the " + maxBodyChars + " limit"
                    : "the " + budget + " characters left of the " + maxBodyChars + " limit";
            return length >= 0 ? where + " is " + length + " characters, over " + limit + ": truncated"
                    : where + " has more text than " + limit + ": truncated";
        }

        private Body readMultipart(MimePart part, ContentType type, String baseType, String where, int depth,
                int budget) throws MessagingException, IOException {
            if (partsLeft <= 0 || partHeaderBytesLeft <= 0) {
                return Body.limited(where + ": not read, " + (partsLeft <= 0 ? tooManyParts() : tooMuchPartHeader()));
            }
            FirstParts content = FirstParts.of(part, type.getParameter("boundary"), partsLeft, partHeaderBytesLeft);
            partHeaderBytesLeft -= content.headerBytes();
            String cut = switch (content.cut()) {
                case NONE -> null;
                case PARTS -> where + ": " + tooManyParts() + ", the rest not read";
                case HEADERS -> where + ": " + tooMuchPartHeader() + ", the parts from there on not read";
            };
            if (cut != null && content.parts() == 0) {
                return Body.limited(cut);
            }
            MimeMultipart multipart = new MimeMultipart(content);
            int count;
            try {
                count = multipart.getCount();
            } catch (MessagingException e) {
                problems.add(where + ": multipart could not be split into parts, read as plain text");
                Bytes bytes = new Bytes(part);
                copyDecoded(part, bytes, where);
                return readPlain(bytes.reader(charset(bytes.array(), bytes.size(), null, where, problems)), where, budget);
            }
            partsLeft -= count;
            if (type.getParameter("boundary") == null) {
                problems.add(where + ": multipart has no boundary parameter, took the first '--' line as boundary");
            }
            if (!multipart.isComplete() && cut == null) {
                problems.add(where + ": multipart has no closing boundary (mail cut short?), read what was there");
            }
            boolean alternative = baseType.equals("multipart/alternative");
            List<Body> parts = new ArrayList<>();
            int left = budget;
            for (int i = 0; i < count; i++) {
                String partWhere = (depth == 0 ? "part " : where + ".") + (i + 1);
                // Alternatives are the same text in several forms: each may use the whole budget, one is kept.
                Body read = read((MimeBodyPart) multipart.getBodyPart(i), partWhere, depth + 1, alternative ? budget : left);
                parts.add(read);
                if (!alternative && !read.text().isBlank()) {
                    left -= read.text().length() + 2;
                }
            }
            List<String> limits = new ArrayList<>();
            if (cut != null) {
                limits.add(cut);
            }
            List<Body> withText = parts.stream().filter(b -> !b.text().isBlank()).toList();
            if (withText.isEmpty()) {
                parts.forEach(b -> limits.addAll(b.limits()));
                return new Body("", false, List.copyOf(limits));
            }
            if (alternative) {
                // Plain text when there is one, else the richest (last) form; only its limits matter.
                Body richest = withText.get(withText.size() - 1);
                Body chosen = withText.stream().filter(b -> !b.fromHtml()).findFirst().orElse(richest);
                limits.addAll(chosen.limits());
                return new Body(chosen.text(), chosen.fromHtml(), List.copyOf(limits));
            }
            parts.forEach(b -> limits.addAll(b.limits()));
            return new Body(String.join("\n\n", withText.stream().map(Body::text).toList()),
                    withText.stream().allMatch(Body::fromHtml), List.copyOf(limits));
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

    /** Text from bytes, never throwing, in the charset {@link #charset} chooses. */
    private static String decodeText(byte[] bytes, String declared, String where, List<String> problems) {
        return new String(bytes, charset(bytes, bytes.length, declared, where, problems));
    }

    /**
     * The charset of text bytes: the declared one when Java knows it; otherwise (none declared, unknown,
     * or UTF-8/ASCII that the bytes contradict) UTF-8 when the bytes are valid UTF-8, else windows-1251
     * when they look Cyrillic, else windows-1252. The bytes are looked at, never decoded into a string.
     */
    private static Charset charset(byte[] bytes, int length, String declared, String where, List<String> problems) {
        Charset charset = knownCharset(declared);
        if (charset != null && !charset.equals(StandardCharsets.UTF_8) && !charset.equals(StandardCharsets.US_ASCII)) {
            return charset;
        }
        boolean utf8 = isUtf8(bytes, length);
        Charset guessed = utf8 ? StandardCharsets.UTF_8 : looksCyrillic(bytes, length) ? WINDOWS_1251 : WINDOWS_1252;
        if (declared != null && charset == null) {
            problems.add(where + ": unknown charset \"" + clean(declared, 40) + "\", read as " + guessed.name());
        } else if (!utf8) {
            problems.add(where + ": " + (declared == null ? "no charset declared" : "declared " + charset.name())
                    + " but not UTF-8, read as " + guessed.name());
        }
        return guessed;
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

    /** Valid UTF-8, checked through a small window: the decoded text is not kept. */
    private static boolean isUtf8(byte[] bytes, int length) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder();
        ByteBuffer in = ByteBuffer.wrap(bytes, 0, length);
        CharBuffer window = CharBuffer.allocate(4096);
        while (true) {
            CoderResult result = decoder.decode(in, window, true);
            if (result.isError()) {
                return false;
            }
            if (result.isUnderflow()) {
                return !decoder.flush(window.clear()).isError();
            }
            window.clear();
        }
    }

    /** Most 8-bit bytes are windows-1251 letters (0xC0-0xFF, Ё 0xA8, ё 0xB8). */
    private static boolean looksCyrillic(byte[] bytes, int length) {
        int high = 0;
        int letters = 0;
        for (int i = 0; i < length; i++) {
            int c = bytes[i] & 0xFF;
            if (c >= 0x80) {
                high++;
                if (c >= 0xC0 || c == 0xA8 || c == 0xB8) {
                    letters++;
                }
            }
        }
        return letters * 4 >= high * 3;
    }

    /** Control characters other than newline, tab and carriage return; PostgreSQL text rejects NUL. */
    static boolean unsafeInBody(char c) {
        return c <= 0x08 || c == 0x0B || c == 0x0C || c >= 0x0E && c <= 0x1F || c >= 0x7F && c <= 0x9F;
    }

    /** A decoded part's bytes, sized from the part (decoding never grows it), read back without a copy. */
    private static final class Bytes extends ByteArrayOutputStream {
        Bytes(MimePart part) throws MessagingException {
            super(Math.max(32, part.getSize()));
        }

        byte[] array() {
            return buf;
        }

        Reader reader(Charset charset) {
            return new InputStreamReader(new ByteArrayInputStream(buf, 0, count), charset);
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
