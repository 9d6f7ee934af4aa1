package kz.dsr.store;

import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which outbox messages carry what must not outlive them — a one-time code (kept otherwise only as a
 * hash) or the identities told to a processor (often erased from the company's database by then) —
 * and how that content is taken out of the store: their text is replaced when the message ends, and
 * the errors stored for them (outbox.last_error, dead_letter.error) are written without it.
 */
final class SensitiveMessages {

    /** True in SQL for a sensitive row of {@code outbox}. */
    static final String SQL_CONDITION = "(event_key like '" + Outbox.CODE_KEY_PREFIX + "%' or event_key like '"
            + Outbox.PROCESSOR_KEY_PREFIX + "%')";

    /**
     * The assignments that end a row's content, for the SET list of every statement that moves a row to
     * SENT or FAILED: a sensitive row's text becomes a note saying what it held, and the time is kept
     * (a row whose content is gone cannot go back to PENDING: constraint outbox_removed_content_stays_ended).
     */
    static final String SQL_REMOVE_CONTENT = "body = case when event_key like '" + Outbox.CODE_KEY_PREFIX
            + "%' then '(removed when the message ended: it held a one-time code)' when event_key like '"
            + Outbox.PROCESSOR_KEY_PREFIX + "%' then '(removed when the message ended: it held the identities"
            + " told to a processor)' else body end, content_removed_at = case when " + SQL_CONDITION
            + " then now() else content_removed_at end";

    /** What stands in an error where the message's own content was. */
    static final String REMOVED = "<removed>";

    /** A word of a text: letters, digits and what joins them in addresses, phones and dates. */
    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}@._+-]+");
    /** Our request references are no personal data, and the operator needs them in errors. */
    private static final Pattern REFERENCE = Pattern.compile("DSR-\\d{4}-\\d{6}");
    /** A quoted line shorter than this is too common to be the message's (and is left in the error). */
    private static final int MIN_QUOTED_LINE = 12;

    private SensitiveMessages() {
    }

    static boolean isSensitive(String eventKey) {
        return eventKey != null && (eventKey.startsWith(Outbox.CODE_KEY_PREFIX)
                || eventKey.startsWith(Outbox.PROCESSOR_KEY_PREFIX));
    }

    /**
     * The error as it may be stored for this message: a receiver's answer may quote what it was sent (a
     * content filter quotes the line it matched, a server the address it refused). For a sensitive
     * message, each line of its text quoted in the error, each of its words carrying a digit or an
     * {@code @} (codes, phones, e-mail addresses, hashes, ids) and, for a code, its recipient, are
     * replaced by {@value #REMOVED}; what the error says about the failure itself stays.
     */
    static String errorText(String eventKey, String body, String recipient, String error) {
        if (error == null || !isSensitive(eventKey)) {
            return error;
        }
        String text = error;
        if (body != null) {
            for (String line : body.split("\\R")) {
                String quoted = line.strip();
                if (quoted.length() >= MIN_QUOTED_LINE && text.contains(quoted)) {
                    text = text.replace(quoted, REMOVED);
                }
            }
        }
        Set<String> secrets = new HashSet<>();
        collect(body, secrets);
        if (eventKey.startsWith(Outbox.CODE_KEY_PREFIX) && recipient != null && !trim(recipient).isEmpty()) {
            secrets.add(trim(recipient));
        }
        if (secrets.isEmpty()) {
            return text;
        }
        Matcher m = WORD.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String word = m.group();
            String core = trim(word);
            if (secrets.contains(core)) {
                int at = word.indexOf(core);
                m.appendReplacement(out, Matcher.quoteReplacement(word.substring(0, at) + REMOVED
                        + word.substring(at + core.length())));
            }
        }
        m.appendTail(out);
        return out.toString();
    }

    private static void collect(String body, Set<String> secrets) {
        if (body == null) {
            return;
        }
        Matcher m = WORD.matcher(body);
        while (m.find()) {
            String word = trim(m.group());
            if (word.length() >= 4 && !REFERENCE.matcher(word).matches()
                    && word.chars().anyMatch(c -> Character.isDigit(c) || c == '@')) {
                secrets.add(word);
            }
        }
    }

    /** The word without the punctuation around it ("483920." and "+7701…" say the same as 483920, 7701…). */
    private static String trim(String word) {
        int from = 0;
        int to = word.length();
        while (from < to && ".-_+".indexOf(word.charAt(from)) >= 0) {
            from++;
        }
        while (to > from && ".-_+".indexOf(word.charAt(to - 1)) >= 0) {
            to--;
        }
        return word.substring(from, to);
    }
}
