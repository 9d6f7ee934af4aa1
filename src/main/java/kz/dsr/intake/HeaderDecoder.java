package kz.dsr.intake;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;
import jakarta.mail.internet.ParseException;
import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Header values as text: unfolded, raw 8-bit bytes decoded by their guessed charset, RFC 2047
 * encoded-words decoded (also in charsets Java does not know), cleaned and capped. What could not be
 * decoded is kept as it was and noted.
 */
final class HeaderDecoder {

    /** Headers over this size are cut before decoding. */
    private static final int MAX_RAW_HEADER_CHARS = 64 * 1024;
    private static final Pattern ENCODED_WORD = Pattern.compile("=\\?([^?\\s]+)\\?([BbQq])\\?([^?\\s]*)\\?=");

    private HeaderDecoder() {
    }

    /** The first value of a header, unfolded, 8-bit bytes decoded, cleaned; not RFC 2047 decoded; null when absent. */
    static String raw(MimeMessage message, String name, List<String> problems) {
        String value;
        try {
            value = message.getHeader(name, null);
        } catch (MessagingException e) {
            return null;
        }
        if (value == null) {
            return null;
        }
        String unfolded = MimeUtility.unfold(SafeText.cap(value, MAX_RAW_HEADER_CHARS));
        return SafeText.clean(decode8bit(unfolded, name.toLowerCase(Locale.ROOT), problems), MAX_RAW_HEADER_CHARS);
    }

    /** The first value of a header, also RFC 2047 decoded, at most {@code maxChars}; null when absent. */
    static String decoded(MimeMessage message, String name, int maxChars, List<String> problems) {
        String value = raw(message, name, problems);
        return value == null ? null
                : SafeText.clean(decodeWords(value, name.toLowerCase(Locale.ROOT), problems), maxChars);
    }

    /**
     * Headers are read as ISO-8859-1, so raw 8-bit text (which RFC 5322 forbids and mailers send)
     * arrives byte for byte and is decoded here like a body without a charset.
     */
    static String decode8bit(String value, String where, List<String> problems) {
        return has8bit(value)
                ? CharsetGuess.decode(value.getBytes(StandardCharsets.ISO_8859_1), null, where, problems)
                : value;
    }

    static boolean has8bit(String value) {
        return value != null && value.chars().anyMatch(c -> c >= 0x80);
    }

    /** RFC 2047 encoded-words decoded; words in a charset Java does not know are decoded by guessing. */
    static String decodeWords(String value, String where, List<String> problems) {
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
            if (CharsetGuess.known(word.group(1)) != null) {
                return MimeUtility.decodeWord(word.group());
            }
            // ISO-8859-1 turns the encoded bytes into chars one to one; the charset is then guessed from them.
            String bytes = MimeUtility.decodeWord("=?ISO-8859-1?" + word.group(2) + "?" + word.group(3) + "?=");
            return CharsetGuess.decode(bytes.getBytes(StandardCharsets.ISO_8859_1), word.group(1), where, problems);
        } catch (ParseException | UnsupportedEncodingException | RuntimeException e) {
            problems.add(where + ": an encoded word could not be decoded, kept as it was");
            return word.group();
        }
    }
}
