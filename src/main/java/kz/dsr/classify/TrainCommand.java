package kz.dsr.classify;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import kz.dsr.request.RequestType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code classifier-train --out config/classifier-model.tsv TSV...}: trains the classifier's learned
 * fallback ({@link Model}) on labelled mail and writes it as a TSV file. The same files and rules
 * give the same model, byte for byte.
 */
@Command(name = "classifier-train", mixinStandardHelpOptions = true,
        description = {"Train the classifier's learned fallback on labelled mail and write the model file.",
            "Each TSV has a header row and the columns id, type, lang, subject, body (\\n for line breaks), "
                + "as src/test/resources/classify/*.tsv; type is one of ERASURE, ACCESS, RECTIFICATION, BLOCKING, "
                + "CONSENT_WITHDRAWAL, MARKETING_OPT_OUT, NOT_DSR."})
public final class TrainCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "TSV", description = "labelled mail")
    List<Path> tsv = new ArrayList<>();

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "the model file to write, e.g. config/classifier-model.tsv")
    Path out;

    @Option(names = "--rules", paramLabel = "PATH", defaultValue = "config/classifier.yaml",
            description = "classifier rules whose analysis (stems, concepts, negation) gives the features (default: ${DEFAULT-VALUE})")
    Path rules;

    @Option(names = "--epochs", defaultValue = "30", description = "passes over the data (default: ${DEFAULT-VALUE})")
    int epochs;

    /** One labelled mail of a TSV file. */
    record Labelled(String id, RequestType type, String subject, String body) {
    }

    @Override
    public Integer call() {
        Rules r;
        try {
            r = RulesLoader.load(rules);
        } catch (IllegalArgumentException e) {
            System.err.println("classifier-train: " + e.getMessage());
            return 2;
        }
        List<String> header = new ArrayList<>();
        List<Labelled> all = new ArrayList<>();
        StringBuilder from = new StringBuilder("built by classifier-train --rules " + rules.getFileName() + " from");
        try {
            for (Path p : tsv) {
                List<Labelled> rows = read(p);
                all.addAll(rows);
                from.append(' ').append(p.getFileName()).append(" (").append(rows.size()).append(')');
            }
        } catch (IllegalArgumentException e) {
            System.err.println("classifier-train: " + e.getMessage());
            return 2;
        }
        header.add(from.toString());
        Map<RequestType, Integer> counts = new EnumMap<>(RequestType.class);
        all.forEach(l -> counts.merge(l.type(), 1, Integer::sum));
        header.add("labels: " + counts);
        Model.Settings s = Model.Settings.DEFAULT;
        Model model = train(r, all, new Model.Settings(epochs, s.learningRate(), s.l2(), s.minCount(), s.keepAbove(), s.seed()),
                header);
        model.write(out);
        System.err.println("classifier-train: " + all.size() + " mails, " + model.features() + " features written to " + out);
        return 0;
    }

    /** Trains a model on labelled mail with the analysis of {@code rules}. */
    static Model train(Rules rules, List<Labelled> mails, Model.Settings settings, List<String> header) {
        List<List<String>> features = new ArrayList<>(mails.size());
        List<RequestType> labels = new ArrayList<>(mails.size());
        for (Labelled m : mails) {
            features.add(Classifier.features(rules, m.subject(), m.body()));
            labels.add(m.type());
        }
        return Model.train(features, labels, settings, header);
    }

    /**
     * Rows of a labelled TSV file (header row; id, type, lang, subject, body; {@code \n} for line breaks).
     *
     * @throws IllegalArgumentException naming the file and line of a bad row
     */
    static List<Labelled> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read: " + e, e);
        }
        List<Labelled> out = new ArrayList<>();
        for (int n = 1; n < lines.size(); n++) {
            String line = lines.get(n);
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split("\t", -1);
            if (f.length < 5) {
                throw new IllegalArgumentException(file + ":" + (n + 1) + ": expected id, type, lang, subject, body separated by tabs");
            }
            RequestType type;
            try {
                type = RequestType.valueOf(f[1].trim());
                Model.index(type);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ":" + (n + 1) + ": unknown type '" + f[1] + "'");
            }
            out.add(new Labelled(f[0], type, f[3], f[4].replace("\\n", "\n")));
        }
        return out;
    }
}
