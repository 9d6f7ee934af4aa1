package kz.dsr.intake;

import static java.util.regex.Pattern.CASE_INSENSITIVE;
import static java.util.regex.Pattern.UNICODE_CASE;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Separates what the sender wrote now from the history they quoted and from their signature.
 * Conservative: when in doubt a line stays in the new text, and the new text is never left
 * empty while the mail has any text at all.
 */
public final class QuoteSplitter {

    /**
     * @param newText   what the sender wrote now
     * @param quoted    quoted and forwarded history ("" when none)
     * @param signature signature and closing ("" when none)
     */
    public record Split(String newText, String quoted, String signature) {
    }

    private static final int FLAGS = CASE_INSENSITIVE | UNICODE_CASE;

    /** Markers are short in every mail client; longer lines never reach these regexes. */
    private static final int MAX_MARKER_LINE = 300;

    /** A line after which everything is earlier or forwarded mail. */
    private static final Pattern HISTORY_SEPARATOR = Pattern.compile(
            "-{2,}\\s*(original message|forwarded message|исходное сообщение|пересылаемое сообщение"
                    + "|переадресованное сообщение)\\s*-{2,}"
                    + "|(begin forwarded message|начало переадресованного сообщения):", FLAGS);

    /**
     * "On ... wrote:", "Иван написал(а):", "... пишет:", "... жазды:", and the date-and-address
     * lines of Yandex and Mail.ru ("03.11.2026, 10:15, Support &lt;support@dsr.test&gt;:").
     */
    private static final Pattern ATTRIBUTION = Pattern.compile(
            "(on\\s.+\\swrote"
                    + "|.+\\s(написал|написала|написал\\(а\\)|пишет|жазды)"
                    + "|.*\\d{4}.*<[^<>\\s]+@[^<>\\s]+>)\\s*:", FLAGS);

    /** The first and a later line of an Outlook-style header block ("From: ... / Sent: ..."). */
    private static final Pattern HEADER_BLOCK_FROM = Pattern.compile("\\*?(from|от|кімнен)\\*?:\\s*\\S.*", FLAGS);
    private static final Pattern HEADER_BLOCK_DATE = Pattern.compile(
            "\\*?(sent|date|отправлено|дата|жіберілді|күні)\\*?:.*", FLAGS);

    /** A rule line (Outlook's "_____") that belongs to the history below it. */
    private static final Pattern RULE_LINE = Pattern.compile("[_\\-=]{5,}");

    /** "-- " (its trailing space is lost to whitespace trimming). */
    private static final Pattern SIGNATURE_DELIMITER = Pattern.compile("--");
    private static final int MAX_LINES_AFTER_DELIMITER = 10;

    /** "Sent from my iPhone", "Отправлено с iPhone", "iPhone-нан жіберілді", ... */
    private static final Pattern DEVICE_LINE = Pattern.compile(
            "sent (from|with|via) .{1,60}|get outlook for .{1,40}|(отправлено|послано) (с|со|из) .{1,60}"
                    + "|(.{0,60}\\s)?жіберілді(\\s.{0,60})?", FLAGS);
    private static final int MAX_LINES_AFTER_DEVICE_LINE = 2;

    /** "С уважением,", "Best regards, Ann": the closing itself, optionally with a name after the comma. */
    private static final Pattern CLOSING = Pattern.compile(
            "(с уважением|с наилучшими пожеланиями|best regards|kind regards|regards|құрметпен)"
                    + "([,.!]\\s*[\\p{L}][\\p{L} .'-]{0,40})?[,.!]?", FLAGS);
    private static final int MAX_LINES_AFTER_CLOSING = 4;
    private static final int MAX_SHORT_LINE = 60;

    public Split split(String text) {
        List<String> lines = normalisedLines(text);
        int historyStart = historyStart(lines);

        List<String> fresh = new ArrayList<>();
        List<String> quoted = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (i >= historyStart || isQuoted(line)) {
                quoted.add(line);
            } else {
                fresh.add(line);
            }
        }
        int signatureStart = signatureStart(fresh);
        String newText = join(fresh.subList(0, signatureStart));
        String signature = join(fresh.subList(signatureStart, fresh.size()));

