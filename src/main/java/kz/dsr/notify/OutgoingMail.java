package kz.dsr.notify;

import java.util.List;

/**
 * A reply as composed and stored in the outbox: everything needed to build the MIME message again,
 * nothing taken over from the mail it answers except the ids it refers to.
 *
 * @param messageId  our Message-ID without brackets (replies to it thread back to the request)
 * @param inReplyTo  the Message-ID we answer, without brackets, or null
 * @param references the thread's Message-IDs without brackets, oldest first
 */
public record OutgoingMail(String recipient, String subject, String body, String messageId, String inReplyTo,
                           List<String> references, String reference, List<Attachment> attachments) {

    /** A file sent with the mail (an access export); read when the mail is built, not stored twice. */
    public record Attachment(String path, String name, String contentType) {
    }

    public OutgoingMail(String recipient, String subject, String body, String messageId, String inReplyTo,
                        List<String> references, String reference) {
        this(recipient, subject, body, messageId, inReplyTo, references, reference, List.of());
    }

    /** The same mail with files attached. */
    public OutgoingMail withAttachments(List<Attachment> files) {
        return new OutgoingMail(recipient, subject, body, messageId, inReplyTo, references, reference, List.copyOf(files));
    }
}
