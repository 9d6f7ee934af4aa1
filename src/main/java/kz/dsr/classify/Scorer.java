package kz.dsr.classify;

import java.util.ArrayList;
import java.util.EnumMap;
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
            Set<RequestType> takenBack, boolean overTopics) {

        Decision(RequestType type, double confidence, boolean review, List<String> evidence, Set<RequestType> fired,
                boolean silent) {
            this(type, confidence, review, evidence, fired, silent, 0, null, Set.of(), false);
        }
    }

    /** One place where a pattern matched: the first token of each part. */
    private record Match(Section section, int[] starts, int[] ends) {
        int clauseOf(int part) {
            return section.tokens[starts[part]].clause;
        }
    }

    /** Occurrences per pattern part looked at; more only repeat the same cue. */
    private static final int MAX_CANDIDATES = 256;

    private Scorer() {
    }

    static Decision decide(Rules rules, Section subject, Section body) {
        Rules.Scoring scoring = rules.scoring();
        List<String> evidence = new ArrayList<>();
        Section[] sections = {body, subject};

        // 1. Every rule: where does it match?
        List<List<Match>> ruleMatches = new ArrayList<>();
        for (Rules.Rule rule : rules.rules()) {
            List<Match> all = new ArrayList<>();
            int window = rule.anywhere() ? Integer.MAX_VALUE : rule.window() != null ? rule.window() : scoring.window();
            for (Section s : sections) {
                find(rule.parts(), s, window, rule.anywhere() ? Scope.SECTION : Scope.SENTENCE, all, rules.vocabulary());
            }
            if (rule.alone()) {
                all.removeIf(m -> !alone(m));
            }
            ruleMatches.add(all);
        }

        // 2. Guards cancel matches of the types they name and push toward NOT_DSR.
        Map<RequestType, Double> score = new EnumMap<>(RequestType.class);
        String reviewGuard = null;
        for (Rules.Guard guard : rules.guards()) {
            List<Match> hits = new ArrayList<>();
            int window = guard.window() != null ? guard.window() : (guard.wholeMessage() ? 1000 : scoring.guardWindow());
            for (Section s : sections) {
                find(guard.parts(), s, window, guard.wholeMessage() ? Scope.SENTENCE : Scope.CLAUSE, hits,
                        rules.vocabulary());
            }
            hits.removeIf(h -> covered(guard.except(), h));
            if (guard.review() && !hits.isEmpty() && reviewGuard == null) {
                reviewGuard = guard.name() + " " + quote(hits.get(0)) + " (line " + guard.line() + ")";
            }
            hits.removeIf(h -> unlessPresent(guard, h, sections));
            if (!hits.isEmpty() && !requiredPresent(guard, sections)) {
                hits.clear();
            }
            if (hits.isEmpty()) {
                continue;
            }
            Match first = hits.get(0);
            StringBuilder e = new StringBuilder("guard ").append(guard.name()).append(' ').append(quote(first))
                    .append(" (line ").append(guard.line()).append(')');
            int cancelled = 0;
            for (int r = 0; r < rules.rules().size(); r++) {
                Rules.Rule rule = rules.rules().get(r);
                if (!guard.cancels().contains(rule.type())) {
                    continue;
                }
                int before = ruleMatches.get(r).size();
                ruleMatches.get(r).removeIf(m -> switch (guard.scope()) {
                    case MESSAGE -> true;
                    case CLAUSE -> hits.stream().anyMatch(h -> sameClause(h, m));
                    case WORDS -> hits.stream().anyMatch(h -> sharesWords(h, m));
                });
                cancelled += before - ruleMatches.get(r).size();
            }
            if (cancelled > 0) {
                e.append(": cancels ").append(guard.cancels().size() == 1 ? guard.cancels().iterator().next() : guard.cancels());
            }
            if (guard.notDsr() > 0) {
                score.merge(RequestType.NOT_DSR, guard.notDsr(), Double::sum);
                e.append(cancelled > 0 ? "," : ":").append(" NOT_DSR +").append(fmt(guard.notDsr()));
            }
            evidence.add(e.toString());
        }

        // 2b. A destructive wish only imagined («если я удалю аккаунт») or asked about as policy
        // («что будет с данными после удаления?») is no request: its matches do not count.
        Rules.Mood mood = rules.mood();
        // Types whose words the mail itself takes back (imagined, asked about as policy, reported as
        // done, «не удаляйте»): the learned fallback must not bring them back.
        Set<RequestType> moodCancelled = EnumSet.noneOf(RequestType.class);
        if (mood != null && !mood.cancels().isEmpty()) {
            Match example = null;
            int cancelled = 0;
            for (int r = 0; r < rules.rules().size(); r++) {
                RequestType type = rules.rules().get(r).type();
                boolean imaginedCancels = mood.cancels().contains(type);
                if (!imaginedCancels && !mood.policyCancels().contains(type)) {
                    continue;
                }
                List<Match> ms = ruleMatches.get(r);
                for (int i = ms.size() - 1; i >= 0; i--) {
                    Match m = ms.get(i);
                    if (imaginedCancels ? imagined(m) : inPolicyQuestion(m)) {
                        example = m;
                        moodCancelled.add(type);
                        ms.remove(i);
                        cancelled++;
                    }
                }
            }
            if (cancelled > 0) {
                StringBuilder e = new StringBuilder("mood: ").append(quote(example))
                        .append(" is imagined or asked about (if / question on the policy), not requested: cancels its matches");
                if (mood.notDsr() > 0) {
                    score.merge(RequestType.NOT_DSR, mood.notDsr(), Double::sum);
                    e.append(", NOT_DSR +").append(fmt(mood.notDsr()));
                }
                evidence.add(e.toString());
            }
        }

        // 2c. «Спасибо, данные исправили», "thanks for deleting my account": a sentence reporting a
        // request already carried out asks for nothing: its matches do not count, for any type.
        if (mood != null) {
            Match example = null;
            int cancelled = 0;
            for (int r = 0; r < rules.rules().size(); r++) {
                if (rules.rules().get(r).type() == RequestType.NOT_DSR) {
                    continue;
                }
                List<Match> ms = ruleMatches.get(r);
                for (int i = ms.size() - 1; i >= 0; i--) {
                    // "Re: account deletion" over a thank-you: the subject only names what was done.
                    if (reported(ms.get(i)) || (ms.get(i).section == subject && anyReported(body))) {
                        example = ms.get(i);
                        moodCancelled.add(rules.rules().get(r).type());
                        ms.remove(i);
                        cancelled++;
                    }
                }
            }
            if (cancelled > 0) {
                StringBuilder e = new StringBuilder("mood: ").append(quote(example))
                        .append(" stands in thanks for a request already carried out: cancels its matches");
                if (mood.notDsr() > 0) {
                    score.merge(RequestType.NOT_DSR, mood.notDsr(), Double::sum);
                    e.append(", NOT_DSR +").append(fmt(mood.notDsr()));
                }
                evidence.add(e.toString());
            }
        }

        // 2d. «Не удаляйте аккаунт, поменяйте почту», "rather than deleting it, freeze it": the sender
        // keeps the data. A subject naming deletion («Удаление аккаунта») is taken back by the body,
        // and ERASURE loses its precedence: the other data request of the mail is meant.
        boolean keep = false;
        if (mood != null) {
            String why = keeps(body, mood);
            if (why != null) {
                keep = true;
                moodCancelled.add(RequestType.ERASURE);
                evidence.add("keep: " + why + ": nothing is to be deleted");
            }
        }

        // 3. Surviving rules add their weight (a subject match counts subjectWeight of it).
        // Weight from statements in the body (not questions) is summed apart for the review of destructive types.
        Map<RequestType, Double> stated = new EnumMap<>(RequestType.class);
        List<String> ruleEvidence = new ArrayList<>();
        for (int r = 0; r < rules.rules().size(); r++) {
            Rules.Rule rule = rules.rules().get(r);
            Match inBody = null;
            Match inSubject = null;
            for (Match m : ruleMatches.get(r)) {
                if (m.section == body && inBody == null) {
                    inBody = m;
                } else if (m.section == subject && inSubject == null) {
                    inSubject = m;
                }
            }
            for (Match m : ruleMatches.get(r)) {
                if (m.section == body && !asked(m)) {
                    stated.merge(rule.type(), rule.weight(), Double::sum);
                    break;
                }
            }
            if (inBody != null) {
                score.merge(rule.type(), rule.weight(), Double::sum);
                ruleEvidence.add(rule.type() + " +" + fmt(rule.weight()) + " " + rule.name() + " " + quote(inBody)
                        + " (line " + rule.line() + ")");
            }
            if (inSubject != null && keep && rule.type() == RequestType.ERASURE) {
                ruleEvidence.add(rule.type() + " (subject) " + quote(inSubject) + " taken back by the body: not counted");
            } else if (inSubject != null) {
                double w = rule.weight() * scoring.subjectWeight();
                score.merge(rule.type(), w, Double::sum);
                ruleEvidence.add(rule.type() + " +" + fmt(w) + " " + rule.name() + " (subject) " + quote(inSubject)
                        + " (line " + rule.line() + ")");
            }
        }
        evidence.addAll(0, ruleEvidence);
        Set<RequestType> fired = java.util.EnumSet.noneOf(RequestType.class);
        for (int r = 0; r < rules.rules().size(); r++) {
            if (!ruleMatches.get(r).isEmpty()) {
                fired.add(rules.rules().get(r).type());
            }
        }
        for (Section s : sections) {
            for (Token t : s.tokens) {
                if (t.negated) {
                    evidence.add("negated «" + t.text + "»" + (s == subject ? " (subject)" : ""));
                }
            }
        }

        // 3b. The sender keeps the data: the other data request of the mail is meant (strengthened).
        if (keep && mood.keepBonus() > 0) {
            RequestType other = null;
            for (Map.Entry<RequestType, Double> e : score.entrySet()) {
                RequestType t = e.getKey();
                if (t != RequestType.NOT_DSR && t != RequestType.ERASURE && e.getValue() >= scoring.minScore()
                        && (other == null || e.getValue() > score.get(other))) {
                    other = t;
                }
            }
            if (other != null) {
                score.merge(other, mood.keepBonus(), Double::sum);
                stated.merge(other, mood.keepBonus(), Double::sum);
                evidence.add("keep: " + other + " +" + fmt(mood.keepBonus()));
            }
        }

        // 4. The winner, then precedence.
        RequestType winner = null;
        double best = 0;
        for (Map.Entry<RequestType, Double> e : score.entrySet()) {
            if (e.getValue() >= scoring.minScore() && e.getValue() > best) {
                winner = e.getKey();
                best = e.getValue();
            }
        }
        // A data request stated in the body and left standing by every guard wins over the
        // ordinary support topics of the same mail (an order, a payment): LABELS.md.
        boolean overTopics = false;
        if (winner == RequestType.NOT_DSR) {
            RequestType request = null;
            for (Map.Entry<RequestType, Double> e : stated.entrySet()) {
                if (e.getKey() != RequestType.NOT_DSR && e.getValue() >= scoring.requestOverTopics()
                        && (request == null || score.get(e.getKey()) > score.get(request))) {
                    request = e.getKey();
                }
            }
            if (request != null) {
                evidence.add("a stated " + request + " request wins over the support topics (NOT_DSR " + fmt(best) + ")");
                overTopics = true;
                winner = request;
                best = score.get(request);
            }
        }
        Set<RequestType> outranked = Set.of();
        if (winner != null) {
            for (Rules.Precedence p : scoring.precedence()) {
                if (keep && p.type() == RequestType.ERASURE) {
                    continue;
                }
                double s = score.getOrDefault(p.type(), 0.0);
                if (s >= p.minScore() && (p.over().contains(winner) || winner == p.type())) {
                    boolean beatsSomeone = score.keySet().stream().anyMatch(t -> p.over().contains(t)
                            && score.get(t) >= scoring.minScore());
                    if (winner != p.type()) {
                        evidence.add("precedence: " + p.type() + " over " + winner);
                    } else if (beatsSomeone) {
                        evidence.add("precedence: " + p.type() + " over the other wishes");
                    }
                    winner = p.type();
                    outranked = p.over();
                    break;
                }
            }
        }

        // The NOT_DSR weight (support topics, guards, mood) and the strongest data request left:
        // what the learned fallback is told about a NOT_DSR result.
        double notDsr = score.getOrDefault(RequestType.NOT_DSR, 0.0);
        RequestType strongestRequest = null;
        for (Map.Entry<RequestType, Double> e : score.entrySet()) {
            if (e.getKey() != RequestType.NOT_DSR && e.getValue() > 0
                    && (strongestRequest == null || e.getValue() > score.get(strongestRequest))) {
                strongestRequest = e.getKey();
            }
        }

        // 5. Confidence: how strong the winner is, discounted by the closest competitor.
        if (winner == null) {
            double strongest = score.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
            double confidence = 0.5 * (1 - Math.min(1, strongest / scoring.minScore()));
            if (strongest == 0) {
                evidence.add("no rule matched: NOT_DSR");
            } else {
                evidence.add("no type reached " + fmt(scoring.minScore()) + ": NOT_DSR");
            }
            boolean review = confidence < scoring.reviewBelow();
            if (review) {
                evidence.add("review: confidence " + fmt(confidence) + " < " + fmt(scoring.reviewBelow()));
            }
            // No support topic either, but the mail names the sender's own data, account or number:
            // probably a request the rules miss. A person looks (NOT_DSR is kept).
            if (!review && mood != null && mood.personal() >= 0) {
                for (Section sec : sections) {
                    Section.Occurrence p = sec.occurrences(mood.personal()).stream().findFirst().orElse(null);
                    if (p != null) {
                        review = true;
                        evidence.add("review: no rule matched, but the mail names «" + sec.tokens[p.start()].text
                                + "»: perhaps a request the rules miss");
                        break;
                    }
                }
            }
            return new Decision(RequestType.NOT_DSR, confidence, review, evidence, fired, true, notDsr, strongestRequest,
                    takenBack(moodCancelled, score, scoring), false);
        }
        double top = score.get(winner);
        double second = 0;
        RequestType runnerUp = null;
        for (Map.Entry<RequestType, Double> e : score.entrySet()) {
            if (e.getKey() != winner && !outranked.contains(e.getKey()) && e.getValue() > second) {
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
            evidence.add("review: confidence " + fmt(confidence) + " < " + fmt(threshold));
        }
        if (runnerUp != null && ratio >= scoring.closeRatio()) {
            review = true;
            evidence.add("review: " + runnerUp + " " + fmt(second) + " close to " + winner + " " + fmt(top));
        } else if (mood != null && winner.isDestructive() && runnerUp != null && !runnerUp.isDestructive()
                && ratio >= mood.closeRatioDestructive()) {
            review = true;
            evidence.add("review: " + runnerUp + " " + fmt(second) + " behind the destructive " + winner + " " + fmt(top));
        }
        if (keep && winner == RequestType.ERASURE) {
            review = true;
            evidence.add("review: ERASURE while the mail also says not to delete");
        }
        if (reviewGuard != null && winner.isDestructive()) {
            review = true;
            evidence.add("review: a destructive type where guard " + reviewGuard + " asks for a person");
        }
        if (mood != null && winner.isDestructive() && stated.getOrDefault(winner, 0.0) < mood.declarativeMin()) {
            review = true;
            confidence = Math.min(confidence, mood.askedConfidenceMax());
            evidence.add("review: " + winner + " stated in the body only " + fmt(stated.getOrDefault(winner, 0.0))
                    + " < " + fmt(mood.declarativeMin()) + " (the rest is a question or the subject)");
        }
        return new Decision(winner, confidence, review, evidence, fired, false, notDsr, strongestRequest,
                takenBack(moodCancelled, score, scoring), overTopics && winner != RequestType.NOT_DSR);
    }

    /** The types the mail took back and no rule match of its own still states. */
    private static Set<RequestType> takenBack(Set<RequestType> cancelled, Map<RequestType, Double> score,
            Rules.Scoring scoring) {
        Set<RequestType> out = EnumSet.noneOf(RequestType.class);
        for (RequestType t : cancelled) {
            if (score.getOrDefault(t, 0.0) < scoring.minScore()) {
                out.add(t);
            }
        }
        return Set.copyOf(out);
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

    private static boolean sharesWords(Match guard, Match rule) {
        if (guard.section != rule.section) {
            return false;
        }
        for (int g = 0; g < guard.starts.length; g++) {
            for (int r = 0; r < rule.starts.length; r++) {
                if (guard.starts[g] <= rule.ends[r] && rule.starts[r] <= guard.ends[g]) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * The guard's clause holds the rule match. A match that shares the guard's verb but names its
     * own object in another clause of the same sentence («удалите отзыв и мои данные») is a second
     * wish and escapes the guard.
     */
    private static boolean sameClause(Match guard, Match rule) {
        if (guard.section != rule.section) {
            return false;
        }
        int clause = guard.clauseOf(0);
        int sentence = guard.section.tokens[guard.starts[0]].sentence;
        boolean inClause = false;
        boolean sharesWords = sharesWords(guard, rule);
        for (int p = 0; p < rule.starts.length; p++) {
            Token t = rule.section.tokens[rule.starts[p]];
            if (t.clause == clause) {
                inClause = true;
            } else if (sharesWords && t.sentence == sentence && !partOfGuard(guard, rule.starts[p], rule.ends[p])) {
                return false;
            }
        }
        return inClause;
    }

    private static boolean partOfGuard(Match guard, int start, int end) {
        for (int g = 0; g < guard.starts.length; g++) {
            if (guard.starts[g] <= end && start <= guard.ends[g]) {
                return true;
            }
        }
        return false;
    }

    /** Some word of the match lies in an imagined case or in a question about the policy. */
    private static boolean imagined(Match m) {
        Section s = m.section;
        if (s.hypothetical == null) {
            return false;
        }
        for (int p = 0; p < m.starts.length; p++) {
            if (s.policy[s.tokens[m.starts[p]].sentence]) {
                return true;
            }
            for (int k = m.starts[p]; k <= m.ends[p]; k++) {
                if (s.hypothetical[k]) {
                    return true;
                }
            }
        }
        return false;
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

    /** Some word of the match lies in a clause of thanks for a request already carried out. */
    private static boolean reported(Match m) {
        boolean[] r = m.section.reported;
        if (r == null) {
            return false;
        }
        for (int p = 0; p < m.starts.length; p++) {
            for (int k = m.starts[p]; k <= m.ends[p]; k++) {
                if (r[k]) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Some word of the match lies in a question about the policy. */
    private static boolean inPolicyQuestion(Match m) {
        return inFlaggedSentence(m, m.section.policy);
    }

    /** Some word of the match lies in a question («Как удалить аккаунт?»). */
    private static boolean asked(Match m) {
        return inFlaggedSentence(m, m.section.question);
    }

    /** Some part of the match starts in a sentence the per-sentence flags mark (null: none marked). */
    private static boolean inFlaggedSentence(Match m, boolean[] sentenceFlags) {
        if (sentenceFlags == null) {
            return false;
        }
        for (int p = 0; p < m.starts.length; p++) {
            if (sentenceFlags[m.section.tokens[m.starts[p]].sentence]) {
                return true;
            }
        }
        return false;
    }

    /** A word of the hit is part of a longer expression of one of {@code concepts} («әкемнің аты»). */
    private static boolean covered(int[] concepts, Match hit) {
        for (int c : concepts) {
            for (Section.Occurrence o : hit.section.occurrences(c)) {
                for (int p = 0; p < hit.starts.length; p++) {
                    if (o.start() <= hit.starts[p] && hit.ends[p] <= o.end() && o.end() > o.start()) {
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
            } else if (inClauseUncovered(hit.section, c, hit.clauseOf(0), guard.except())) {
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

    /** How far apart the parts of a pattern may be. */
    private enum Scope { CLAUSE, SENTENCE, SECTION }

    /** The matched words are all the words of their sentence («СТОП.», "Unsubscribe"). */
    private static boolean alone(Match m) {
        int sentence = m.section.tokens[m.starts[0]].sentence;
        int words = 0;
        for (Token t : m.section.tokens) {
            if (t.sentence == sentence && !t.punctuation) {
                words++;
            }
        }
        int matched = 0;
        for (int i = 0; i < m.starts.length; i++) {
            matched += m.ends[i] - m.starts[i] + 1;
        }
        return words == matched;
    }

    /**
     * Finds the places where all parts occur within {@code scope} and {@code window} tokens,
     * each on its own tokens.
     */
    private static void find(List<Rules.Part> parts, Section s, int window, Scope scope, List<Match> out,
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
        if (out.size() >= 64) {
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

    private static String quote(Match m) {
        int min = Integer.MAX_VALUE;
        int max = -1;
        for (int i = 0; i < m.starts.length; i++) {
            min = Math.min(min, m.starts[i]);
            max = Math.max(max, m.ends[i]);
        }
        StringBuilder b = new StringBuilder("«");
        int[] order = java.util.stream.IntStream.range(0, m.starts.length).boxed()
                .sorted(java.util.Comparator.comparingInt(i -> m.starts[i])).mapToInt(Integer::intValue).toArray();
        int last = -2;
        for (int i : order) {
            if (last >= 0) {
                b.append(m.starts[i] == last + 1 ? " " : " … ");
            }
            b.append(m.section.words(m.starts[i], m.ends[i]));
            last = m.ends[i];
        }
        return b.append('»').toString();
    }

    static String fmt(double d) {
        return String.format(Locale.ROOT, "%.2f", d).replaceAll("\\.?0+$", "");
    }
}
