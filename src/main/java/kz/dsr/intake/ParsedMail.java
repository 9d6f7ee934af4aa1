package kz.dsr.intake;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One inbound mail, read from its raw MIME bytes. Every field is attacker-controlled text,
 * already decoded (RFC 2047, charsets) and length-capped; nothing here has been trusted.
 *
 * @param messageKey    the dedupe key: the Message-ID when there is a usable one, else
 *                      {@code sha256:<hex of the raw bytes>}
 * @param messageId     the Message-ID header without angle brackets, or null
 * @param fromAddress   the From address, lower-cased, or null when missing/unparseable
 * @param fromName      the From display name, or null
 * @param subject       the decoded Subject, "" when missing
 * @param sentAt        the Date header, or null
 * @param inReplyTo     In-Reply-To message id without brackets, or null
 * @param references    References message ids without brackets (oldest first)
 * @param headers       the headers noise detection needs (lower-case names: auto-submitted,
 *                      x-autoreply, x-autorespond, precedence, list-id, list-unsubscribe,
 *                      return-path, content-type, x-dsr-reference ...), first value each
 * @param text          the whole body as plain text (text/plain preferred, else HTML cleaned)
 * @param newText       the part of {@code text} the sender wrote now: no quotes, no signature
 * @param quotedText    quoted history separated from {@code text} ("" when none)
 * @param signature     signature separated from {@code text} ("" when none)
 * @param attachments   attachments recorded, never opened
 * @param sizeBytes     size of the raw mail in bytes
 * @param bounce        true when the MIME structure itself says delivery report (multipart/report)
 * @param limitReason   why the body was not (fully) read: over the size limit, text over the character
 *                      limit, a bound on what the mail expands into (HTML, quotes, MIME parts, headers);
 *                      several joined by "; "; null when read
 * @param problems      what was wrong with the MIME and how it was worked around (for operators)
 */
public record ParsedMail(
        String messageKey,
        String messageId,
        String fromAddress,
        String fromName,
        String subject,
        Instant sentAt,
        String inReplyTo,
        List<String> references,
        Map<String, String> headers,
        String text,
        String newText,
        String quotedText,
        String signature,
        List<Attachment> attachments,
        long sizeBytes,
        boolean bounce,
        String limitReason,
        List<String> problems) {

    /** An attachment as recorded: its declared name and type, and its decoded size. */
    public record Attachment(String name, String contentType, long sizeBytes) {
    }

    /** The text a classifier reads: subject and new text, never quoted history. */
    public String classifiableText() {
        return subject.isEmpty() ? newText : subject + "\n" + newText;
    }
}
