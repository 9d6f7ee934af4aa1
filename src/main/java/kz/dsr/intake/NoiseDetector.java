package kz.dsr.intake;

import static java.util.regex.Pattern.CASE_INSENSITIVE;
import static java.util.regex.Pattern.UNICODE_CASE;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Tells mail that must not be answered (it would loop or spam) from mail a person wrote.
 * Checked in this order: our own mail, bounces, automatic replies, mailing lists. A missing
 * From is not noise by itself: a person's mail with a broken From still deserves an answer.
 */
public final class NoiseDetector {

    private static final int FLAGS = CASE_INSENSITIVE | UNICODE_CASE;

    /** "Re:", "Fwd:", "FW:", "AW:", "RE[2]:", "Ответ:" ... in front of a subject, any number of times. */
    private static final Pattern REPLY_PREFIXES = Pattern.compile(
            "((re|fwd?|aw|wg|sv|ответ|отв|пересл)\\s*(\\[\\d+]|\\(\\d+\\))?\\s*:\\s*)+", FLAGS);

    private static final Pattern AUTO_REPLY_SUBJECT = Pattern.compile(
            "out of (the )?office|automatic reply|auto:|auto-?reply|autoresponse|автоответ|автоматический ответ"
                    + "|меня нет в офисе|отсутствую", FLAGS);

    private static final Pattern BOUNCE_SUBJECT = Pattern.compile(
            "undelivered mail returned to sender|delivery status notification \\(failure\\)|mail delivery failed"
                    + "|undeliverable:|недоставленное сообщение|не удается доставить", FLAGS);

    private static final Set<String> BOUNCE_SENDERS = Set.of("mailer-daemon", "postmaster");

    private final Set<String> ownAddresses;

    /** @param ownAddresses the addresses our replies and notifications are sent from */
    public NoiseDetector(Set<String> ownAddresses) {
        this.ownAddresses = ownAddresses.stream()
                .map(address -> address.strip().toLowerCase(Locale.ROOT))
                .collect(Collectors.toUnmodifiableSet());
    }

    /** The kind of noise this mail is, or null for a mail a person wrote. */
    public NoiseKind detect(ParsedMail mail) {
        if (mail.fromAddress() != null && ownAddresses.contains(mail.fromAddress())) {
            return NoiseKind.OWN_MAIL;
        }
        if (isBounce(mail)) {
            return NoiseKind.BOUNCE;
        }
        if (isAutoReply(mail)) {
            return NoiseKind.AUTO_REPLY;
        }
        if (isMailingList(mail.headers())) {
            return NoiseKind.MAILING_LIST;
        }
        return null;
    }

    private static boolean isBounce(ParsedMail mail) {
        Map<String, String> headers = mail.headers();
        String from = mail.fromAddress();
        String rawFrom = headers.getOrDefault("from", "").toLowerCase(Locale.ROOT);
        String returnPath = headers.get("return-path");
        return mail.bounce()
                || from != null && BOUNCE_SENDERS.contains(from.split("@", 2)[0])
                || rawFrom.contains("mailer-daemon")
                || returnPath != null && returnPath.replaceAll("\\s", "").equals("<>")
                || headers.containsKey("x-failed-recipients")
                || subjectStartsWith(mail.subject(), BOUNCE_SUBJECT);
    }

    private static boolean isAutoReply(ParsedMail mail) {
        Map<String, String> headers = mail.headers();
        String autoSubmitted = headers.get("auto-submitted");
        String precedence = headers.getOrDefault("precedence", "").strip().toLowerCase(Locale.ROOT);
        return autoSubmitted != null && !autoSubmitted.split(";", 2)[0].strip().equalsIgnoreCase("no")
                || headers.containsKey("x-autoreply")
                || headers.containsKey("x-autorespond")
                || precedence.equals("bulk") || precedence.equals("junk")
                || subjectStartsWith(mail.subject(), AUTO_REPLY_SUBJECT);
    }

    private static boolean isMailingList(Map<String, String> headers) {
        return headers.containsKey("list-id")
                || headers.containsKey("list-unsubscribe")
                || headers.getOrDefault("precedence", "").strip().equalsIgnoreCase("list");
    }

    /** The subject, after any "Re:"/"Fwd:" prefixes, starts with one of the pattern's phrases. */
    private static boolean subjectStartsWith(String subject, Pattern phrases) {
        var prefixes = REPLY_PREFIXES.matcher(subject.strip());
        String rest = prefixes.lookingAt() ? subject.strip().substring(prefixes.end()) : subject.strip();
        return phrases.matcher(rest).lookingAt();
    }
}
