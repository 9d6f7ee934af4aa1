package kz.dsr.intake;

import jakarta.mail.internet.MimeUtility;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The charset text bytes are in: the declared one when Java knows it and the bytes do not contradict it,
 * else a guess from the bytes (UTF-8, Cyrillic windows-1251, or windows-1252). Mailers declare no charset,
 * a wrong one or one nobody knows; the guess and why it was needed are noted as problems.
 */
final class CharsetGuess {

    private static final Charset WINDOWS_1251 = Charset.forName("windows-1251");
    private static final Charset WINDOWS_1252 = Charset.forName("windows-1252");

    private CharsetGuess() {
    }

    /** Text from bytes, never throwing, in the charset {@link #of} chooses. */
    static String decode(byte[] bytes, String declared, String where, List<String> problems) {
        return new String(bytes, of(bytes, bytes.length, declared, where, problems));
    }

    /**
     * The charset of text bytes: the declared one when Java knows it; otherwise (none declared, unknown,
     * or UTF-8/ASCII that the bytes contradict) UTF-8 when the bytes are valid UTF-8, else windows-1251
     * when they look Cyrillic, else windows-1252. The bytes are looked at, never decoded into a string.
     */
    static Charset of(byte[] bytes, int length, String declared, String where, List<String> problems) {
        Charset charset = known(declared);
        if (charset != null && !charset.equals(StandardCharsets.UTF_8) && !charset.equals(StandardCharsets.US_ASCII)) {
            return charset;
        }
        boolean utf8 = isUtf8(bytes, length);
        Charset guessed = utf8 ? StandardCharsets.UTF_8 : looksCyrillic(bytes, length) ? WINDOWS_1251 : WINDOWS_1252;
        if (declared != null && charset == null) {
            problems.add(where + ": unknown charset \"" + SafeText.clean(declared, 40) + "\", read as " + guessed.name());
        } else if (!utf8) {
            problems.add(where + ": " + (declared == null ? "no charset declared" : "declared " + charset.name())
                    + " but not UTF-8, read as " + guessed.name());
        }
        return guessed;
    }

    /** The charset of a MIME charset name when Java has it; null when it does not, or no name is given. */
    static Charset known(String name) {
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
}
