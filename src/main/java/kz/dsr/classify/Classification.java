package kz.dsr.classify;

import java.util.List;
import kz.dsr.request.RequestType;

/**
 * What the classifier made of one mail.
 *
 * @param type        the request type (docs/classifier.md); UNKNOWN only when the
 *                    classifier itself failed
 * @param language    {@code ru}, {@code kk} or {@code en}; Russian or Kazakh written in Latin
 *                    letters is reported as {@code ru} / {@code kk} with a "translit" evidence line
 * @param confidence  0..1, rounded to two decimals
 * @param review      true when an operator must confirm the type before anything is done
 * @param identifiers identifiers found in the subject and new text
 * @param evidence    the rules, guards and decisions that produced the type, for operators
 * @param topTwo      the model's two likeliest types with their probabilities («ERASURE 0.81, ACCESS 0.12»),
 *                    what an operator weighs a review by; "" when no model was asked
 */
public record Classification(RequestType type, String language, double confidence, boolean review,
        Identifiers identifiers, List<String> evidence, String topTwo) {

    public Classification {
        evidence = evidence == null ? List.of() : List.copyOf(evidence);
        identifiers = identifiers == null ? Identifiers.none() : identifiers;
        topTwo = topTwo == null ? "" : topTwo;
    }

    public Classification(RequestType type, String language, double confidence, boolean review,
            Identifiers identifiers, List<String> evidence) {
        this(type, language, confidence, review, identifiers, evidence, "");
    }
}
