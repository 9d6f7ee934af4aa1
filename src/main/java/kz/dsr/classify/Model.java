package kz.dsr.classify;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import kz.dsr.request.RequestType;

/**
 * The learned fallback of the classifier: a multinomial logistic regression over the mail's
 * {@link ModelFeatures}. A type's score is its bias plus the sum of its weights of the mail's
 * features divided by √(number of distinct features of the mail); the probabilities are the
 * softmax of the scores.
 *
 * <p>It is data: a TSV file (config/classifier-model.tsv) written by {@code classifier-train},
 * with a header comment saying how it was built, a {@code type} row naming the columns, a
 * {@code _bias} row and one row per feature with one weight per type. Immutable; thread-safe.
 */
final class Model {

    /** The model's answer for one mail. */
    record Prediction(RequestType type, double probability, double[] probabilities, List<String> topFeatures) {
    }

    /** How a model is trained (written into the file's header). */
    record Settings(int epochs, double learningRate, double l2, int minCount, double keepAbove, long seed) {
        static final Settings DEFAULT = new Settings(30, 1.0, 1e-3, 2, 0.01, 20240601L);
    }

    /** The columns of the model file, in file order. */
    static final RequestType[] TYPES = {RequestType.ERASURE, RequestType.ACCESS, RequestType.RECTIFICATION,
        RequestType.BLOCKING, RequestType.CONSENT_WITHDRAWAL, RequestType.MARKETING_OPT_OUT, RequestType.NOT_DSR};

    private final List<String> header;
    private final double[] bias;
    private final Map<String, double[]> weights;

    Model(List<String> header, double[] bias, Map<String, double[]> weights) {
        this.header = List.copyOf(header);
        this.bias = bias.clone();
        this.weights = Map.copyOf(weights);
    }

    int features() {
        return weights.size();
    }

    List<String> header() {
        return header;
    }

