package kz.dsr.intake;

import java.io.IOException;
import java.io.Reader;

/**
 * A text/plain body as stored text: line breaks as '\n', control characters dropped, trimmed. At most a
 * budget of characters is kept while reading; the rest is only counted, so that the limit reason can say
 * how long the text was.
 */
final class PlainText {

    /**
     * @param text   the text, at most the budget's characters, never ending in half a character
     * @param length the length the whole text had (trimmed)
     */
    record Result(String text, long length) {
    }

    private PlainText() {
    }

    static Result read(Reader in, int budget) throws IOException {
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
                    if (lfOfCrLf || SafeText.unsafeInBody(c)) {
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
        if (trimmedLength > budget && out.length() > 0 && Character.isHighSurrogate(out.charAt(out.length() - 1))) {
            out.setLength(out.length() - 1); // never half a character
        }
        return new Result(out.toString().stripTrailing(), trimmedLength);
    }
}
