package kz.dsr.classify;

import java.util.ArrayList;
import java.util.List;

/** Finds where a pattern of parts occurs in a section: all parts near enough, each on its own words. */
final class MatchFinder {

    /** How far apart the parts of a pattern may be. */
    enum Scope { CLAUSE, SENTENCE, SECTION }

    /** Occurrences per pattern part looked at; more only repeat the same cue. */
    private static final int MAX_CANDIDATES = 256;
    /** Matches per pattern and section at most: enough to decide, bounded for a repetitive mail. */
    private static final int MAX_MATCHES = 64;

    private MatchFinder() {
    }

    /**
     * Adds to {@code out} the places where all parts occur within {@code scope} and {@code window}
     * tokens, each on its own tokens.
     */
    static void find(List<Rules.Part> parts, Section s, int window, Scope scope, List<Match> out,
            Vocabulary vocabulary) {
        int n = parts.size();
        List<List<Section.Occurrence>> candidates = new ArrayList<>(n);
        for (Rules.Part part : parts) {
            List<Section.Occurrence> c = new ArrayList<>();
            for (int concept : part.concepts()) {
                for (Section.Occurrence o : s.occurrences(concept)) {
                    if (accepts(part, o, vocabulary)) {
                        c.add(o);
                    }
                }
            }
            if (c.isEmpty()) {
                return;
            }
            // A mail repeating a word thousands of times must not make matching quadratic.
            candidates.add(c.size() > MAX_CANDIDATES ? c.subList(0, MAX_CANDIDATES) : c);
        }
        Section.Occurrence[] chosen = new Section.Occurrence[n];
        choose(candidates, 0, chosen, s, window, scope, out);
    }

    /** "not send" needs a negated cue; a plain verb must not be negated; objects count either way. */
    private static boolean accepts(Rules.Part part, Section.Occurrence o, Vocabulary vocabulary) {
        return switch (part.polarity()) {
            case NEGATED -> o.negated();
            case ANY -> true;
            case DEFAULT -> !o.negated() || !vocabulary.negatable(o.concept());
        };
    }

    private static void choose(List<List<Section.Occurrence>> candidates, int part, Section.Occurrence[] chosen,
            Section s, int window, Scope scope, List<Match> out) {
        if (out.size() >= MAX_MATCHES) {
            return;
        }
        if (part == candidates.size()) {
            int[] starts = new int[chosen.length];
            int[] ends = new int[chosen.length];
            for (int i = 0; i < chosen.length; i++) {
                starts[i] = chosen[i].start();
                ends[i] = chosen[i].end();
            }
            out.add(new Match(s, starts, ends));
            return;
        }
        for (Section.Occurrence o : candidates.get(part)) {
            if (!fits(o, chosen, part, s, window, scope)) {
                continue;
            }
            chosen[part] = o;
            choose(candidates, part + 1, chosen, s, window, scope, out);
        }
    }

    private static boolean fits(Section.Occurrence o, Section.Occurrence[] chosen, int part, Section s, int window,
            Scope scope) {
        Token t = s.tokens[o.start()];
        int min = o.start();
        int max = o.end();
        for (int i = 0; i < part; i++) {
            Section.Occurrence c = chosen[i];
            Token ct = s.tokens[c.start()];
            if ((scope != Scope.SECTION && ct.sentence != t.sentence) || (scope == Scope.CLAUSE && ct.clause != t.clause)) {
                return false;
            }
            if (o.start() <= c.end() && c.start() <= o.end()) {
                return false; // the same words cannot play two parts
            }
            min = Math.min(min, c.start());
            max = Math.max(max, c.end());
        }
        if ((long) max - min > window) {
            return false;
        }
        if (window <= 2) {
            // Words meant to stand together («келісімімді жоямын») must not be split by a comma.
            for (int k = min + 1; k <= max; k++) {
                if (s.tokens[k].pauseBefore) {
                    return false;
                }
            }
        }
        return true;
    }
}
