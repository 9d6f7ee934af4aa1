package kz.dsr.classify;

import java.util.List;
import kz.dsr.request.RequestType;

/**
 * Rule matches the mail itself takes back, by its mood: a wish only imagined or asked about as policy,
 * a request reported as already carried out, and data the sender says to keep. What is taken back is
 * noted in {@link Tally#takenBack}, so that the learned fallback does not bring it back.
 */
final class TakenBack {

    /** Whether the mail takes back one rule match of a type. */
    private interface Test {
        boolean takesBack(RequestType type, Match m);
    }

    private TakenBack() {
    }

    /**
     * A destructive wish only imagined («если я удалю аккаунт») or asked about as policy («что будет с
     * данными после удаления?») is no request: its matches do not count.
     */
    static void imaginedOrAskedAbout(Tally t) {
        Rules.Mood mood = t.mood();
        if (mood == null || mood.cancels().isEmpty()) {
            return;
        }
        cancel(t, (type, m) -> mood.cancels().contains(type) ? m.imagined()
                        : mood.policyCancels().contains(type) && m.inPolicyQuestion(),
                " is imagined or asked about (if / question on the policy), not requested: cancels its matches");
    }

    /**
     * «Спасибо, данные исправили», "thanks for deleting my account": a sentence reporting a request
     * already carried out asks for nothing: its matches do not count, for any type.
     */
    static void alreadyCarriedOut(Tally t) {
        if (t.mood() == null) {
            return;
        }
        // "Re: account deletion" over a thank-you: the subject only names what was done.
        cancel(t, (type, m) -> type != RequestType.NOT_DSR
                        && (m.reported() || (m.section() == t.subject && anyReported(t.body))),
                " stands in thanks for a request already carried out: cancels its matches");
    }

    /**
     * «Не удаляйте аккаунт, поменяйте почту», "rather than deleting it, freeze it": the sender keeps the
     * data. A subject naming deletion («Удаление аккаунта») is taken back by the body, and ERASURE loses
     * its precedence: the other data request of the mail is meant.
     */
    static void keptData(Tally t) {
        if (t.mood() == null) {
            return;
        }
        String why = keeps(t.body, t.mood());
        if (why != null) {
            t.keep = true;
            t.takenBack.add(RequestType.ERASURE);
            t.evidence.add("keep: " + why + ": nothing is to be deleted");
        }
    }

    /** Removes the matches {@code test} takes back; the mood's NOT_DSR weight when there were any. */
    private static void cancel(Tally t, Test test, String why) {
        Match example = null;
        int cancelled = 0;
        for (int r = 0; r < t.rules.rules().size(); r++) {
            RequestType type = t.rules.rules().get(r).type();
            List<Match> ms = t.ruleMatches.get(r);
            for (int i = ms.size() - 1; i >= 0; i--) {
                if (test.takesBack(type, ms.get(i))) {
                    example = ms.get(i);
                    t.takenBack.add(type);
                    ms.remove(i);
                    cancelled++;
                }
            }
        }
        if (cancelled == 0) {
            return;
        }
        StringBuilder e = new StringBuilder("mood: ").append(example.quote()).append(why);
        if (t.mood().notDsr() > 0) {
            t.add(RequestType.NOT_DSR, t.mood().notDsr());
            e.append(", NOT_DSR +").append(Scorer.fmt(t.mood().notDsr()));
        }
        t.evidence.add(e.toString());
    }

    /** Why the body says its data stays (a negated delete, a keep phrase), or null. */
    private static String keeps(Section body, Rules.Mood mood) {
        for (int concept : mood.keep()) {
            for (Section.Occurrence o : body.occurrences(concept)) {
                if (o.negated()) {
                    return "negated «" + body.tokens[o.start()].text + "»";
                }
            }
        }
        if (mood.keepWords() >= 0) {
            for (Section.Occurrence o : body.occurrences(mood.keepWords())) {
                return "«" + body.tokens[o.start()].text + " … " + body.tokens[o.end()].text + "»";
            }
        }
        return null;
    }

    private static boolean anyReported(Section s) {
        if (s.reported != null) {
            for (boolean r : s.reported) {
                if (r) {
                    return true;
                }
            }
        }
        return false;
    }
}
