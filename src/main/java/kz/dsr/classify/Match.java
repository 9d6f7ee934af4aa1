package kz.dsr.classify;

import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * One place where a rule's or a guard's pattern matched: the first and last token of each part, and
 * where in its section those words stand (a question, an imagined case, thanks for a request done).
 */
record Match(Section section, int[] starts, int[] ends) {

    int clauseOf(int part) {
        return section.tokens[starts[part]].clause;
    }

    /** Some word of this match is also a word of {@code other}, in the same section. */
    boolean sharesWords(Match other) {
        if (section != other.section) {
            return false;
        }
        for (int p = 0; p < starts.length; p++) {
            if (other.overlaps(starts[p], ends[p])) {
                return true;
            }
        }
        return false;
    }

    /** Some part of this match lies on tokens {@code start..end}. */
    boolean overlaps(int start, int end) {
        for (int p = 0; p < starts.length; p++) {
            if (starts[p] <= end && start <= ends[p]) {
                return true;
            }
        }
        return false;
    }

    /** The matched words are all the words of their sentence («СТОП.», "Unsubscribe"). */
    boolean alone() {
        int sentence = section.tokens[starts[0]].sentence;
        int words = 0;
        for (Token t : section.tokens) {
            if (t.sentence == sentence && !t.punctuation) {
                words++;
            }
        }
        int matched = 0;
        for (int i = 0; i < starts.length; i++) {
            matched += ends[i] - starts[i] + 1;
        }
        return words == matched;
    }

    /** Some word of the match lies in a question («Как удалить аккаунт?»). */
    boolean asked() {
        return inFlaggedSentence(section.question);
    }

    /** Some word of the match lies in a question about the policy. */
    boolean inPolicyQuestion() {
        return inFlaggedSentence(section.policy);
    }

    /** Some word of the match lies in an imagined case or in a question about the policy. */
    boolean imagined() {
        if (section.hypothetical == null) {
            return false;
        }
        for (int p = 0; p < starts.length; p++) {
            if (section.policy[section.tokens[starts[p]].sentence]) {
                return true;
            }
            if (anyFlagged(section.hypothetical, p)) {
                return true;
            }
        }
        return false;
    }

    /** Some word of the match lies in a clause of thanks for a request already carried out. */
    boolean reported() {
        if (section.reported == null) {
            return false;
        }
        for (int p = 0; p < starts.length; p++) {
            if (anyFlagged(section.reported, p)) {
                return true;
            }
        }
        return false;
    }

    /** The matched words as written, «a … b» where parts stand apart: for evidence. */
    String quote() {
        StringBuilder b = new StringBuilder("«");
        int[] order = IntStream.range(0, starts.length).boxed()
                .sorted(Comparator.comparingInt(i -> starts[i])).mapToInt(Integer::intValue).toArray();
        int last = -2;
        for (int i : order) {
            if (last >= 0) {
                b.append(starts[i] == last + 1 ? " " : " … ");
            }
            b.append(section.words(starts[i], ends[i]));
            last = ends[i];
        }
        return b.append('»').toString();
    }

    /** Some token of part {@code p} is flagged in the per-token flags. */
    private boolean anyFlagged(boolean[] tokenFlags, int p) {
        for (int k = starts[p]; k <= ends[p]; k++) {
            if (tokenFlags[k]) {
                return true;
            }
        }
        return false;
    }

    /** Some part of the match starts in a sentence the per-sentence flags mark (null: none marked). */
    private boolean inFlaggedSentence(boolean[] sentenceFlags) {
        if (sentenceFlags == null) {
            return false;
        }
        for (int p = 0; p < starts.length; p++) {
            if (sentenceFlags[section.tokens[starts[p]].sentence]) {
                return true;
            }
        }
        return false;
    }
}
