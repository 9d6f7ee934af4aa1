package kz.dsr.classify;

import java.util.Map;
import java.util.Set;
import kz.dsr.request.RequestType;

/**
 * Which type wins on the scores: the strongest that reaches the minimum, a data request stated in the
 * body over mere support topics, then precedence (ERASURE over the other wishes).
 *
 * @param type       the winner; null when no type reached the minimum score
 * @param outranked  the types precedence put below the winner: no competitors for its confidence
 * @param overTopics a request stated in the body won over the support topics around it
 */
record Winner(RequestType type, Set<RequestType> outranked, boolean overTopics) {

    static Winner of(Tally t) {
        RequestType strongest = strongest(t);
        RequestType request = strongest == RequestType.NOT_DSR ? requestOverTopics(t) : null;
        RequestType winner = request != null ? request : strongest;
        if (winner == null) {
            return new Winner(null, Set.of(), false);
        }
        return withPrecedence(winner, request != null, t);
    }

    /** The highest score that reaches the minimum (the first of equals); null when none does. */
    private static RequestType strongest(Tally t) {
        RequestType winner = null;
        double best = 0;
        for (Map.Entry<RequestType, Double> e : t.score.entrySet()) {
            if (e.getValue() >= t.scoring().minScore() && e.getValue() > best) {
                winner = e.getKey();
                best = e.getValue();
            }
        }
        return winner;
    }

    /**
     * A data request stated in the body and left standing by every guard wins over the ordinary support
     * topics of the same mail (an order, a payment): the labelling guide (docs/classifier.md). Null when there is none.
     */
    private static RequestType requestOverTopics(Tally t) {
        RequestType request = null;
        for (Map.Entry<RequestType, Double> e : t.stated.entrySet()) {
            if (e.getKey() != RequestType.NOT_DSR && e.getValue() >= t.scoring().requestOverTopics()
                    && (request == null || t.score.get(e.getKey()) > t.score.get(request))) {
                request = e.getKey();
            }
        }
        if (request != null) {
            t.evidence.add("a stated " + request + " request wins over the support topics (NOT_DSR "
                    + Scorer.fmt(t.score.get(RequestType.NOT_DSR)) + ")");
        }
        return request;
    }

    /** The first precedence that applies: its type wins over the ones it names. */
    private static Winner withPrecedence(RequestType winner, boolean overTopics, Tally t) {
        Map<RequestType, Double> score = t.score;
        for (Rules.Precedence p : t.scoring().precedence()) {
            if (t.keep && p.type() == RequestType.ERASURE) {
                continue;
            }
            double s = score.getOrDefault(p.type(), 0.0);
            if (s >= p.minScore() && (p.over().contains(winner) || winner == p.type())) {
                boolean beatsSomeone = score.keySet().stream().anyMatch(type -> p.over().contains(type)
                        && score.get(type) >= t.scoring().minScore());
                if (winner != p.type()) {
                    t.evidence.add("precedence: " + p.type() + " over " + winner);
                } else if (beatsSomeone) {
                    t.evidence.add("precedence: " + p.type() + " over the other wishes");
                }
                return new Winner(p.type(), p.over(), overTopics);
            }
        }
        return new Winner(winner, Set.of(), overTopics);
    }
}
