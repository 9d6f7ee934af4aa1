package kz.dsr.classify;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Kazakh is agglutinative (жой-ыңыз, жою-ыңыз-ды, жой-ып). A rule word is reduced by stripping
 * the suffixes from config longest first, repeatedly, while the rest keeps at least
 * {@code minStem} letters and a vowel ({@link #stem}). A mail word matches it when the word is
 * that stem followed by a chain of listed suffixes ({@link #stems} gives every such stem of a
 * word): checking the whole chain avoids both cutting too deep («ақпарат-ым-ды», not
 * «ақпара-тым-ды») and matching a word that merely starts alike.
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
    private final int minRuleStem;
    private final java.util.Set<String> suffixSet;
    private final int longestSuffix;

    KazakhStemmer(List<String> suffixes, List<String> negativeEndings, List<String> particles, int minStem,
            int minRuleStem) {
        this.suffixes = foldedLongestFirst(suffixes);
        this.negativeEndings = foldedLongestFirst(negativeEndings);
        this.particles = foldedLongestFirst(particles);
        this.minStem = minStem;
        this.minRuleStem = minRuleStem;
        this.suffixSet = java.util.Set.copyOf(this.suffixes);
        this.longestSuffix = this.suffixes.isEmpty() ? 0 : this.suffixes.get(0).length();
    }

    /**
     * Every stem of a folded word: each beginning of at least {@code minStem} letters (with a
     * vowel) after which the rest of the word is a chain of listed suffixes, the whole word
     * included.
     */
    String[] stems(String folded) {
        int n = folded.length();
        boolean[] chain = chains(folded);
        List<String> out = new ArrayList<>(2);
        for (int i = n; i >= minStem; i--) {
            if (chain[i] && keeps(folded.substring(0, i))) {
                out.add(folded.substring(0, i));
            }
        }
        return out.toArray(String[]::new);
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

    /**
     * The stem of a folded rule word: suffixes stripped longest first, again and again, while at
     * least {@code minRuleStem} letters remain (so «қайтару» stays «қайтар», not «қай-тар»).
     */
    String stem(String folded) {
        String w = folded;
        boolean stripped = true;
        while (stripped) {
            stripped = false;
            for (String s : suffixes) {
                if (w.length() - s.length() >= minRuleStem && w.endsWith(s) && keeps(w.substring(0, w.length() - s.length()))) {
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
     * When the folded word is a negated verb — a negative ending, then nothing or a chain of
     * suffixes (жібер-меу-іңіз-ді) — the verb before the ending (not yet stemmed); else null.
     */
    String negatedVerb(String folded) {
        String w = folded;
        for (String p : particles) {
            if (w.length() > p.length() + 3 && w.endsWith(p)) {
                w = w.substring(0, w.length() - p.length());
                break;
            }
        }
        boolean[] chain = chains(w);
        for (int i = w.length() - 2; i >= 2; i--) {
            for (String e : negativeEndings) {
                if (w.startsWith(e, i) && chain[i + e.length()]) {
                    return w.substring(0, i);
                }
            }
        }
        return null;
    }

    /** chain[i]: the word from i to its end is a chain of listed suffixes (or empty). */
    private boolean[] chains(String w) {
        int n = w.length();
        boolean[] chain = new boolean[n + 1];
        chain[n] = true;
        for (int i = n - 1; i >= 1; i--) {
            for (int len = 1; len <= longestSuffix && i + len <= n && !chain[i]; len++) {
                chain[i] = chain[i + len] && suffixSet.contains(w.substring(i, i + len));
            }
        }
        return chain;
    }
}
