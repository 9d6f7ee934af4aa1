package kz.dsr.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import kz.dsr.request.RequestType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Accuracy on the labelled sets, with the safety rule: a mail labelled NOT_DSR, ACCESS,
 * MARKETING_OPT_OUT or CONSENT_WITHDRAWAL must never be typed ERASURE, RECTIFICATION or
 * BLOCKING without review. Prints precision and recall per type.
 */
class ClassifierAccuracyTest {

    /** Labels whose mails must never be acted on destructively without an operator. */
    private static final Set<String> NON_DESTRUCTIVE_LABELS =
            Set.of("NOT_DSR", "ACCESS", "MARKETING_OPT_OUT", "CONSENT_WITHDRAWAL");

    private static Classifier classifier;

    @BeforeAll
    static void load() {
        classifier = Classifier.fromFile(Corpus.RULES);
    }

    /** The shared dev corpus as real .eml files, read by the intake parser. */
    @Test
    void devMailFiles() {
        Result r = evaluate("dev (.eml via MailParser)", Corpus.devMail());
        assertEquals(0, r.destructiveWithoutReview, "destructive types without review: " + r.destructiveMistakes);
        assertTrue(r.accuracy() >= 0.97, "dev accuracy " + r.accuracy() + " < 0.97; wrong: " + r.mistakes);
    }

    /** The dev corpus as text (dev.tsv: subject + whole body, signatures included). */
    @Test
    void devText() {
        Result r = evaluate("dev (dev.tsv text)", Corpus.tsv("dev.tsv"));
        assertEquals(0, r.destructiveWithoutReview, "destructive types without review: " + r.destructiveMistakes);
        assertTrue(r.accuracy() >= 0.97, "dev accuracy " + r.accuracy() + " < 0.97; wrong: " + r.mistakes);
    }

    /** Messages written for this test, in other words than dev (see heldout.tsv). */
    @Test
    void heldOut() {
        Result r = evaluate("held-out (heldout.tsv)", Corpus.tsv("heldout.tsv"));
        assertTrue(r.total >= 140, "the held-out set needs at least 140 messages");
        assertEquals(0, r.destructiveWithoutReview, "destructive types without review: " + r.destructiveMistakes);
        assertTrue(r.accuracy() >= 0.95, "held-out accuracy " + r.accuracy() + " < 0.95; wrong: " + r.mistakes);
    }

    /** A second held-out set written later, weighted to questions, conditionals, third parties and compound mails. */
    @Test
    void heldOut2() {
        Result r = evaluate("held-out 2 (heldout2.tsv)", Corpus.tsv("heldout2.tsv"));
        assertTrue(r.total >= 200, "the second held-out set needs at least 200 messages");
        assertEquals(0, r.destructiveWithoutReview, "destructive types without review: " + r.destructiveMistakes);
        assertTrue(r.accuracy() >= 0.95, "held-out 2 accuracy " + r.accuracy() + " < 0.95; wrong: " + r.mistakes);
    }

    /**
     * A third held-out set, written after a blind set showed the weak classes: access, rectification,
     * consent withdrawal and opt-out in other words, blocking against withdrawal, a later or maybe
     * deletion beside another wish, translit. First run before its fixes: 66/72 (91.7%) on k001–k072;
     * k1xx–k6xx were probes written later, added after their fixes as regressions.
     */
    @Test
    void heldOut3() {
        Result r = evaluate("held-out 3 (heldout3.tsv)", Corpus.tsv("heldout3.tsv"));
        assertTrue(r.total >= 60, "the third held-out set needs at least 60 messages");
        assertEquals(0, r.destructiveWithoutReview, "destructive types without review: " + r.destructiveMistakes);
        assertTrue(r.accuracy() >= 0.95, "held-out 3 accuracy " + r.accuracy() + " < 0.95; wrong: " + r.mistakes);
    }

