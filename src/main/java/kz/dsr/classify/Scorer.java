package kz.dsr.classify;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import kz.dsr.request.RequestType;

/**
 * Applies the rules to analysed sections and decides: rules add weight to their type, guards
 * cancel rule matches where the verb is not the intent and push toward NOT_DSR, precedence lets
 * ERASURE win over other wishes, and the scores give confidence and the review flag.
 */
final class Scorer {

    /**
     * The decision with its evidence. {@code fired}: the types some rule matched for (left by the
     * guards and the mood); {@code silent}: no type reached the minimum score (NOT_DSR by default);
     * {@code takenBack}: types the mail itself takes back (imagined, reported as done, «не удаляйте»)
     * that no other match still states — the learned fallback must not bring them back;
     * {@code overTopics}: a request stated in the body won over the support topics around it.
     */
    record Decision(RequestType type, double confidence, boolean review, List<String> evidence,
            Set<RequestType> fired, boolean silent, double notDsr, RequestType strongestRequest,
            Set<RequestType> takenBack, boolean overTopics, String reviewGuard, boolean railReview) {

        Decision(RequestType type, double confidence, boolean review, List<String> evidence, Set<RequestType> fired,
                boolean silent) {
            this(type, confidence, review, evidence, fired, silent, 0, null, Set.of(), false, null, false);
        }
    }

    private Scorer() {
    }

    /** Each step reads what the ones before left in the tally; the order is the order of the evidence. */
    static Decision decide(Rules rules, Section subject, Section body) {
        Tally t = new Tally(rules, subject, body);
        matchRules(t);
        Guards.apply(t);
        TakenBack.imaginedOrAskedAbout(t);
        TakenBack.alreadyCarriedOut(t);
        TakenBack.keptData(t);
        addRuleWeights(t);
        noteNegations(t);
        strengthenTheRequestKept(t);
        Winner winner = Winner.of(t);
        return winner.type() == null ? silent(t) : decided(t, winner);
    }

    /** Where every rule matches (a subject and a body apart). */
    private static void matchRules(Tally t) {
        for (Rules.Rule rule : t.rules.rules()) {
            List<Match> all = new ArrayList<>();
            int window = rule.anywhere() ? Integer.MAX_VALUE
                    : rule.window() != null ? rule.window() : t.scoring().window();
            MatchFinder.Scope scope = rule.anywhere() ? MatchFinder.Scope.SECTION : MatchFinder.Scope.SENTENCE;
            for (Section s : t.sections) {
                MatchFinder.find(rule.parts(), s, window, scope, all, t.rules.vocabulary());
            }
            if (rule.alone()) {
                all.removeIf(m -> !m.alone());
            }
            t.ruleMatches.add(all);
        }
    }

    /**
     * Every rule still matching adds its weight once (a subject match counts subjectWeight of it); the
     * weight stated in the body (not asked) is summed apart. Their evidence comes first.
     */
    private static void addRuleWeights(Tally t) {
        List<String> ruleEvidence = new ArrayList<>();
        for (int r = 0; r < t.rules.rules().size(); r++) {
            Rules.Rule rule = t.rules.rules().get(r);
            Match inBody = null;
            Match inSubject = null;
            for (Match m : t.ruleMatches.get(r)) {
                if (m.section() == t.body && inBody == null) {
                    inBody = m;
                } else if (m.section() == t.subject && inSubject == null) {
                    inSubject = m;
                }
            }
            for (Match m : t.ruleMatches.get(r)) {
                if (m.section() == t.body && !m.asked()) {
                    t.stated.merge(rule.type(), rule.weight(), Double::sum);
                    break;
                }
            }
            if (inBody != null) {
                t.add(rule.type(), rule.weight());
                ruleEvidence.add(rule.type() + " +" + fmt(rule.weight()) + " " + rule.name() + " " + inBody.quote()
                        + " (line " + rule.line() + ")");
            }
            if (inSubject != null && t.keep && rule.type() == RequestType.ERASURE) {
                ruleEvidence.add(rule.type() + " (subject) " + inSubject.quote() + " taken back by the body: not counted");
            } else if (inSubject != null) {
                double w = rule.weight() * t.scoring().subjectWeight();
                t.add(rule.type(), w);
                ruleEvidence.add(rule.type() + " +" + fmt(w) + " " + rule.name() + " (subject) " + inSubject.quote()
                        + " (line " + rule.line() + ")");
            }
        }
        t.evidence.addAll(0, ruleEvidence);
    }

    /** Negated words, for operators: they explain why a verb did not count. */
    private static void noteNegations(Tally t) {
        for (Section s : t.sections) {
            for (Token token : s.tokens) {
                if (token.negated) {
                    t.evidence.add("negated «" + token.text + "»" + (s == t.subject ? " (subject)" : ""));
                }
            }
        }
    }

    /** The sender keeps the data: the other data request of the mail is meant (strengthened). */
    private static void strengthenTheRequestKept(Tally t) {
        if (!(t.keep && t.mood().keepBonus() > 0)) {
            return;
        }
        RequestType other = null;
        for (Map.Entry<RequestType, Double> e : t.score.entrySet()) {
            RequestType type = e.getKey();
            if (type != RequestType.NOT_DSR && type != RequestType.ERASURE && e.getValue() >= t.scoring().minScore()
                    && (other == null || e.getValue() > t.score.get(other))) {
                other = type;
            }
        }
        if (other != null) {
            double bonus = t.mood().keepBonus();
            t.add(other, bonus);
            t.stated.merge(other, bonus, Double::sum);
            t.evidence.add("keep: " + other + " +" + fmt(bonus));
        }
    }

