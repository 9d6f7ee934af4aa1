package kz.dsr.notify;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.UnsupportedEncodingException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The one place replies are built. A reply is made from scratch: our From, the requester as To, a
 * subject that carries the reference, the thread ids, and a body from a template. Nothing else of
 * the incoming mail (its headers, its text) is copied into it.
 */
public final class MailComposer {

    /** Languages a template exists in; "ru-kk" means both, Kazakh first, when the language is unsure. */
    public static final String BILINGUAL = "ru-kk";

    private static final Pattern REPLY_PREFIX = Pattern.compile("^(?i)\\s*((re|fwd?|aw|ответ|отв|пересл)\\s*(\\[\\d+])?\\s*:\\s*)+");
    private static final Pattern REFERENCE_TAG = Pattern.compile("\\s*\\[DSR-\\d{4}-\\d{6}]");
    private static final int MAX_SUBJECT = 200;
    private static final int MAX_REFERENCES = 10;

    private final Templates templates;
    private final InternetAddress from;
    private final String messageIdDomain;
    private final Session session = Session.getInstance(new Properties());

    public MailComposer(Templates templates, String supportAddress, String supportName, String messageIdDomain) {
        this.templates = templates;
        try {
            this.from = new InternetAddress(supportAddress, supportName, "UTF-8");
            this.from.validate();
        } catch (UnsupportedEncodingException | jakarta.mail.internet.AddressException e) {
            throw new IllegalArgumentException("dsr.mail.support-address '" + supportAddress
                    + "' is not a valid mail address: " + e.getMessage(), e);
        }
        this.messageIdDomain = messageIdDomain;
    }

    /**
     * A reply to a mail of the requester.
     *
     * @param template      template name in config/templates (ack, ...)
     * @param language      ru, kk, en, or {@link #BILINGUAL}
     * @param values        the template's values (a list as a list of maps); "reference" is added
     * @param theirSubject  the subject they wrote (already decoded and cleaned by intake)
     * @param theirMessageId the Message-ID of their mail, or null
     * @param theirReferences the References of their mail
     */
    public OutgoingMail reply(String template, String language, Map<String, ?> values, String recipient,
                              String reference, String theirSubject, String theirMessageId,
                              List<String> theirReferences) {
        String body = body(template, language, values, reference);
        List<String> references = new ArrayList<>(theirReferences);
        if (theirMessageId != null) {
            references.add(theirMessageId);
        }
        if (references.size() > MAX_REFERENCES) {
            references = new ArrayList<>(references.subList(references.size() - MAX_REFERENCES, references.size()));
        }
        String messageId = "dsr." + reference + "." + UUID.randomUUID() + "@" + messageIdDomain;
        return new OutgoingMail(recipient, replySubject(theirSubject, reference), body, messageId, theirMessageId,
                List.copyOf(references), reference);
    }

    /**
     * A mail that answers nobody (to the operator, or a code to a registered address): "subject [DSR-…]",
     * a body from a template. With a null subject, the template's first line "Subject: …" gives it.
     */
    public OutgoingMail notice(String template, String language, Map<String, ?> values, String recipient,
                               String reference, String subject) {
        String messageId = "dsr." + reference + "." + UUID.randomUUID() + "@" + messageIdDomain;
        String body = body(template, language, values, reference);
        String title = subject;
        if (title == null) {
            int nl = body.indexOf('\n');
            String first = nl < 0 ? body : body.substring(0, nl);
            if (!first.startsWith("Subject:")) {
                throw new IllegalArgumentException("template " + template + "." + language
                        + " must start with a line 'Subject: ...'");
            }
            title = first.substring("Subject:".length()).strip();
            body = nl < 0 ? "" : body.substring(nl + 1).stripLeading();
        }
        return new OutgoingMail(recipient, title + " [" + reference + "]", body, messageId, null, List.of(), reference);
    }

    /** A template filled in as plain text (an SMS), without a mail around it. */
    public String text(String template, String language, Map<String, ?> values, String reference) {
        return body(template, BILINGUAL.equals(language) ? "ru" : language, values, reference).strip();
    }

    private String body(String template, String language, Map<String, ?> values, String reference) {
        Map<String, Object> all = new java.util.HashMap<>(values);
        all.put("reference", reference);
        return BILINGUAL.equals(language)
                ? templates.render(template, "kk", all) + "\n\n* * *\n\n" + templates.render(template, "ru", all)
                : templates.render(template, language, all);
    }

    /** "Re: their subject [DSR-…]", without stacked Re:/Fwd: prefixes or a second reference tag. */
    static String replySubject(String theirSubject, String reference) {
        String base = REFERENCE_TAG.matcher(REPLY_PREFIX.matcher(theirSubject == null ? "" : theirSubject)
                .replaceFirst("")).replaceAll("").strip();
        if (base.length() > MAX_SUBJECT) {
            base = base.substring(0, MAX_SUBJECT) + "…";
        }
        return (base.isEmpty() ? "Re:" : "Re: " + base) + " [" + reference + "]";
    }

    /** The MIME message the relay sends. Auto-Submitted keeps other robots from answering it. */
    public MimeMessage toMime(OutgoingMail mail) throws MessagingException {
        MimeMessage mime = new MimeMessage(session);
        mime.setFrom(from);
        mime.setRecipient(Message.RecipientType.TO, new InternetAddress(mail.recipient(), true));
        mime.setSubject(mail.subject(), "UTF-8");
        mime.setSentDate(Date.from(Instant.now()));
        if (mail.attachments().isEmpty()) {
            mime.setText(mail.body(), "UTF-8");
        } else {
            jakarta.mail.internet.MimeMultipart parts = new jakarta.mail.internet.MimeMultipart();
            jakarta.mail.internet.MimeBodyPart text = new jakarta.mail.internet.MimeBodyPart();
            text.setText(mail.body(), "UTF-8");
            parts.addBodyPart(text);
            for (OutgoingMail.Attachment a : mail.attachments()) {
                jakarta.mail.internet.MimeBodyPart file = new jakarta.mail.internet.MimeBodyPart();
                try {
                    file.attachFile(new java.io.File(a.path()), a.contentType(), null);
                } catch (java.io.IOException e) {
                    throw new MessagingException("attachment " + a.name() + " cannot be read: " + e.getMessage(), e);
                }
                file.setFileName(a.name());
                parts.addBodyPart(file);
            }
            mime.setContent(parts);
        }
        mime.setHeader("Message-ID", "<" + mail.messageId() + ">");
        if (mail.inReplyTo() != null) {
            mime.setHeader("In-Reply-To", "<" + mail.inReplyTo() + ">");
        }
        if (!mail.references().isEmpty()) {
            mime.setHeader("References", mail.references().stream().map(id -> "<" + id + ">")
                    .collect(Collectors.joining(" ")));
        }
        mime.setHeader("Auto-Submitted", "auto-replied");
        mime.setHeader("X-Auto-Response-Suppress", "All");
        if (mail.reference() != null) {
            mime.setHeader("X-DSR-Reference", mail.reference());
        }
        return mime;
    }
}