    /**
     * Sets by writers who saw only the labelling guide (docs/classifier.md) and nothing of this
     * classifier, 400 mails each. Each was first measured once, blind; its misses then taught the rules
     * and the model, so here it is a regression floor: at least 95% and no destructive type without
     * review. Quoted lines ("> ...") are dropped as the mail parser drops them.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"blind5.tsv", "blind6.tsv", "blind7.tsv", "blind8.tsv", "blind9.tsv", "blind10.tsv", "blind11.tsv",
        "blind12.tsv", "blind13.tsv", "blind14.tsv", "blind15.tsv", "blind16.tsv", "blind17.tsv", "blind18.tsv"})
    void blindWritersTunedOn(String tsv) {
        List<Corpus.Labelled> rows = withoutQuotedLines(tsv);
        Result r = evaluate(tsv + " (a blind writer, tuned on)", rows);
        assertTrue(r.total >= 400, tsv + " has 400 messages");
        assertEquals(0, r.destructiveWithoutReview, "destructive types without review: " + r.destructiveMistakes);
        assertTrue(r.accuracy() >= 0.95, tsv + " accuracy " + r.accuracy() + " < 0.95; wrong: " + r.mistakes);
    }

    /** A blind set as the pipeline reads its mail: quoted lines ("> ...") dropped, as the mail parser drops them. */
    private static List<Corpus.Labelled> withoutQuotedLines(String tsv) {
        return Corpus.tsv(tsv).stream()
                .map(l -> new Corpus.Labelled(l.id(), l.type(), l.lang(), l.subject(),
                        String.join("\n", l.body().lines().filter(x -> !x.stripLeading().startsWith(">")).toList())))
                .toList();
    }

    private static final class Result {
        int total;
        int correct;
        int destructiveWithoutReview;
        int languageCorrect;
        final List<String> mistakes = new ArrayList<>();
        final List<String> destructiveMistakes = new ArrayList<>();

        double accuracy() {
            return total == 0 ? 0 : (double) correct / total;
        }
    }

    private static Result evaluate(String name, List<Corpus.Labelled> rows) {
        Result r = new Result();
        RequestType[] types = {RequestType.ERASURE, RequestType.ACCESS, RequestType.RECTIFICATION,
            RequestType.BLOCKING, RequestType.CONSENT_WITHDRAWAL, RequestType.MARKETING_OPT_OUT, RequestType.NOT_DSR};
        int[] tp = new int[types.length];
        int[] predicted = new int[types.length];
        int[] actual = new int[types.length];
        int reviewed = 0;
        for (Corpus.Labelled row : rows) {
            Classification c = classifier.classify(row.subject(), row.body());
            r.total++;
            int want = RequestType.valueOf(row.type()).ordinal();
            int got = c.type().ordinal();
            for (int i = 0; i < types.length; i++) {
                if (types[i].ordinal() == want) {
                    actual[i]++;
                }
                if (types[i].ordinal() == got) {
                    predicted[i]++;
                    if (got == want) {
                        tp[i]++;
                    }
                }
            }
            if (c.review()) {
                reviewed++;
            }
            if (c.type().name().equals(row.type())) {
                r.correct++;
            } else {
                r.mistakes.add(row.id() + " " + row.type() + "→" + c.type());
                if (NON_DESTRUCTIVE_LABELS.contains(row.type()) && c.type().isDestructive() && !c.review()) {
                    r.destructiveWithoutReview++;
                    r.destructiveMistakes.add(row.id() + " " + row.type() + "→" + c.type());
                }
            }
            boolean languageOk = row.lang().equals("translit")
                    ? (Set.of("ru", "kk").contains(c.language()) && c.evidence().stream().anyMatch(e -> e.contains("translit")))
                    : row.lang().equals(c.language());
            if (languageOk) {
                r.languageCorrect++;
            }
        }
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%n== %s: %d messages, accuracy %.1f%% (%d wrong), "
                        + "destructive without review %d, language %.1f%%, review flagged %d%n",
                name, r.total, 100 * r.accuracy(), r.total - r.correct, r.destructiveWithoutReview,
                100.0 * r.languageCorrect / r.total, reviewed));
        out.append(String.format(Locale.ROOT, "%-20s %8s %9s %7s %9s%n", "type", "labelled", "predicted", "recall", "precision"));
        for (int i = 0; i < types.length; i++) {
            out.append(String.format(Locale.ROOT, "%-20s %8d %9d %6.1f%% %8.1f%%%n", types[i], actual[i], predicted[i],
                    actual[i] == 0 ? 100.0 : 100.0 * tp[i] / actual[i],
                    predicted[i] == 0 ? 100.0 : 100.0 * tp[i] / predicted[i]));
        }
        if (!r.mistakes.isEmpty()) {
            out.append("wrong: ").append(r.mistakes).append('\n');
        }
        System.out.print(out);
        assertTrue(r.languageCorrect >= 0.95 * r.total, name + ": language right for only " + r.languageCorrect);
        return r;
    }
}
