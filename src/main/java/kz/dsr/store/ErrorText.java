package kz.dsr.store;

import java.util.regex.Pattern;

/**
 * An error as it may be written to a log: its first line, without PostgreSQL's "Detail: Failing row
 * contains (...)" (the row's values) and with mail addresses masked. Logs carry no personal data;
 * the full error stays in the store (dead_letter.error, outbox.last_error) for an operator.
 */
public final class ErrorText {

    /** Internationalised addresses too (айгерим@пример.қаз): letters of any script. */
    private static final Pattern ADDRESS = Pattern.compile("[\\w.+-]+@[\\w-]+(\\.[\\w-]+)+",
            Pattern.UNICODE_CHARACTER_CLASS);

    private ErrorText() {
    }

    /**
     * The first of the error and its causes (outermost first) that is a {@code type} (a class or a marker
     * interface): Camel and the libraries hand errors wrapped. At most 20 deep; a cause that is itself
     * ends the chain.
     */
    public static <T> java.util.Optional<T> cause(Throwable error, Class<T> type) {
        int depth = 0;
        for (Throwable t = error; t != null && depth < 20; t = t.getCause() == t ? null : t.getCause(), depth++) {
            if (type.isInstance(t)) {
                return java.util.Optional.of(type.cast(t));
            }
        }
        return java.util.Optional.empty();
    }

    /** The full text for the store: class and message of the root cause. */
    public static String full(Throwable error) {
        if (error == null) {
            return "unknown error";
        }
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    /** The text for a log line. */
    public static String forLog(String fullText) {
        if (fullText == null) {
            return "unknown error";
        }
        String text = fullText;
        int detail = text.indexOf("Detail:");
        if (detail >= 0) {
            text = text.substring(0, detail);
        }
        int newline = text.indexOf('\n');
        if (newline >= 0) {
            text = text.substring(0, newline);
        }
        return ADDRESS.matcher(text.strip()).replaceAll("<address>");
    }
}