    /** The type the model gives the features, its probability and the features that pushed it most. */
    Prediction predict(List<String> features) {
        int k = TYPES.length;
        double[] score = bias.clone();
        double norm = features.isEmpty() ? 1 : 1 / Math.sqrt(features.size());
        List<double[]> known = new ArrayList<>();
        List<String> knownNames = new ArrayList<>();
        for (String f : features) {
            double[] w = weights.get(f);
            if (w != null) {
                for (int t = 0; t < k; t++) {
                    score[t] += w[t] * norm;
                }
                known.add(w);
                knownNames.add(f);
            }
        }
        double[] p = softmax(score);
        int best = 0;
        for (int t = 1; t < k; t++) {
            if (p[t] > p[best]) {
                best = t;
            }
        }
        int b = best;
        Integer[] order = new Integer[known.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -known.get(i)[b]).thenComparing(knownNames::get));
        List<String> top = new ArrayList<>();
        for (int i = 0; i < order.length && top.size() < 5; i++) {
            if (known.get(order[i])[b] > 0) {
                top.add(knownNames.get(order[i]));
            }
        }
        return new Prediction(TYPES[best], p[best], p, List.copyOf(top));
    }

    private static double[] softmax(double[] score) {
        double max = Double.NEGATIVE_INFINITY;
        for (double s : score) {
            max = Math.max(max, s);
        }
        double sum = 0;
        double[] p = new double[score.length];
        for (int t = 0; t < score.length; t++) {
            p[t] = Math.exp(score[t] - max);
            sum += p[t];
        }
        for (int t = 0; t < score.length; t++) {
            p[t] /= sum;
        }
        return p;
    }

    static int index(RequestType type) {
        for (int t = 0; t < TYPES.length; t++) {
            if (TYPES[t] == type) {
                return t;
            }
        }
        throw new IllegalArgumentException("no model column for " + type);
    }

    // ---- training ----

    /**
     * Trains on labelled feature sets: stochastic gradient descent on the cross-entropy with L2,
     * the mails visited in an order shuffled with a fixed seed, so the same data gives the same
     * model. Features seen in fewer than {@code minCount} mails are left out; weights are rounded
     * to 4 decimals and features whose weights all stay below {@code keepAbove} are dropped.
     */
    static Model train(List<List<String>> mails, List<RequestType> labels, Settings s, List<String> header) {
        int k = TYPES.length;
        Map<String, Integer> df = new TreeMap<>();
        for (List<String> m : mails) {
            for (String f : m) {
                df.merge(f, 1, Integer::sum);
            }
        }
        Map<String, Integer> id = new HashMap<>();
        List<String> names = new ArrayList<>();
        for (Map.Entry<String, Integer> e : df.entrySet()) {
            if (e.getValue() >= s.minCount()) {
                id.put(e.getKey(), names.size());
                names.add(e.getKey());
            }
        }
        int[][] x = new int[mails.size()][];
        double[] norm = new double[mails.size()];
        int[] y = new int[mails.size()];
        for (int i = 0; i < mails.size(); i++) {
            List<String> m = mails.get(i);
            x[i] = m.stream().filter(id::containsKey).mapToInt(id::get).sorted().distinct().toArray();
            norm[i] = m.isEmpty() ? 1 : 1 / Math.sqrt(m.size());
            y[i] = index(labels.get(i));
        }
        double[][] w = new double[names.size()][k];
        double[] b = new double[k];
        Random random = new Random(s.seed());
        Integer[] order = new Integer[mails.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        double[] score = new double[k];
        for (int epoch = 0; epoch < s.epochs(); epoch++) {
            List<Integer> shuffled = new ArrayList<>(Arrays.asList(order));
            java.util.Collections.shuffle(shuffled, random);
            double lr = s.learningRate() / (1 + 0.1 * epoch);
            for (int i : shuffled) {
                System.arraycopy(b, 0, score, 0, k);
                for (int f : x[i]) {
                    for (int t = 0; t < k; t++) {
                        score[t] += w[f][t] * norm[i];
                    }
                }
                double[] p = softmax(score);
                for (int t = 0; t < k; t++) {
                    double g = p[t] - (t == y[i] ? 1 : 0);
                    b[t] -= lr * g;
                    for (int f : x[i]) {
                        w[f][t] -= lr * (g * norm[i] + s.l2() * w[f][t]);
                    }
                }
            }
        }
        Map<String, double[]> kept = new HashMap<>();
        for (int f = 0; f < names.size(); f++) {
            double[] r = new double[k];
            double max = 0;
            for (int t = 0; t < k; t++) {
                r[t] = round(w[f][t]);
                max = Math.max(max, Math.abs(r[t]));
            }
            if (max >= s.keepAbove()) {
                kept.put(names.get(f), r);
            }
        }
        double[] rb = new double[k];
        for (int t = 0; t < k; t++) {
            rb[t] = round(b[t]);
        }
        List<String> h = new ArrayList<>(header);
        h.add(String.format(Locale.ROOT, "training: %d mails, %d features seen in >= %d mails, %d kept (max |weight| >= %s); "
                + "SGD %d epochs, learning rate %s, L2 %s, seed %d", mails.size(), names.size(), s.minCount(), kept.size(),
                Scorer.fmt(s.keepAbove()), s.epochs(), Scorer.fmt(s.learningRate()), s.l2(), s.seed()));
        return new Model(h, rb, kept);
    }

    private static double round(double v) {
        return Math.round(v * 10_000) / 10_000.0;
    }

    // ---- the file ----

    /** Writes the model as TSV: header comments, the type row, the bias row, features strongest first. */
    void write(Path file) {
        StringBuilder out = new StringBuilder();
        out.append("# Learned fallback of the mail classifier (kz.dsr.classify.Model), named by `model.file` in classifier.yaml.\n");
        out.append("# Asked when no rule fires or the rules are unsure, and against confident rules (model.overruleConfident:"
                + " the mail is then reviewed).\n");
        out.append("# A type's score = _bias + (sum of the weights of the mail's features) / sqrt(number of the mail's distinct features);\n");
        out.append("# probabilities = softmax of the scores. Features (kz.dsr.classify.ModelFeatures): a word's stem, !stem (negated),\n");
        out.append("# 'stem stem' (neighbours), #concept / #!concept (a word list of classifier.yaml, plain / negated), ? (a question).\n");
        out.append("# Do not edit by hand: retrain with `java -jar target/dsr-pipeline.jar classifier-train --out FILE TSV...`.\n");
        for (String h : header) {
            out.append("# ").append(h.replace('\n', ' ')).append('\n');
        }
        out.append("type");
        for (RequestType t : TYPES) {
            out.append('\t').append(t.name());
        }
        out.append('\n');
        row(out, "_bias", bias);
        List<Map.Entry<String, double[]>> rows = new ArrayList<>(weights.entrySet());
        rows.sort(Comparator.comparingDouble((Map.Entry<String, double[]> e) -> -maxAbs(e.getValue()))
                .thenComparing(Map.Entry::getKey));
        for (Map.Entry<String, double[]> e : rows) {
            row(out, e.getKey(), e.getValue());
        }
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(file, out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static double maxAbs(double[] w) {
        double m = 0;
        for (double v : w) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    private static void row(StringBuilder out, String name, double[] w) {
        out.append(name);
        for (double v : w) {
            out.append('\t').append(String.format(Locale.ROOT, "%.4f", v));
        }
        out.append('\n');
    }

    /**
     * Reads a model file.
     *
     * @throws IllegalArgumentException naming the file and the line when it cannot be used
     */
    static Model read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new kz.dsr.config.ConfigurationError(file + ": cannot read the classifier model: " + e, e);
        }
        List<String> header = new ArrayList<>();
        double[] bias = null;
        boolean typesSeen = false;
        Map<String, double[]> weights = new HashMap<>();
        int k = TYPES.length;
        for (int n = 0; n < lines.size(); n++) {
            String line = lines.get(n);
            if (line.isBlank()) {
                continue;
            }
            if (line.startsWith("#") && !typesSeen) {
                header.add(line.substring(1).trim());
                continue;
            }
            String[] f = line.split("\t", -1);
            String where = file + ":" + (n + 1) + ": ";
            if (!typesSeen) {
                if (!f[0].equals("type") || f.length != k + 1) {
                    throw new kz.dsr.config.ConfigurationError(where + "expected the row 'type' naming the " + k + " type columns");
                }
                for (int t = 0; t < k; t++) {
                    if (!f[t + 1].equals(TYPES[t].name())) {
                        throw new kz.dsr.config.ConfigurationError(where + "column " + (t + 2) + " must be " + TYPES[t] + ", not " + f[t + 1]);
                    }
                }
                typesSeen = true;
                continue;
            }
            if (f.length != k + 1 || f[0].isEmpty()) {
                throw new kz.dsr.config.ConfigurationError(where + "expected a feature and " + k + " weights separated by tabs");
            }
            double[] w = new double[k];
            for (int t = 0; t < k; t++) {
                try {
                    w[t] = Double.parseDouble(f[t + 1]);
                } catch (NumberFormatException e) {
                    throw new kz.dsr.config.ConfigurationError(where + "not a number: " + f[t + 1]);
                }
                if (!Double.isFinite(w[t])) {
                    throw new kz.dsr.config.ConfigurationError(where + "not a finite number: " + f[t + 1]);
                }
            }
            if (f[0].equals("_bias")) {
                bias = w;
            } else if (weights.put(f[0], w) != null) {
                throw new kz.dsr.config.ConfigurationError(where + "feature '" + f[0] + "' appears twice");
            }
        }
        if (bias == null) {
            throw new kz.dsr.config.ConfigurationError(file + ": no _bias row: not a classifier model");
        }
        return new Model(header, bias, weights);
    }
}
