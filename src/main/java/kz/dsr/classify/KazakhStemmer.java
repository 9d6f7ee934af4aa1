package kz.dsr.classify;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Kazakh is agglutinative (жой-ыңыз, жою-ыңыз-ды, жой-ып): suffixes from config are stripped
 * longest first, repeatedly, while the rest keeps at least {@code minStem} letters and a vowel.
 * Works on folded text (see {@link TextForms#fold}), so the suffix list is folded too.
 *
 * <p>A negated verb (жой-ма-ңыз "don't delete", жібер-ме-ңіз "don't send") is recognised by the
 * negative endings from config; its stem is the verb without them.
 */
final class KazakhStemmer {

    private static final String VOWELS = "аеиоуэюя";

    private final List<String> suffixes;          // folded, longest first
    private final List<String> negativeEndings;   // folded, longest first
    private final List<String> particles;         // folded: шы/ші, stripped before the negation check
    private final int minStem;

    KazakhStemmer(List<String> suffixes, List<String> negativeEndings, List<String> particles, int minStem) {
        this.suffixes = foldedLongestFirst(suffixes);
        this.negativeEndings = foldedLongestFirst(negativeEndings);
        this.particles = foldedLongestFirst(particles);
        this.minStem = minStem;
    }

    private static List<String> foldedLongestFirst(List<String> words) {
        List<String> out = new ArrayList<>();
        for (String w : words) {
            String f = TextForms.fold(TextForms.lower(w.trim()));
            if (!f.isEmpty() && !out.contains(f)) {
                out.add(f);
            }
        }
        out.sort(Comparator.comparingInt(String::length).reversed());
        return List.copyOf(out);
    }

    /** The stem of a folded word. */
    String stem(String folded) {
        String w = folded;
        boolean stripped = true;
        while (stripped) {
            stripped = false;
            for (String s : suffixes) {
                if (w.length() > s.length() && w.endsWith(s) && keeps(w.substring(0, w.length() - s.length()))) {
                    w = w.substring(0, w.length() - s.length());
                    stripped = true;
                    break;
                }
            }
        }
        return w;
    }

    private boolean keeps(String rest) {
        if (rest.length() < minStem) {
            return false;
        }
        for (int i = 0; i < rest.length(); i++) {
            if (VOWELS.indexOf(rest.charAt(i)) >= 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * When the folded word is a negated verb, the verb without its negative ending (not yet
     * stemmed); otherwise null.
     */
    String negatedVerb(String folded) {
        String w = folded;
        for (String p : particles) {
            if (w.length() > p.length() + 3 && w.endsWith(p)) {
                w = w.substring(0, w.length() - p.length());
                break;
            }
        }
        for (String e : negativeEndings) {
            if (w.length() >= e.length() + 2 && w.endsWith(e)) {
                return w.substring(0, w.length() - e.length());
            }
        }
        return null;
    }
}
