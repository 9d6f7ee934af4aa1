package kz.dsr.intake;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Message ids of Message-ID, In-Reply-To and References: without brackets, and only those usable as
 * a key (printable, short, left@right); threading and dedupe rely on them.
 */
final class MessageIds {

    private static final int MAX_ID_CHARS = 250;
    private static final int MAX_REFERENCES = 50;
    private static final Pattern BRACKETED_ID = Pattern.compile("<([^<>\\s]*)>");

    private MessageIds() {
    }

    /** The first usable id of a header value, or null. */
    static String first(String value) {
        List<String> ids = all(value);
        return ids.isEmpty() ? null : ids.get(0);
    }

    /** References, oldest first; a long chain keeps its root and its latest ids, which threading needs. */
    static List<String> references(String value) {
        List<String> ids = all(value);
        if (ids.size() <= MAX_REFERENCES) {
            return List.copyOf(ids);
        }
        List<String> kept = new ArrayList<>(ids.subList(0, 1));
        kept.addAll(ids.subList(ids.size() - MAX_REFERENCES + 1, ids.size()));
        return List.copyOf(kept);
    }

    /** Bracketed ids, or whitespace-separated ones when none is bracketed; unusable ones dropped. */
    private static List<String> all(String value) {
        List<String> ids = new ArrayList<>();
        if (value == null) {
            return ids;
        }
        Matcher bracketed = BRACKETED_ID.matcher(value);
        while (bracketed.find()) {
            ids.add(bracketed.group(1));
        }
        if (ids.isEmpty()) {
            ids.addAll(List.of(value.strip().split("\\s+")));
        }
        ids.removeIf(id -> !isSane(id));
        return ids;
    }

    /** Printable ASCII, short enough for a key, and shaped like an id (left@right). */
    private static boolean isSane(String id) {
        return !id.isEmpty() && id.length() <= MAX_ID_CHARS && id.indexOf('@') > 0
                && id.chars().allMatch(c -> c > ' ' && c < 127 && c != '<' && c != '>');
    }
}
