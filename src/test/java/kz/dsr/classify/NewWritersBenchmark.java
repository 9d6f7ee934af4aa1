package kz.dsr.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import kz.dsr.request.RequestType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The measure that decides how the classifier will read people it has never read: leave one writer
 * out over the newest writers. For each held-out writer a model is trained in memory on every other
 * labelled set (the older sets and the other new writers), and the whole classifier
 * (config/classifier.yaml + that model) is measured on the held-out writer the way the pipeline reads
 * mail (quoted lines dropped): accuracy, destructive types without review on non-destructive mail,
 * data requests typed NOT_DSR without review (they would go to the support folder unanswered), and
 * the review rate. Prints a table (also target/new-writers.md).
 *
 * <p>Not part of {@code mvn test}; run with
 * {@code mvn -o -q test -Pbenchmark -Dtest=NewWritersBenchmark}. {@code -Dnw.heldOut=a,b} names
 * other held-out sets (TSV names without .tsv); {@code -Dnw.KEY=value} overrides a {@code model}
 * setting of classifier.yaml for the measurement (e.g. {@code -Dnw.requestReview=0.5}).
 */
@Tag("benchmark")
class NewWritersBenchmark {

    /** The newest writers, who saw only the labelling guide: the sets that decide. */
    static final List<String> NEW_WRITERS = List.of("train-writer-e", "train-writer-f", "train-writer-g", "train-writer-h",
            "train-writer-i", "train-writer-j", "train-writer-k", "train-writer-l", "train-writer-m", "train-writer-n",
            "train-writer-o", "train-writer-p", "judged-real-inbox", "judged-near-miss");

    private static final Set<RequestType> NON_DESTRUCTIVE = Set.of(RequestType.NOT_DSR, RequestType.ACCESS,
            RequestType.MARKETING_OPT_OUT, RequestType.CONSENT_WITHDRAWAL);

    /** One held-out writer's figures. */
    record Figures(String writer, int mails, int correct, int destructiveWithoutReview, int requests,
            int requestsDroppedWithoutReview, int reviewed, int modelAloneCorrect) {
    }

    @Test
    void leaveOneNewWriterOut() throws Exception {
        List<Figures> rows = measure();
        String table = table(rows);
        System.out.println("\nLeave one new writer out:\n" + table);
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target/new-writers.md"), table, StandardCharsets.UTF_8);
        assertEquals(0, rows.stream().mapToInt(Figures::destructiveWithoutReview).sum(),
                "destructive types without review on non-destructive mail");
    }

