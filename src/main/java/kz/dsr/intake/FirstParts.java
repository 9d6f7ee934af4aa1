package kz.dsr.intake;

import jakarta.activation.DataSource;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimePart;
import jakarta.mail.internet.MimePartDataSource;
import jakarta.mail.internet.SharedInputStream;
import jakarta.mail.util.SharedByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The content of a multipart up to its first {@code maxParts} parts and {@code maxHeaderBytes} bytes of
 * part headers, for {@code MimeMultipart} to split.
 *
 * <p>Splitting builds every part at once, in time that grows with the square of their number (a megabyte
 * of seven-byte parts took half a minute), and an object of some 200 bytes per header line (forty times
 * a five-byte line). So the delimiter and header lines are counted first,
 * in one pass over the bytes that keeps nothing, and the content handed over ends before the delimiter
 * of the first part too many. The bytes are shared with the mail, never copied, when the mail's stream
 * allows it (it does for every mail {@link MailParser} opens).
 */
final class FirstParts implements DataSource {

    /** Why the content was cut. */
    enum Cut { NONE, PARTS, HEADERS }

    private final SharedInputStream content;
    private final Scan scan;
    private final String contentType;

    private FirstParts(SharedInputStream content, Scan scan, String contentType) {
        this.content = content;
        this.scan = scan;
        this.contentType = contentType;
    }

    /**
     * @param boundary the boundary parameter, or null to take the first "--" line as the boundary (as
     *                 {@code MimeMultipart} does)
     */
    static FirstParts of(MimePart part, String boundary, int maxParts, long maxHeaderBytes)
            throws MessagingException, IOException {
        InputStream in = new MimePartDataSource(part).getInputStream();
        SharedInputStream shared = in instanceof SharedInputStream s ? s : new SharedByteArrayInputStream(in.readAllBytes());
        Scan scan = new Scan(boundary, maxParts, maxHeaderBytes);
        try (InputStream bytes = shared.newStream(0, -1)) {
            scan.run(bytes);
        }
        return new FirstParts(shared, scan, part.getContentType());
    }

    Cut cut() {
        return scan.cut;
    }

    /** Parts before the cut (all of them when not cut). */
    int parts() {
        return scan.delimiters;
    }

    /** Bytes of part headers before the cut. */
    long headerBytes() {
        return scan.headerBytes;
    }

    @Override
    public InputStream getInputStream() {
        return content.newStream(0, scan.cut == Cut.NONE ? -1 : scan.cutAt);
    }

    @Override
    public OutputStream getOutputStream() throws IOException {
        throw new IOException("read only");
    }

    @Override
    public String getContentType() {
        return contentType;
    }

    @Override
    public String getName() {
        return "";
    }

    /**
     * Counts delimiter lines and the header lines after each, up to the close delimiter; notes where the
     * delimiter line of the first part over a bound starts.
     */
    static final class Scan {
        private final int maxParts;
        private final long maxHeaderBytes;
        private byte[] delimiter;
        private final Line line = new Line();
        private boolean inHeaders;
        private long partStart;
        private int delimiters;
        private long headerBytes;
        private Cut cut = Cut.NONE;
        private long cutAt = -1;

        Scan(String boundary, int maxParts, long maxHeaderBytes) {
            this.delimiter = boundary == null ? null : ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
            this.maxParts = maxParts;
            this.maxHeaderBytes = maxHeaderBytes;
        }

        void run(InputStream in) throws IOException {
            long offset = 0;
            byte[] buffer = new byte[8192];
            for (int n; (n = in.read(buffer)) != -1; ) {
                for (int i = 0; i < n; i++, offset++) {
                    byte b = buffer[i];
                    if (b != '\n') {
                        line.add(b, delimiter);
                    } else if (!endOfLine(offset)) {
                        return;
                    }
                }
            }
        }

        /** False when the scan is over: the close delimiter, or a bound reached. */
        private boolean endOfLine(long offset) {
            byte[] guessed = delimiter == null ? line.guessedBoundary() : null;
            if (guessed != null) {
                delimiter = guessed;
                line.matched = guessed.length;
            }
            int kind = line.kind(delimiter);
            if (kind == Line.CLOSE) {
                return false;
            }
            if (kind == Line.DELIMITER) {
                if (delimiters == maxParts) {
                    return stop(Cut.PARTS, line.start);
                }
                delimiters++;
                partStart = line.start;
                inHeaders = true;
            } else if (inHeaders && line.blank()) {
                inHeaders = false;
            } else if (inHeaders) {
                headerBytes += offset + 1 - line.start;
                if (headerBytes > maxHeaderBytes) {
                    delimiters--;
                    return stop(Cut.HEADERS, partStart);
                }
            }
            line.reset(offset + 1);
            return true;
        }

        private boolean stop(Cut why, long at) {
            cut = why;
            cutAt = at;
            return false;
        }
    }

    /** One line, as far as it can still be a delimiter line. */
    private static final class Line {
        static final int OTHER = 0;
        static final int DELIMITER = 1;
        static final int CLOSE = 2;
        private static final int MAX_GUESSED_BOUNDARY = 200;

        long start;
        int matched;
        private boolean candidate = true;
        private int dashes;
        private boolean padding;
        /** While no boundary is known: the line, when it starts with "--" and is short enough to be one. */
        private final byte[] head = new byte[MAX_GUESSED_BOUNDARY];
        private int headLength;
        private boolean blank = true;

        void add(byte b, byte[] delimiter) {
            if (b != '\r') {
                blank = false;
            }
            if (delimiter == null) {
                if (headLength < head.length) {
                    head[headLength] = b;
                }
                headLength++;
                return;
            }
            if (!candidate) {
                return;
            }
            if (matched < delimiter.length) {
                if (b == delimiter[matched]) {
                    matched++;
                } else {
                    candidate = false;
                }
            } else if (b == '-' && dashes < 2 && !padding) {
                dashes++;
            } else if (b == ' ' || b == '\t' || b == '\r') {
                padding = true;
            } else {
                candidate = false;
            }
        }

        /** This line as a boundary, when no boundary parameter was given: a "--" line, not only dashes. */
        byte[] guessedBoundary() {
            int length = Math.min(headLength, head.length);
            while (length > 0 && (head[length - 1] == ' ' || head[length - 1] == '\t' || head[length - 1] == '\r')) {
                length--;
            }
            if (headLength > head.length || length <= 2 || head[0] != '-' || head[1] != '-') {
                return null;
            }
            for (int i = 2; i < length; i++) {
                if (head[i] != '-') {
                    byte[] boundary = new byte[length];
                    System.arraycopy(head, 0, boundary, 0, length);
                    return boundary;
                }
            }
            return null;
        }

        /** Empty but for a carriage return: the end of a header block. */
        boolean blank() {
            return blank;
        }

        int kind(byte[] delimiter) {
            if (delimiter == null || !candidate || matched < delimiter.length) {
                return OTHER;
            }
            return dashes == 0 ? DELIMITER : dashes == 2 ? CLOSE : OTHER;
        }

        void reset(long nextStart) {
            start = nextStart;
            matched = 0;
            candidate = true;
            dashes = 0;
            padding = false;
            headLength = 0;
            blank = true;
        }
    }
}
