package kz.dsr.classify;

import java.util.ArrayList;
import java.util.List;

/** A subject or a body after analysis: its tokens and where each concept occurs. */
final class Section {

    /** One occurrence of a concept: tokens {@code start..end} (a phrase spans several). */
    record Occurrence(int concept, int start, int end, boolean negated) {
    }

    final String text;
    final Token[] tokens;
    final List<Occurrence>[] byConcept;
    /** Set by {@link MoodAnalyzer} (null when the rules have no mood section). Per token: inside an imagined case («если я удалю»). */
    boolean[] hypothetical;
    /** Per sentence: a question (not a polite request). */
    boolean[] question;
    /** Per sentence: a question about the policy («что будет, если ...?», "do you delete ..."). */
    boolean[] policy;
    /** Per token: in a clause of thanks for a request already carried out («Спасибо, данные исправили»); null: none. */
    boolean[] reported;

    @SuppressWarnings("unchecked")
    Section(String text, Token[] tokens, int conceptCount) {
        this.text = text;
        this.tokens = tokens;
        this.byConcept = (List<Occurrence>[]) new List<?>[conceptCount];
    }

    List<Occurrence> occurrences(int concept) {
        List<Occurrence> l = byConcept[concept];
        return l == null ? List.of() : l;
    }

    boolean has(int concept) {
        return byConcept[concept] != null;
    }

    boolean hasInClause(int concept, int clause) {
        for (Occurrence o : occurrences(concept)) {
            if (tokens[o.start()].clause == clause) {
                return true;
            }
        }
        return false;
    }

    void add(Occurrence o) {
        List<Occurrence> l = byConcept[o.concept()];
        if (l == null) {
            l = new ArrayList<>(2);
            byConcept[o.concept()] = l;
        }
        // Occurrences arrive in token order: a repeat of the same start is the last one.
        if (!l.isEmpty() && l.get(l.size() - 1).start() == o.start()) {
            return;
        }
        l.add(o);
    }

    /** The words of tokens start..end as written, for evidence. */
    String words(int start, int end) {
        return text.substring(tokens[start].start, tokens[end].end);
    }
}