    static List<Figures> measure() {
        List<String> heldOut = System.getProperty("nw.heldOut") == null ? NEW_WRITERS
                : List.of(System.getProperty("nw.heldOut").split(","));
        Path rulesFile = Path.of(System.getProperty("nw.rules", Corpus.RULES.toString()));
        Rules rules = withOverrides(RulesLoader.load(rulesFile));
        List<String> all = new ArrayList<>();
        try (var files = Files.list(Corpus.DIR)) {
            files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".tsv")).sorted()
                    .forEach(n -> all.add(n.substring(0, n.length() - 4)));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        List<Figures> out = new ArrayList<>();
        boolean show = System.getenv("NW_SHOW") != null;
        for (String writer : heldOut) {
            List<TrainCommand.Labelled> train = new ArrayList<>();
            for (String set : all) {
                if (!heldOut.contains(set) || (!set.equals(writer) && !Boolean.getBoolean("nw.othersUnseen"))) {
                    train.addAll(TrainCommand.read(Corpus.DIR.resolve(set + ".tsv")));
                }
            }
            Model model = TrainCommand.train(rules, train, Model.Settings.DEFAULT, List.of("without " + writer));
            Classifier c = Classifier.withRules(rulesFile, rules, model);
            int correct = 0, destructive = 0, requests = 0, dropped = 0, reviewed = 0, alone = 0;
            List<TrainCommand.Labelled> rows = TrainCommand.read(Corpus.DIR.resolve(writer + ".tsv"));
            for (TrainCommand.Labelled row : rows) {
                String body = String.join("\n", row.body().lines().filter(x -> !x.stripLeading().startsWith(">")).toList());
                Classification got = c.classify(row.subject(), body);
                if (model.predict(Classifier.features(rules, row.subject(), body)).type() == row.type()) {
                    alone++;
                }
                reviewed += got.review() ? 1 : 0;
                if (got.review() && System.getenv("NW_REASONS") != null) {
                    got.evidence().stream().filter(e -> e.startsWith("review:"))
                            .forEach(e -> System.out.println("REASON " + (got.type() == row.type() ? "ok " : "bad ")
                                    + e.replaceAll("[0-9.]+|«.*»|\\(.*", "#").substring(0, Math.min(60, e.replaceAll("[0-9.]+|«.*»|\\(.*", "#").length()))));
                }
                if (row.type() != RequestType.NOT_DSR) {
                    requests++;
                    if (got.type() == RequestType.NOT_DSR && !got.review()) {
                        dropped++;
                    }
                }
                if (got.type() == row.type()) {
                    correct++;
                    continue;
                }
                if (NON_DESTRUCTIVE.contains(row.type()) && got.type().isDestructive() && !got.review()) {
                    destructive++;
                }
                if (show) {
                    System.out.println(writer + " " + row.id() + " " + row.type() + " -> " + got.type() + " " + got.confidence()
                            + (got.review() ? " (review)" : "") + " | " + row.subject() + " | " + body.replace('\n', ' ')
                            + "\n      " + String.join("\n      ", got.evidence()));
                }
            }
            out.add(new Figures(writer, rows.size(), correct, destructive, requests, dropped, reviewed, alone));
        }
        return out;
    }

    static String table(List<Figures> rows) {
        StringBuilder out = new StringBuilder();
        out.append("| held-out writer | mails | correct | destructive w/o review | requests NOT_DSR w/o review | review | model alone |\n");
        out.append("|---|---:|---:|---:|---:|---:|---:|\n");
        Figures sum = new Figures("all", 0, 0, 0, 0, 0, 0, 0);
        for (Figures f : rows) {
            line(out, f);
            sum = new Figures("all", sum.mails() + f.mails(), sum.correct() + f.correct(),
                    sum.destructiveWithoutReview() + f.destructiveWithoutReview(), sum.requests() + f.requests(),
                    sum.requestsDroppedWithoutReview() + f.requestsDroppedWithoutReview(), sum.reviewed() + f.reviewed(),
                    sum.modelAloneCorrect() + f.modelAloneCorrect());
        }
        line(out, sum);
        return out.toString();
    }

    private static void line(StringBuilder out, Figures f) {
        out.append(String.format(Locale.ROOT, "| %s | %d | %.1f%% | %d | %d of %d (%.1f%%) | %.1f%% | %.1f%% |%n", f.writer(), f.mails(),
                100.0 * f.correct() / f.mails(), f.destructiveWithoutReview(), f.requestsDroppedWithoutReview(), f.requests(),
                100.0 * f.requestsDroppedWithoutReview() / Math.max(1, f.requests()), 100.0 * f.reviewed() / f.mails(),
                100.0 * f.modelAloneCorrect() / f.mails()));
    }

    /** The rules with {@code -Dnw.KEY=value} model settings in place of the file's. */
    private static Rules withOverrides(Rules r) {
        Rules.ModelSettings m = r.model();
        Rules.ModelSettings o = new Rules.ModelSettings(m.file(), d("reviewBelow", m.reviewBelow()),
                d("overruleConfident", m.overruleConfident()), d("overruleSure", m.overruleSure()),
                d("confirmDestructive", m.confirmDestructive()),
                d("confirmDoubted", m.confirmDoubted()), d("requestReview", m.requestReview()));
        return new Rules(r.source(), r.reloadCheckSeconds(), r.scoring(), r.text(), r.negation(), r.kazakh(), r.language(),
                r.vocabulary(), r.rules(), r.guards(), r.identifiers(), r.mood(), o);
    }

    private static double d(String key, double dflt) {
        String v = System.getProperty("nw." + key);
        return v == null ? dflt : Double.parseDouble(v);
    }

    public static void main(String[] args) {
        System.out.println(table(measure()));
    }
}
