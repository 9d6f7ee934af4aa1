package kz.dsr.classify;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Named word lists ("concepts") compiled for matching. A rule word is written as an ordinary
 * word and reduced to the same keys as mail words:
 * <ul>
 *   <li>Russian: the Snowball stem (folded) and, for Russian words that take Kazakh suffixes
 *       («рассылкадан»), the Kazakh stem;</li>
 *   <li>Kazakh: the Kazakh stem (config suffixes);</li>
 *   <li>English: the Snowball English stem.</li>
 * </ul>
 * {@code =word} matches that exact (folded) form only; {@code word*} matches words starting with
 * it; {@code -word} (or {@code *word}) matches words ending with it. Words separated by spaces
 * form a phrase matched on consecutive words; {@code *} inside a phrase stands for any one
 * word ("take * off").
 */
final class Vocabulary {

    /** Concept of all rectification field words, usable in rules. */
    static final String ANY_FIELD = "field";
    /** Hidden concept prefix: rectification field words ({@code _field:phone}). */
    static final String FIELD = "_field:";
    /** Hidden concept: words after which a new value follows («на», "to"). */
    static final String NEW_VALUE = "_new_value";
    /** Hidden concept: words after which the old value follows («вместо», "instead of"). */
    static final String OLD_VALUE = "_old_value";

    /** Shortest stem that may be matched by stem; shorter words must be written as {@code =word}. */
    static final int MIN_KEY = 3;

    enum Kind { STEM, EXACT, PREFIX, SUFFIX, ANY }

    enum Lang { RU, KK, EN }

    /** One word of an entry. Keys are null when not applicable. */
    record Word(Kind kind, String ruKey, String kkKey, String enKey, String text) {

        boolean matches(Token t) {
            switch (kind) {
                case STEM:
                    return (ruKey != null && ruKey.equals(t.ruKey))
                            || (kkKey != null && t.kkStems != null && contains(t.kkStems, kkKey))
                            || (enKey != null && enKey.equals(t.enKey));
                case EXACT:
                    return text.equals(t.folded) || text.equals(t.translitFolded);
                case PREFIX:
                    return t.folded.startsWith(text) || (t.translitFolded != null && t.translitFolded.startsWith(text));
                case ANY:
                    return !t.punctuation;
                case SUFFIX:
                    return (t.folded.length() > text.length() && t.folded.endsWith(text))
                            || (t.translitFolded != null && t.translitFolded.length() > text.length()
                                && t.translitFolded.endsWith(text));
                default:
                    return false;
            }
        }
    }

    private static boolean contains(String[] a, String s) {
        for (String x : a) {
            if (x.equals(s)) {
                return true;
            }
        }
        return false;
    }

    /** One list entry: a word or a phrase, for one concept. */
    record Entry(int concept, Word[] words) {
    }

    private final String[] names;
    private final boolean[] negatable;
    private final Map<String, Integer> ids;
    private final Map<String, List<Entry>> ruIndex = new HashMap<>();
    private final Map<String, List<Entry>> kkIndex = new HashMap<>();
    private final Map<String, List<Entry>> enIndex = new HashMap<>();
    private final Map<String, List<Entry>> exactIndex = new HashMap<>();
    private final List<Entry> scanned = new ArrayList<>();

