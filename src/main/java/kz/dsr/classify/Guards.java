package kz.dsr.classify;

import java.util.ArrayList;
import java.util.List;
import kz.dsr.request.RequestType;

/**
 * Where the verb is not the intent (a cart, a review, a relative's account ...): each guard that matches
 * cancels the rule matches of the types it names and pushes toward NOT_DSR; a review guard asks for a
 * person when a destructive type wins anyway.
 */
final class Guards {

    /** A whole-message guard that names no window: its parts may stand anywhere in one sentence. */
    private static final int WHOLE_MESSAGE_WINDOW = 1000;

    private Guards() {
    }

    static void apply(Tally t) {
        for (Rules.Guard guard : t.rules.guards()) {
            List<Match> hits = hits(guard, t);
            if (!hits.isEmpty()) {
                cancel(guard, hits, t);
            }
        }
    }

    /** Where the guard matches and none of its exceptions switches it off; notes the first review guard. */
    private static List<Match> hits(Rules.Guard guard, Tally t) {
        List<Match> hits = new ArrayList<>();
        int window = guard.window() != null ? guard.window()
                : (guard.wholeMessage() ? WHOLE_MESSAGE_WINDOW : t.scoring().guardWindow());
        MatchFinder.Scope scope = guard.wholeMessage() ? MatchFinder.Scope.SENTENCE : MatchFinder.Scope.CLAUSE;
        for (Section s : t.sections) {
            MatchFinder.find(guard.parts(), s, window, scope, hits, t.rules.vocabulary());
        }
        hits.removeIf(h -> covered(guard.except(), h));
        if (guard.review() && !hits.isEmpty() && t.reviewGuard == null) {
            t.reviewGuard = guard.name() + " " + hits.get(0).quote() + " (line " + guard.line() + ")";
        }
        hits.removeIf(h -> unlessPresent(guard, h, t.sections));
        if (!hits.isEmpty() && !requiredPresent(guard, t.sections)) {
            hits.clear();
        }
        return hits;
    }

    /** Removes the rule matches the guard's hits take back, adds its NOT_DSR weight, says so. */
    private static void cancel(Rules.Guard guard, List<Match> hits, Tally t) {
        StringBuilder e = new StringBuilder("guard ").append(guard.name()).append(' ').append(hits.get(0).quote())
                .append(" (line ").append(guard.line()).append(')');
        int cancelled = 0;
        for (int r = 0; r < t.rules.rules().size(); r++) {
            if (!guard.cancels().contains(t.rules.rules().get(r).type())) {
                continue;
            }
            List<Match> matches = t.ruleMatches.get(r);
            int before = matches.size();
            matches.removeIf(m -> switch (guard.scope()) {
                case MESSAGE -> true;
                case CLAUSE -> hits.stream().anyMatch(h -> sameClause(h, m));
                case WORDS -> hits.stream().anyMatch(h -> h.sharesWords(m));
            });
            cancelled += before - matches.size();
        }
        if (cancelled > 0) {
            e.append(": cancels ").append(guard.cancels().size() == 1 ? guard.cancels().iterator().next() : guard.cancels());
        }
        if (guard.notDsr() > 0) {
            t.add(RequestType.NOT_DSR, guard.notDsr());
            e.append(cancelled > 0 ? "," : ":").append(" NOT_DSR +").append(Scorer.fmt(guard.notDsr()));
        }
        t.evidence.add(e.toString());
    }

    /**
     * The guard's clause holds the rule match. A match that shares the guard's verb but names its
     * own object in another clause of the same sentence («удалите отзыв и мои данные») is a second
     * wish and escapes the guard.
     */
    private static boolean sameClause(Match guard, Match rule) {
        if (guard.section() != rule.section()) {
            return false;
        }
        int clause = guard.clauseOf(0);
        int sentence = guard.section().tokens[guard.starts()[0]].sentence;
        boolean inClause = false;
        boolean sharesWords = guard.sharesWords(rule);
        for (int p = 0; p < rule.starts().length; p++) {
            Token t = rule.section().tokens[rule.starts()[p]];
            if (t.clause == clause) {
                inClause = true;
            } else if (sharesWords && t.sentence == sentence && !guard.overlaps(rule.starts()[p], rule.ends()[p])) {
                return false;
            }
        }
        return inClause;
    }

    /** A word of the hit is part of a longer expression of one of {@code concepts} («әкемнің аты»). */
    private static boolean covered(int[] concepts, Match hit) {
        for (int c : concepts) {
            for (Section.Occurrence o : hit.section().occurrences(c)) {
                for (int p = 0; p < hit.starts().length; p++) {
                    if (o.start() <= hit.starts()[p] && hit.ends()[p] <= o.end() && o.end() > o.start()) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** Every concept the guard {@code requires} occurs somewhere in the mail (subject or body). */
    private static boolean requiredPresent(Rules.Guard guard, Section[] sections) {
        for (int[] any : guard.requires()) {
            boolean found = false;
            for (int c : any) {
                for (Section s : sections) {
                    found |= s.has(c);
                }
            }
            if (!found) {
                return false;
            }
        }
        return true;
    }

    private static boolean unlessPresent(Rules.Guard guard, Match hit, Section[] sections) {
        for (int c : guard.unless()) {
            // A guard that reads the mail's context (requires) is also switched off by the whole mail.
            if (guard.wholeMessage() || guard.requires().length > 0) {
                for (Section s : sections) {
                    if (s.has(c)) {
                        return true;
                    }
                }
            } else if (inClauseUncovered(hit.section(), c, hit.clauseOf(0), guard.except())) {
                return true;
            }
        }
        return false;
    }

    /** An occurrence of {@code concept} in the clause that no phrase of {@code except} covers («из профиля» is a place, no account). */
    private static boolean inClauseUncovered(Section s, int concept, int clause, int[] except) {
        for (Section.Occurrence o : s.occurrences(concept)) {
            if (s.tokens[o.start()].clause != clause) {
                continue;
            }
            boolean covered = false;
            for (int x : except) {
                for (Section.Occurrence e : s.occurrences(x)) {
                    if (e.start() <= o.start() && o.end() <= e.end()) {
                        covered = true;
                    }
                }
            }
            if (!covered) {
                return true;
            }
        }
        return false;
    }
}
