package kz.dsr.classify;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The features the learned fallback ({@link Model}) reads from a mail, taken from the classifier's
 * own analysis, so they match the rules' view of the words:
 * <ul>
 * <li>a word's key: its Snowball stem (Russian, Russian translit, English) or its shortest Kazakh
 *     stem, e.g. {@code удал}, {@code delet}, {@code жо};</li>
 * <li>{@code !key}: the word stands in the scope of a negation («не присылайте», "don't",
 *     жібер-меңіз);</li>
 * <li>{@code key key}: two neighbouring words of one sentence;</li>
 * <li>{@code #concept} / {@code #!concept}: a word list of the rules (config/classifier.yaml
 *     {@code concepts}) occurs, plain or negated — so the model also generalises over the rules'
 *     synonyms;</li>
 * <li>{@code ?}: the mail asks a question.</li>
 * </ul>
 * Subject and body give the same features (a set: each counts once).
 */
final class ModelFeatures {

    private ModelFeatures() {
    }

    static List<String> of(Rules rules, Section subject, Section body) {
        Set<String> out = new LinkedHashSet<>();
        add(rules, subject, out);
        add(rules, body, out);
        return new ArrayList<>(out);
    }

    private static void add(Rules rules, Section s, Set<String> out) {
        Token[] tokens = s.tokens;
        String[] keys = new String[tokens.length];
        boolean[] negated = negationScope(tokens, rules.negation());
        for (int i = 0; i < tokens.length; i++) {
            Token t = tokens[i];
            if (t.punctuation) {
                out.add("?");
                continue;
            }
            keys[i] = key(t);
            if (keys[i] == null) {
                continue;
            }
            out.add(negated[i] ? "!" + keys[i] : keys[i]);
            if (i > 0 && keys[i - 1] != null && tokens[i - 1].sentence == t.sentence) {
                out.add(keys[i - 1] + " " + keys[i]);
            }
        }
        Vocabulary v = rules.vocabulary();
        for (int c = 0; c < s.byConcept.length; c++) {
            List<Section.Occurrence> occurrences = s.byConcept[c];
            if (occurrences == null) {
                continue;
            }
            for (Section.Occurrence o : occurrences) {
                out.add(o.negated() ? "#!" + v.name(c) : "#" + v.name(c));
            }
        }
    }

    /** The word's matching key, lower case; null for words too long to be words. */
    private static String key(Token t) {
        if (t.text.length() > TextAnalyzer.MAX_WORD) {
            return null;
        }
        if (t.kkStems != null && t.kkStems.length > 0) {
            return t.kkStems[t.kkStems.length - 1];
        }
        if (t.ruKey != null && !t.ruKey.isEmpty()) {
            return t.ruKey;
        }
        if (t.enKey != null && !t.enKey.isEmpty()) {
            return t.enKey;
        }
        return t.folded;
    }

    /**
     * Words after a negation word (up to the negation window, within the clause and before a
     * comma), the word before a Kazakh «емес»/«жоқ», Kazakh verbs with a negative ending, and every
     * cue the rules found negated.
     */
    private static boolean[] negationScope(Token[] tokens, Rules.Negation negation) {
        boolean[] out = new boolean[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            Token t = tokens[i];
            if (t.punctuation) {
                continue;
            }
            out[i] |= t.negated || t.kazakhNegative;
            String w = t.latin ? t.lower : t.folded;
            // In Kazakh mail (Kazakh stems computed for Cyrillic words) «не» means "what".
            if (negation.before().contains(w) && (t.kkStems == null || t.latin)) {
                for (int j = i + 1; j < tokens.length && j <= i + negation.window(); j++) {
                    Token n = tokens[j];
                    if (n.punctuation || n.clause != t.clause || n.pauseBefore) {
                        break;
                    }
                    out[j] = true;
                }
            } else if (negation.after().contains(w) && i > 0 && !tokens[i].pauseBefore
                    && tokens[i - 1].clause == t.clause) {
                out[i - 1] = true;
            }
        }
        return out;
    }
}
