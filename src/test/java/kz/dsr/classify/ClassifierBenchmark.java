package kz.dsr.classify;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Single-threaded throughput on prepared text (subject + new text, no MIME parsing): the
 * dev and held-out messages, classified over and over for a few seconds after a warm-up. The
 * baseline is the cheapest possible pass over the same texts — lower-casing and splitting into
 * words — so the ratio says what the rules cost on this machine.
 *
 * <p>Not part of {@code mvn test}; run with
 * {@code mvn -o test -Dsurefire.excludedGroups= -Dtest=ClassifierBenchmark}.
 */
@Tag("benchmark")
class ClassifierBenchmark {

    private static final double SECONDS = 5;

    @Test
    void throughput() {
        List<Corpus.Labelled> mails = new ArrayList<>(Corpus.tsv("dev.tsv"));
        mails.addAll(Corpus.tsv("heldout.tsv"));
        Classifier classifier = Classifier.fromFile(Corpus.RULES);

        long sink = 0;
        for (int i = 0; i < 20; i++) { // warm-up: JIT, stemmers, thread-locals
            sink += classifyAll(classifier, mails);
            sink += tokenizeAll(mails);
        }
        double[] classify = measure(() -> classifyAll(classifier, mails), mails.size());
        double[] baseline = measure(() -> tokenizeAll(mails), mails.size());

        double rate = classify[0] / classify[1];
        double baseRate = baseline[0] / baseline[1];
        System.out.printf(Locale.ROOT, "%n%-36s %10s %9s %12s%n", "single thread, prepared text", "mails", "seconds", "mails/s");
        System.out.printf(Locale.ROOT, "%-36s %10.0f %9.2f %12.0f%n", "Classifier.classify", classify[0], classify[1], rate);
        System.out.printf(Locale.ROOT, "%-36s %10.0f %9.2f %12.0f%n", "baseline: lower-case + tokenise", baseline[0], baseline[1], baseRate);
        System.out.printf(Locale.ROOT, "classify costs %.1f× the baseline (%d distinct mails, sink %d)%n",
                baseRate / rate, mails.size(), sink % 10);
        assertTrue(rate >= 2000, "at least 2,000 mails/s, got " + rate);
    }

    private interface Pass {
        long run();
    }

    /** {mails done, seconds} for repeated passes over all texts for about {@link #SECONDS}. */
    private static double[] measure(Pass pass, int perPass) {
        long start = System.nanoTime();
        long done = 0;
        long sink = 0;
        while (System.nanoTime() - start < SECONDS * 1e9) {
            sink += pass.run();
            done += perPass;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (sink == 42) {
            System.out.print("");
        }
        return new double[] {done, seconds};
    }

    private static long classifyAll(Classifier classifier, List<Corpus.Labelled> mails) {
        long sink = 0;
        for (Corpus.Labelled m : mails) {
            sink += classifier.classify(m.subject(), m.body()).evidence().size();
        }
        return sink;
    }

    /** Lower-case and split into words: the least any classifier must do with the text. */
    private static long tokenizeAll(List<Corpus.Labelled> mails) {
        long sink = 0;
        for (Corpus.Labelled m : mails) {
            for (String text : new String[] {m.subject(), m.body()}) {
                String lower = text.toLowerCase(Locale.ROOT);
                int words = 0;
                boolean inWord = false;
                for (int i = 0; i < lower.length(); i++) {
                    boolean letter = Character.isLetterOrDigit(lower.charAt(i));
                    if (letter && !inWord) {
                        words++;
                    }
                    inWord = letter;
                }
                sink += words;
            }
        }
        return sink;
    }
}