    private Vocabulary(List<String> names, List<Boolean> negatable) {
        this.names = names.toArray(String[]::new);
        this.negatable = new boolean[names.size()];
        this.ids = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            this.negatable[i] = negatable.get(i);
            ids.put(names.get(i), i);
        }
    }

    int size() {
        return names.length;
    }

    String name(int concept) {
        return names[concept];
    }

    boolean negatable(int concept) {
        return negatable[concept];
    }

    /** The concept id, or -1. */
    int id(String name) {
        Integer i = ids.get(name);
        return i == null ? -1 : i;
    }

    /** True when an English rule word has this stem. */
    boolean knowsEnglish(String enKey) {
        return enKey != null && enIndex.containsKey(enKey);
    }

    /** True when a Russian or Kazakh rule word has one of these keys. */
    boolean knowsCyrillic(String ruKey, String[] kkStems) {
        if (ruKey != null && ruIndex.containsKey(ruKey)) {
            return true;
        }
        if (kkStems != null) {
            for (String s : kkStems) {
                if (kkIndex.containsKey(s)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Calls {@code sink} for every entry that matches at token {@code i}, with the index of its
     * last token.
     */
    void matchAt(Token[] tokens, int i, MatchSink sink) {
        Token t = tokens[i];
        if (t.punctuation) {
            lookup(exactIndex, t.folded, tokens, i, sink);
            return;
        }
        lookup(ruIndex, t.ruKey, tokens, i, sink);
        if (t.kkStems != null) {
            for (String stem : t.kkStems) {
                lookup(kkIndex, stem, tokens, i, sink);
            }
        }
        lookup(enIndex, t.enKey, tokens, i, sink);
        lookup(exactIndex, t.folded, tokens, i, sink);
        if (t.translitFolded != null) {
            lookup(exactIndex, t.translitFolded, tokens, i, sink);
        }
        for (Entry e : scanned) {
            tryEntry(e, tokens, i, sink);
        }
    }

    interface MatchSink {
        void match(int concept, int start, int end);
    }

    private static void lookup(Map<String, List<Entry>> index, String key, Token[] tokens, int i, MatchSink sink) {
        if (key == null) {
            return;
        }
        List<Entry> entries = index.get(key);
        if (entries != null) {
            for (Entry e : entries) {
                tryEntry(e, tokens, i, sink);
            }
        }
    }

    private static void tryEntry(Entry e, Token[] tokens, int i, MatchSink sink) {
        Word[] words = e.words();
        if (i + words.length > tokens.length) {
            return;
        }
        for (int k = 0; k < words.length; k++) {
            Token t = tokens[i + k];
            if (k > 0 && (t.sentence != tokens[i].sentence)) {
                return;
            }
            if (!words[k].matches(t)) {
                return;
            }
        }
        // A single word after a Kazakh converb may be an auxiliary (жойып БЕРІҢІЗ): it only adds
        // politeness, so it does not count as a word of its own. An ending still counts: the
        // auxiliary carries the tense of the pair (ауыстырып БЕРДІҢІЗДЕР "you changed").
        if (words.length == 1 && tokens[i].auxiliary && words[0].kind() != Kind.SUFFIX) {
            return;
        }
        sink.match(e.concept(), i, i + words.length - 1);
    }

    /** Builds a vocabulary; throws IllegalArgumentException with a message for the given line. */
    static final class Builder {
        private final KazakhStemmer kazakh;
        private final List<String> names = new ArrayList<>();
        private final List<Boolean> negatable = new ArrayList<>();
        private final List<Entry> entries = new ArrayList<>();

        Builder(KazakhStemmer kazakh) {
            this.kazakh = kazakh;
        }

        int concept(String name, boolean isNegatable) {
            int i = names.indexOf(name);
            if (i >= 0) {
                return i;
            }
            names.add(name);
            negatable.add(isNegatable);
            return names.size() - 1;
        }

        boolean has(String name) {
            return names.contains(name);
        }

        String name(int id) {
            return names.get(id);
        }

        boolean negatable(String name) {
            int i = names.indexOf(name);
            return i >= 0 && negatable.get(i);
        }

        /** Adds one entry; returns an error text, or null when fine. */
        String add(int concept, String entry, Lang lang) {
            String trimmed = entry.trim();
            if (trimmed.isEmpty()) {
                return "empty word";
            }
            String[] parts = trimmed.split("\\s+");
            Word[] words = new Word[parts.length];
            for (int k = 0; k < parts.length; k++) {
                Object w = word(parts[k], lang);
                if (w instanceof String error) {
                    return "'" + trimmed + "': " + error;
                }
                words[k] = (Word) w;
            }
            if (words[0].kind() == Kind.ANY || words[words.length - 1].kind() == Kind.ANY) {
                return "'" + trimmed + "': * stands for one word inside a phrase, not at its ends";
            }
            entries.add(new Entry(concept, words));
            return null;
        }

        private Object word(String raw, Lang lang) {
            String lower = TextForms.lower(raw);
            if (lower.equals("*")) {
                return new Word(Kind.ANY, null, null, null, "*"); // any one word inside a phrase ("take * off")
            }
            boolean cyrillic = lower.chars().anyMatch(c -> TextForms.isCyrillic((char) c));
            if (lower.chars().noneMatch(Character::isLetter)) {
                return new Word(Kind.EXACT, null, null, null, lower); // punctuation such as "?"
            }
            if (lower.startsWith("=") && lower.length() > 1) {
                return new Word(Kind.EXACT, null, null, null, cyrillic ? TextForms.fold(lower.substring(1)) : lower.substring(1));
            }
            if ((lower.startsWith("-") || lower.startsWith("*")) && lower.length() > 2) {
                return new Word(Kind.SUFFIX, null, null, null, TextForms.fold(lower.substring(1)));
            }
            if (lower.endsWith("*") && lower.length() > 2) {
                String p = TextForms.fold(lower.substring(0, lower.length() - 1));
                if (p.length() < MIN_KEY) {
                    return "a prefix needs at least " + MIN_KEY + " letters";
                }
                return new Word(Kind.PREFIX, null, null, null, p);
            }
            if (!cyrillic) {
                if (lang != Lang.EN) {
                    return "a Latin-letter word belongs under en:";
                }
                String en = Stemmers.english(lower);
                if (en.length() < MIN_KEY) {
                    return "stems to '" + en + "' (under " + MIN_KEY + " letters): write =" + lower + " to match it exactly";
                }
                return new Word(Kind.STEM, null, null, en, lower);
            }
            if (lang == Lang.EN) {
                return "a Cyrillic word belongs under ru: or kk:";
            }
            String folded = TextForms.fold(lower);
            String kk = kazakh.stem(folded);
            String ru = lang == Lang.RU ? TextForms.fold(Stemmers.russian(lower)) : null;
            if (ru != null && ru.length() < MIN_KEY) {
                ru = null;
            }
            if (ru != null && kk.length() < ru.length()) {
                // Kazakh suffixes cut deeper into this Russian word than Russian stemming does
                // («деньги» → «ден»): that key would match unrelated words («день»).
                kk = "";
            }
            if (kk.length() < MIN_KEY) {
                kk = null;
            }
            if (ru == null && kk == null) {
                return "stems to under " + MIN_KEY + " letters: write =" + lower + " to match it exactly";
            }
            return new Word(Kind.STEM, ru, kk, null, lower);
        }

        Vocabulary build() {
            Vocabulary v = new Vocabulary(names, negatable);
            for (Entry e : entries) {
                Word first = e.words()[0];
                switch (first.kind()) {
                    case STEM -> {
                        if (first.ruKey() != null) {
                            v.ruIndex.computeIfAbsent(first.ruKey(), k -> new ArrayList<>()).add(e);
                        }
                        if (first.kkKey() != null) {
                            v.kkIndex.computeIfAbsent(first.kkKey(), k -> new ArrayList<>()).add(e);
                        }
                        if (first.enKey() != null) {
                            v.enIndex.computeIfAbsent(first.enKey(), k -> new ArrayList<>()).add(e);
                        }
                    }
                    case EXACT -> v.exactIndex.computeIfAbsent(first.text(), k -> new ArrayList<>()).add(e);
                    default -> v.scanned.add(e);
                }
            }
            dedupe(v.ruIndex);
            dedupe(v.kkIndex);
            dedupe(v.enIndex);
            dedupe(v.exactIndex);
            return v;
        }

        private static void dedupe(Map<String, List<Entry>> index) {
            index.replaceAll((k, list) -> List.copyOf(new ArrayList<>(new java.util.LinkedHashSet<>(list))));
        }
    }
}