        if (!newText.isEmpty()) {
            return new Split(newText, join(quoted), signature);
        }
        if (!signature.isEmpty()) {
            return new Split(signature, join(quoted), "");
        }
        // Everything looked like history (e.g. a bare forward): the lines not marked with '>' are
        // still the best guess at what the sender wants read.
        List<String> unmarked = new ArrayList<>();
        List<String> marked = new ArrayList<>();
        for (String line : lines) {
            (isQuoted(line) ? marked : unmarked).add(line);
        }
        String unmarkedText = join(unmarked);
        return unmarkedText.isEmpty() ? new Split(join(lines), "", "") : new Split(unmarkedText, join(marked), "");
    }

    private static boolean isQuoted(String line) {
        return line.stripLeading().startsWith(">");
    }

    private static List<String> normalisedLines(String text) {
        List<String> lines = new ArrayList<>();
        for (String line : text.replace("\r\n", "\n").replace('\r', '\n').split("\n", -1)) {
            lines.add(line.stripTrailing());
        }
        return lines;
    }

    /** Index of the first line of quoted or forwarded history that runs to the end; lines.size() when none. */
    private static int historyStart(List<String> lines) {
        for (int i = 0; i < lines.size(); i++) {
            if (startsHistory(lines, i)) {
                int start = i;
                while (start > 0 && (lines.get(start - 1).isBlank()
                        || RULE_LINE.matcher(lines.get(start - 1).strip()).matches())) {
                    start--;
                }
                return start;
            }
        }
        return lines.size();
    }

    private static boolean startsHistory(List<String> lines, int i) {
        String line = lines.get(i).strip();
        if (line.isEmpty() || line.length() > MAX_MARKER_LINE) {
            return false;
        }
        if (HISTORY_SEPARATOR.matcher(line).matches() || ATTRIBUTION.matcher(line).matches()) {
            return true;
        }
        if (i + 1 < lines.size()) {
            String next = lines.get(i + 1).strip();
            // Gmail wraps a long attribution over two lines ("On ..., Ann <\nann@example.kz> wrote:").
            if (next.length() <= MAX_MARKER_LINE && ATTRIBUTION.matcher(line + " " + next).matches()) {
                return true;
            }
        }
        if (HEADER_BLOCK_FROM.matcher(line).matches()) {
            for (int j = i + 1; j < Math.min(lines.size(), i + 4); j++) {
                String later = lines.get(j).strip();
                if (later.length() <= MAX_MARKER_LINE && HEADER_BLOCK_DATE.matcher(later).matches()) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Index of the first line of the signature in {@code lines}; lines.size() when none. */
    private static int signatureStart(List<String> lines) {
        // From the end: how many non-blank lines follow each line, and the longest of them.
        int[] linesAfter = new int[lines.size() + 1];
        int[] longestAfter = new int[lines.size() + 1];
        for (int i = lines.size() - 1; i >= 0; i--) {
            String next = i + 1 < lines.size() ? lines.get(i + 1).strip() : "";
            linesAfter[i] = linesAfter[i + 1] + (next.isEmpty() ? 0 : 1);
            longestAfter[i] = Math.max(longestAfter[i + 1], next.length());
        }
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.length() > MAX_MARKER_LINE) {
                continue;
            }
            if (SIGNATURE_DELIMITER.matcher(line).matches() && linesAfter[i] <= MAX_LINES_AFTER_DELIMITER
                    || DEVICE_LINE.matcher(line).matches() && linesAfter[i] <= MAX_LINES_AFTER_DEVICE_LINE
                    || CLOSING.matcher(line).matches() && linesAfter[i] <= MAX_LINES_AFTER_CLOSING
                            && longestAfter[i] <= MAX_SHORT_LINE) {
                return i;
            }
        }
        return lines.size();
    }

    /** Joins lines, keeping at most one blank line in a row and none at either end. */
    private static String join(List<String> lines) {
        StringBuilder out = new StringBuilder();
        boolean pendingBlank = false;
        for (String line : lines) {
            if (line.isBlank()) {
                pendingBlank = out.length() > 0;
                continue;
            }
            if (out.length() > 0) {
                out.append(pendingBlank ? "\n\n" : "\n");
            }
            out.append(line);
            pendingBlank = false;
        }
        return out.toString();
    }
}
