package kz.dsr.classify;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import kz.dsr.request.RequestType;

/**
 * What the scoring of one mail has found so far, handed from step to step: the matches of each rule
 * still standing, the score of each type, the evidence for operators, and what the mail takes back.
 */
final class Tally {

    final Rules rules;
    final Section subject;
    final Section body;
    /** Body first: the order in which matches, and so the first quoted one, are found. */
    final Section[] sections;
    /** Per rule (in the order of {@link Rules#rules()}): where it matches and no guard or mood took it back. */
    final List<List<Match>> ruleMatches = new ArrayList<>();
    final Map<RequestType, Double> score = new EnumMap<>(RequestType.class);
    /** Weight from statements in the body (not questions), apart: destructive types need enough of it. */
    final Map<RequestType, Double> stated = new EnumMap<>(RequestType.class);
    final List<String> evidence = new ArrayList<>();
    /**
     * Types whose words the mail itself takes back (imagined, asked about as policy, reported as done,
     * «не удаляйте»): the learned fallback must not bring them back.
     */
    final Set<RequestType> takenBack = EnumSet.noneOf(RequestType.class);
    /** The sender keeps the data («не удаляйте аккаунт, поменяйте почту»): ERASURE is not meant. */
    boolean keep;
    /** The first review guard that matched, for the review of a destructive type; null when none. */
    String reviewGuard;

    Tally(Rules rules, Section subject, Section body) {
        this.rules = rules;
        this.subject = subject;
        this.body = body;
        this.sections = new Section[] {body, subject};
    }

    Rules.Scoring scoring() {
        return rules.scoring();
    }

    /** Null when the rules have no mood section. */
    Rules.Mood mood() {
        return rules.mood();
    }

    void add(RequestType type, double weight) {
        score.merge(type, weight, Double::sum);
    }

    double scoreOf(RequestType type) {
        return score.getOrDefault(type, 0.0);
    }

    /** The types some rule still matches for. */
    Set<RequestType> fired() {
        Set<RequestType> fired = EnumSet.noneOf(RequestType.class);
        for (int r = 0; r < rules.rules().size(); r++) {
            if (!ruleMatches.get(r).isEmpty()) {
                fired.add(rules.rules().get(r).type());
            }
        }
        return fired;
    }
}
