package kz.dsr.intake;

import jakarta.mail.util.SharedByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * What of the raw bytes the MIME parser gets to read: the parser makes an object of every header line,
 * so the header block is bounded; a mail without headers is all body; an over-size mail only its headers.
 */
final class HeaderBlock {

    /** The header block is read up to this size. */
    static final int MAX_BYTES = 256 * 1024;

    private HeaderBlock() {
    }

    /**
     * The bytes to parse: the headers only when {@code headersOnly}, else the mail with its header block
     * cut to {@link #MAX_BYTES} (noted in {@code limitsReached}).
     */
    static InputStream source(byte[] raw, boolean headersOnly, List<String> problems, List<String> limitsReached) {
        if (raw.length == 0) {
            problems.add("mail is empty");
            return new SharedByteArrayInputStream(raw);
        }
        if (!startsWithHeaderField(raw)) {
            problems.add("mail has no header block: all of it read as the body");
            // A blank line first, so that no line of the body is taken for a header.
            byte[] blankLine = "\r\n".getBytes(StandardCharsets.US_ASCII);
            return new SharedByteArrayInputStream(headersOnly ? new byte[0] : concat(blankLine, raw));
        }
        if (headersOnly) {
            return new SharedByteArrayInputStream(raw, 0, end(raw, problems));
        }
        return new SharedByteArrayInputStream(withHeadersCut(raw, limitsReached));
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
    private static int end(byte[] raw, List<String> problems) {
        int limit = Math.min(raw.length, MAX_BYTES);
        int blankLine = blankLineFrom(raw, 0, limit);
        if (blankLine >= 0) {
            return blankLine;
        }
        if (limit < raw.length) {
            problems.add("header block is over " + MAX_BYTES / 1024 + " KB: read up to there");
        }
        return limit;
    }

    /**
     * The mail with its header block cut to {@link #MAX_BYTES} (at a line break) when it is longer: a
     * mail of short lines can be all header.
     */
    private static byte[] withHeadersCut(byte[] raw, List<String> limitsReached) {
        int limit = Math.min(raw.length, MAX_BYTES);
        boolean noHeaders = raw.length > 0 && (raw[0] == '\n' || raw[0] == '\r');
        if (noHeaders || raw.length <= MAX_BYTES || blankLineFrom(raw, 0, limit) >= 0) {
            return raw;
        }
        int cut = limit;
        while (cut > 0 && raw[cut - 1] != '\n') {
            cut--;
        }
        int blankLine = blankLineFrom(raw, cut > 0 ? cut - 1 : 0, raw.length);
        limitsReached.add("header block is over " + MAX_BYTES / 1024 + " KB: the headers after that not read");
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

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] joined = new byte[first.length + second.length];
        System.arraycopy(first, 0, joined, 0, first.length);
        System.arraycopy(second, 0, joined, first.length, second.length);
        return joined;
    }
}
