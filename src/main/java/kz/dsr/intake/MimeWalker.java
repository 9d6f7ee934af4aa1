package kz.dsr.intake;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimePart;
import jakarta.mail.internet.ParseException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import kz.dsr.intake.ParsedMail.Attachment;

/**
 * Walks one mail's MIME tree: collects the body text within a character budget (plain text preferred
 * among alternatives, HTML made text), records attachments without opening them, notes problems.
 * MIME is attacker-shaped, so depth, parts and part headers are bounded while the tree is split.
 * One walker per mail.
 */
final class MimeWalker {

    /** Deeper MIME nesting is an attack on the stack, not a mail. */
    private static final int MAX_DEPTH = 20;
    /** MIME parts split per mail at most; splitting costs time with the square of their number. */
    static final int MAX_PARTS = 1_000;
    /** Bytes of the headers of all parts per mail at most; every header line becomes an object. */
    static final int MAX_PART_HEADER_BYTES = 256 * 1024;
    private static final int MAX_NAME_CHARS = 255;

    /**
     * What a MIME subtree gave as body text, whether that text came from HTML, and the limits reached
     * while reading it (worded for an operator; empty when all of it was read).
     */
    record Body(String text, boolean fromHtml, List<String> limits) {
        static final Body NONE = new Body("", false, List.of());

        static Body limited(String limit) {
            return new Body("", false, List.of(limit));
        }
    }

    private final int maxAttachments;
    private final int maxBodyChars;
    private final List<String> problems;
    private final List<Attachment> attachments = new ArrayList<>();
    private boolean sawDeliveryStatus;
    private boolean attachmentsCut;
    private int partsLeft = MAX_PARTS;
    private long partHeaderBytesLeft = MAX_PART_HEADER_BYTES;

    MimeWalker(MailLimits limits, List<String> problems) {
        this.maxAttachments = limits.maxAttachments();
        this.maxBodyChars = limits.maxBodyChars();
        this.problems = problems;
    }

    /** The attachments recorded so far. */
    List<Attachment> attachments() {
        return List.copyOf(attachments);
    }

    /** A part was a delivery status report: the mail is a bounce. */
    boolean sawDeliveryStatus() {
        return sawDeliveryStatus;
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
            Reader text = decodedText(part, type.getParameter("charset"), where);
            return baseType.equals("text/html") ? readHtml(text, where, budget) : readPlain(text, where, budget);
        } catch (MessagingException | IOException | RuntimeException e) {
            problems.add(where + ": could not be read (" + e.getClass().getSimpleName() + "), skipped");
            return Body.NONE;
        }
    }

    /** The part's content, transfer-decoded, as characters of the charset declared or guessed. */
    private Reader decodedText(MimePart part, String declaredCharset, String where) throws MessagingException {
        TransferDecoding.Bytes bytes = new TransferDecoding.Bytes(part);
        TransferDecoding.copy(part, bytes, where, problems);
        return bytes.reader(CharsetGuess.of(bytes.array(), bytes.size(), declaredCharset, where, problems));
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

    private Body readPlain(Reader in, String where, int budget) throws IOException {
        PlainText.Result result = PlainText.read(in, budget);
        return new Body(result.text(), false,
                result.length() <= budget ? List.of() : List.of(overBudget(where, result.length(), budget)));
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
            return readPlain(decodedText(part, null, where), where, budget);
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
        return alternative ? oneAlternative(parts, limits) : allParts(parts, limits);
    }

    /** Plain text when there is one, else the richest (last) form; only its limits matter. */
    private static Body oneAlternative(List<Body> parts, List<String> limits) {
        List<Body> withText = parts.stream().filter(b -> !b.text().isBlank()).toList();
        if (withText.isEmpty()) {
            parts.forEach(b -> limits.addAll(b.limits()));
            return new Body("", false, List.copyOf(limits));
        }
        Body richest = withText.get(withText.size() - 1);
        Body chosen = withText.stream().filter(b -> !b.fromHtml()).findFirst().orElse(richest);
        limits.addAll(chosen.limits());
        return new Body(chosen.text(), chosen.fromHtml(), List.copyOf(limits));
    }

    /** The texts of the parts one after the other, a blank line between. */
    private static Body allParts(List<Body> parts, List<String> limits) {
        parts.forEach(b -> limits.addAll(b.limits()));
        List<Body> withText = parts.stream().filter(b -> !b.text().isBlank()).toList();
        if (withText.isEmpty()) {
            return new Body("", false, List.copyOf(limits));
        }
        return new Body(String.join("\n\n", withText.stream().map(Body::text).toList()),
                withText.stream().allMatch(Body::fromHtml), List.copyOf(limits));
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
            if (HeaderDecoder.has8bit(part.getHeader("Content-Disposition", null))
                    || HeaderDecoder.has8bit(part.getHeader("Content-Type", null))) {
                name = HeaderDecoder.decode8bit(name, where, problems);
            }
            String decoded = SafeText.clean(HeaderDecoder.decodeWords(name, where, problems), MAX_NAME_CHARS);
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
        long size = TransferDecoding.copy(part, OutputStream.nullOutputStream(), where, problems);
        attachments.add(new Attachment(fileName == null ? "" : fileName, baseType, size));
    }
}