    /**
     * No type reached the minimum: NOT_DSR, as sure as the strongest type stayed far below it; reviewed
     * when unsure or when the mail names the sender's own data all the same.
     */
    private static Decision silent(Tally t) {
        Rules.Scoring scoring = t.scoring();
        double strongest = t.score.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
        double confidence = 0.5 * (1 - Math.min(1, strongest / scoring.minScore()));
        if (strongest == 0) {
            t.evidence.add("no rule matched: NOT_DSR");
        } else {
            t.evidence.add("no type reached " + fmt(scoring.minScore()) + ": NOT_DSR");
        }
        boolean review = confidence < scoring.reviewBelow();
        if (review) {
            t.evidence.add("review: confidence " + fmt(confidence) + " < " + fmt(scoring.reviewBelow()));
        }
        if (!review) {
            review = namesPersonalData(t);
        }
        return new Decision(RequestType.NOT_DSR, confidence, review, t.evidence, t.fired(), true,
                t.scoreOf(RequestType.NOT_DSR), strongestRequest(t), stillTakenBack(t), false, t.reviewGuard, false);
    }

    /**
     * No support topic either, but the mail names the sender's own data, account or number: probably a
     * request the rules miss. A person looks (NOT_DSR is kept).
     */
    private static boolean namesPersonalData(Tally t) {
        Rules.Mood mood = t.mood();
        if (mood == null || mood.personal() < 0) {
            return false;
        }
        for (Section s : t.sections) {
            Section.Occurrence p = s.occurrences(mood.personal()).stream().findFirst().orElse(null);
            if (p != null) {
                t.evidence.add("review: no rule matched, but the mail names «" + s.tokens[p.start()].text
                        + "»: perhaps a request the rules miss");
                return true;
            }
        }
        return false;
    }

    /** A winner: confidence from its strength, discounted by the closest competitor, and the review. */
    private static Decision decided(Tally t, Winner w) {
        Rules.Scoring scoring = t.scoring();
        Rules.Mood mood = t.mood();
        RequestType winner = w.type();
        double top = t.score.get(winner);
        double second = 0;
        RequestType runnerUp = null;
        for (Map.Entry<RequestType, Double> e : t.score.entrySet()) {
            if (e.getKey() != winner && !w.outranked().contains(e.getKey()) && e.getValue() > second) {
                second = e.getValue();
                runnerUp = e.getKey();
            }
        }
        double strength = 1 - Math.exp(-top / scoring.confidenceScale());
        double ratio = second / top;
        // After precedence a competitor may even out-score the winner: confidence stays in 0..1.
        double confidence = Math.max(0, Math.min(1, strength * (1 - ratio / 2)));
        boolean review = false;
        double threshold = winner.isDestructive() ? scoring.reviewBelowDestructive() : scoring.reviewBelow();
        if (confidence < threshold) {
            review = true;
            t.evidence.add("review: confidence " + fmt(confidence) + " < " + fmt(threshold));
        }
        if (runnerUp != null && ratio >= scoring.closeRatio()) {
            review = true;
            t.evidence.add("review: " + runnerUp + " " + fmt(second) + " close to " + winner + " " + fmt(top));
        } else if (mood != null && winner.isDestructive() && runnerUp != null && !runnerUp.isDestructive()
                && ratio >= mood.closeRatioDestructive()) {
            review = true;
            t.evidence.add("review: " + runnerUp + " " + fmt(second) + " behind the destructive " + winner + " " + fmt(top));
        }
        // The reviews above are the rules' own doubt, which the model settles; those below are safety rails.
        boolean rail = false;
        if (t.keep && winner == RequestType.ERASURE) {
            review = true;
            rail = true;
            t.evidence.add("review: ERASURE while the mail also says not to delete");
        }
        if (t.reviewGuard != null && winner.isDestructive()) {
            review = true;
            rail = true;
            t.evidence.add("review: a destructive type where guard " + t.reviewGuard + " asks for a person");
        }
        double stated = t.stated.getOrDefault(winner, 0.0);
        if (mood != null && winner.isDestructive() && stated < mood.declarativeMin()) {
            // A destructive request only asked about or named only in the subject is a person's call, whatever
            // the scores; one partly asked, partly stated is the rules' doubt, which a sure model settles.
            review = true;
            rail |= stated == 0;
            confidence = Math.min(confidence, mood.askedConfidenceMax());
            t.evidence.add("review: " + winner + " stated in the body only " + fmt(stated)
                    + " < " + fmt(mood.declarativeMin()) + " (the rest is a question or the subject)");
        }
        return new Decision(winner, confidence, review, t.evidence, t.fired(), false, t.scoreOf(RequestType.NOT_DSR),
                strongestRequest(t), stillTakenBack(t), w.overTopics() && winner != RequestType.NOT_DSR, t.reviewGuard, rail);
    }

    /** The strongest data request with any weight (what the learned fallback is told about a NOT_DSR result). */
    private static RequestType strongestRequest(Tally t) {
        RequestType strongest = null;
        for (Map.Entry<RequestType, Double> e : t.score.entrySet()) {
            if (e.getKey() != RequestType.NOT_DSR && e.getValue() > 0
                    && (strongest == null || e.getValue() > t.score.get(strongest))) {
                strongest = e.getKey();
            }
        }
        return strongest;
    }

    /** The types the mail took back and no rule match of its own still states. */
    private static Set<RequestType> stillTakenBack(Tally t) {
        Set<RequestType> out = EnumSet.noneOf(RequestType.class);
        for (RequestType type : t.takenBack) {
            if (t.scoreOf(type) < t.scoring().minScore()) {
                out.add(type);
            }
        }
        return Set.copyOf(out);
    }

    static String fmt(double d) {
        return String.format(Locale.ROOT, "%.2f", d).replaceAll("\\.?0+$", "");
    }
}
