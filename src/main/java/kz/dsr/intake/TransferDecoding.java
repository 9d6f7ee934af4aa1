package kz.dsr.intake;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimePart;
import jakarta.mail.internet.MimeUtility;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Reader;
import java.nio.charset.Charset;
import java.util.List;

/**
 * A part's content with its transfer encoding (base64, quoted-printable) undone, streamed: bad base64,
 * unknown encodings and streams that break off are noted, and what was decoded is kept.
 */
final class TransferDecoding {

    private TransferDecoding() {
    }

    /**
     * Copies the transfer-decoded content to {@code out} and returns its size. Bad base64 and
     * streams that break off are noted; what was decoded is kept.
     */
    static long copy(MimePart part, OutputStream out, String where, List<String> problems) throws MessagingException {
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
            problems.add(where + ": unknown transfer encoding \"" + SafeText.clean(encoding, 40) + "\", read as is");
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

    /** A decoded part's bytes, sized from the part (decoding never grows it), read back without a copy. */
    static final class Bytes extends ByteArrayOutputStream {
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
}
