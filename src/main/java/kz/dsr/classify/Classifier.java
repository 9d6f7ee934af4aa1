package kz.dsr.classify;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import kz.dsr.request.RequestType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a mail's subject and new text and says what the sender wants: request type, language,
 * confidence, whether an operator must review, the identifiers written in it and the evidence.
 *
 * <p>The rules are data in a YAML file (config/classifier.yaml). The file's modification time is
 * checked at most once every {@code reloadCheckSeconds}; a changed file is reloaded without a
 * restart, and a file that does not load leaves the previous rules in force (the error, naming
 * file and line, is logged).
 *
 * <p>Thread-safe; {@link #classify} never throws. Nothing of the mail text is logged.
 */
public final class Classifier {

    private static final Logger LOG = LoggerFactory.getLogger(Classifier.class);

    /**
     * The rules and the model in force and the file states they came from (the model's: null
     * when the rules name none or the model is fixed).
     */
    private record Loaded(Rules rules, IdentifierExtractor extractor, FileTime modified, long size, Model model,
            FileTime modelModified, long modelSize) {
    }

    private final Path file;
    /** A model given in code (leave-one-writer-out, tests): used instead of the one the rules name. */
    private final Model fixedModel;
    private volatile Loaded current;
    private final AtomicLong nextCheck;
    private volatile FileTime failedModified;
    private volatile FileTime failedModelModified;

    private Classifier(Path file, Model fixedModel, Loaded loaded) {
        this.file = file;
        this.fixedModel = fixedModel;
        this.current = loaded;
        this.nextCheck = new AtomicLong(System.nanoTime() + interval(loaded));
    }

    /**
     * Loads the rules and the model they name ({@code model.file}).
     *
     * @throws IllegalArgumentException naming the file and the line when a file cannot be used
     */
    public static Classifier fromFile(Path rulesYaml) {
        return new Classifier(rulesYaml, null, load(rulesYaml, null));
    }

    /**
     * The rules of {@code rulesYaml} with {@code model} in place of the file they name (null: the
     * rules alone). For measuring a model trained in memory.
     */
    static Classifier withModel(Path rulesYaml, Model model) {
        Model fixed = model != null ? model : NO_MODEL;
        return new Classifier(rulesYaml, fixed, load(rulesYaml, fixed));
    }

    /** Marks "rules alone" for {@link #withModel}. */
    private static final Model NO_MODEL = new Model(List.of(), new double[Model.TYPES.length], java.util.Map.of());

    private static Loaded load(Path file, Model fixedModel) {
        FileTime modified = null;
        long size = -1;
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            modified = a.lastModifiedTime();
            size = a.size();
        } catch (IOException e) {
            throw new kz.dsr.config.ConfigurationError(file + ": cannot read the classifier rules: " + e, e);
        }
        Rules rules = RulesLoader.load(file);
        Model model = null;
        FileTime modelModified = null;
        long modelSize = -1;
        if (fixedModel != null) {
            model = fixedModel == NO_MODEL ? null : fixedModel;
        } else if (rules.model() != null) {
            Path m = rules.model().file();
            try {
                BasicFileAttributes a = Files.readAttributes(m, BasicFileAttributes.class);
                modelModified = a.lastModifiedTime();
                modelSize = a.size();
            } catch (IOException e) {
                throw new kz.dsr.config.ConfigurationError(file + ": model.file " + m + " cannot be read: " + e, e);
            }
            model = Model.read(m);
        }
        return new Loaded(rules, new IdentifierExtractor(rules.identifiers()), modified, size, model, modelModified,
                modelSize);
    }

    private static long interval(Loaded l) {
        return l.rules().reloadCheckSeconds() * 1_000_000_000L;
    }

    /**
     * Classifies one mail.
     *
     * @param subject the decoded subject ("" or null when none)
     * @param newText what the sender wrote now, without quoted history and signature
     */
    public Classification classify(String subject, String newText) {
        reloadIfChanged();
        Loaded l = current;
        try {
            return classify(l, subject == null ? "" : subject, newText == null ? "" : newText);
        } catch (RuntimeException | StackOverflowError e) {
            LOG.error("classifier failed on a mail ({}); typed UNKNOWN for review", e.getClass().getSimpleName(), e);
            return new Classification(RequestType.UNKNOWN, l.rules().language().defaultLanguage(), 0, true,
                    Identifiers.none(), List.of("classifier error: " + e.getClass().getSimpleName()));
        }
    }

    /** A mail's subject and body analysed, capped as the classifier reads them. */
    private record Analysed(String subject, String body, LanguageDetector.Detected language, Section s, Section b) {
    }

    private static Analysed analyse(Rules rules, String subject, String body) {
        int max = rules.text().maxChars();
        subject = cap(subject == null ? "" : subject, 1000);
        body = cap(body == null ? "" : body, max);
        List<Token> subjectTokens = TextAnalyzer.tokenize(subject, rules.text());
        List<Token> bodyTokens = TextAnalyzer.tokenize(body, rules.text());
        List<Token> all = new ArrayList<>(subjectTokens.size() + bodyTokens.size());
        all.addAll(subjectTokens);
        all.addAll(bodyTokens);
        LanguageDetector.Detected language = LanguageDetector.detect(all, rules.language(), rules.vocabulary(),
                rules.kazakh().stemmer());
        boolean english = language.language().equals("en");
        boolean kazakh = language.language().equals("kk");
        Section s = TextAnalyzer.analyze(subject, subjectTokens, rules, !english, kazakh);
        Section b = TextAnalyzer.analyze(body, bodyTokens, rules, !english, kazakh);
        return new Analysed(subject, body, language, s, b);
    }

    /** The model's features of a mail, as the classifier sees it (for training). */
    static List<String> features(Rules rules, String subject, String body) {
        Analysed a = analyse(rules, subject, body);
        return ModelFeatures.of(rules, a.s(), a.b());
    }

    /** The rules in force (for training with the same analysis). */
    Rules rules() {
        reloadIfChanged();
        return current.rules();
    }

    private static Classification classify(Loaded l, String subjectText, String bodyText) {
        Rules rules = l.rules();
        Analysed a = analyse(rules, subjectText, bodyText);
        String subject = a.subject();
        String body = a.body();
        LanguageDetector.Detected language = a.language();
        Section s = a.s();
        Section b = a.b();

        Scorer.Decision rulesDecision = Scorer.decide(rules, s, b);
        Scorer.Decision decision = withModel(rulesDecision, l.model(), rules, s, b);
        Identifiers identifiers = l.extractor().extract(subject, body);
        if (decision.type() == RequestType.RECTIFICATION) {
            Correction r = IdentifierExtractor.rectification(b, rules);
            if (r == null) {
                r = IdentifierExtractor.rectification(s, rules);
            }
            identifiers = identifiers.withRectification(r);
        }
        List<String> evidence = new ArrayList<>(decision.evidence());
        if (language.translit()) {
            evidence.add("language " + language.language() + " written in Latin letters (translit)");
        }
        double confidence = Math.round(decision.confidence() * 100) / 100.0;
        return new Classification(decision.type(), language.language(), confidence, decision.review(),
                identifiers, evidence);
    }

    /**
     * The learned fallback: when no rule fired or the rules are unsure (confidence below their
     * review threshold), the model's type is taken if it is at least {@code minProbability}
     * likely. Confident rules are overruled only at {@code overruleConfident}, and then reviewed: the
     * rules and the model disagree, a person decides. A destructive type the model picks without a
     * rule of that type having fired is always reviewed.
     */
    private static Scorer.Decision withModel(Scorer.Decision d, Model model, Rules rules, Section s, Section b) {
        Rules.ModelSettings settings = rules.model();
        if (model == null || settings == null) {
            return d;
        }
        double threshold = d.type().isDestructive() ? rules.scoring().reviewBelowDestructive() : rules.scoring().reviewBelow();
        boolean confident = !d.silent() && d.confidence() >= threshold;
        // Confident rules that already ask for a person (a guard, a close runner-up) keep their type: the
        // person decides anyway, with the rules' reasons in front of them.
        boolean secondKey = d.type().isDestructive() && settings.confirmDestructive() > 0;
        if (confident && (d.review() || (settings.overruleConfident() > 1 && !secondKey))) {
            return d;
        }
        Model.Prediction p = model.predict(ModelFeatures.of(rules, s, b));
        if (confident) {
            if (p.type() == d.type() || p.probability() < settings.overruleConfident()
                    || d.takenBack().contains(p.type())) {
                if (secondKey && (p.type() != d.type() || p.probability() < settings.confirmDestructive())) {
                    // Two keys for what cannot be undone: the rules' destructive type goes unreviewed only
                    // when the model, reading the mail its own way, comes to the same type, this sure.
                    List<String> evidence = new ArrayList<>(d.evidence());
                    evidence.add("review: the model does not back " + d.type() + " (it reads " + p.type() + " p="
                            + String.format(java.util.Locale.ROOT, "%.2f", p.probability()) + ")");
                    return new Scorer.Decision(d.type(), d.confidence(), true, evidence, d.fired(), d.silent());
                }
                return d;
            }
            // Confident rules and a confident model disagree: the model's type, and a person looks.
            List<String> evidence = new ArrayList<>(d.evidence());
            evidence.add("model: " + p.type() + " p=" + String.format(java.util.Locale.ROOT, "%.2f", p.probability())
                    + ", top tokens: " + String.join(", ", p.topFeatures()) + " — disagrees with the rules' " + d.type()
                    + " " + Scorer.fmt(d.confidence()) + ": the model decides");
            evidence.add("review: the model overrules confident rules");
            return new Scorer.Decision(p.type(), p.probability(), true, evidence, d.fired(), false);
        }
        List<String> evidence = new ArrayList<>(d.evidence());
        String said = "model: " + p.type() + " p=" + String.format(java.util.Locale.ROOT, "%.2f", p.probability())
                + ", top tokens: " + String.join(", ", p.topFeatures());
        if (p.type() == d.type()) {
            evidence.add(said + " (agrees)");
            return new Scorer.Decision(d.type(), d.confidence(), d.review(), evidence, d.fired(), d.silent());
        }
        if (d.takenBack().contains(p.type())) {
            // The mail takes these words back («не удаляйте», «если я удалю», «спасибо, удалили»): the
            // model reads the words, the rules read what is done with them.
            evidence.add(said + " — the mail takes " + p.type() + " back: the rules' " + d.type() + " stays");
            return new Scorer.Decision(d.type(), d.confidence(), d.review(), evidence, d.fired(), d.silent());
        }
        double needed = d.silent() ? settings.minProbability() : settings.overruleUnsure();
        String why = "";
        if (d.type() == RequestType.NOT_DSR && d.notDsr() <= 0 && settings.quietNotDsr() < needed) {
            // Nothing argued for NOT_DSR: the rules only found too little of a request.
            needed = settings.quietNotDsr();
            why = " (no NOT_DSR evidence)";
        }
        if (d.type() == RequestType.NOT_DSR && !d.silent() && p.type() == d.strongestRequest()
                && settings.runnerUp() < needed) {
            // The rules were torn between NOT_DSR and this request; the model breaks the tie.
            needed = settings.runnerUp();
            why = " (the rules' runner-up)";
        }
        if (d.overTopics() && p.type() == RequestType.NOT_DSR && settings.runnerUp() > needed) {
            // A data request stated in the body beat the support topics around it (the labelling guide: the
            // request is what the mail asks); the model, reading the topic words, needs to be surer.
            needed = settings.runnerUp();
            why = " (a stated request over support topics)";
        }
        if (p.probability() < needed) {
            evidence.add(said + " (below " + Scorer.fmt(needed) + ": the rules' " + d.type() + " stays)");
            return new Scorer.Decision(d.type(), d.confidence(), d.review(), evidence, d.fired(), d.silent());
        }
        evidence.add(said + " — the rules " + (d.silent() ? "were silent" : "were unsure (" + d.type() + " "
                + Scorer.fmt(d.confidence()) + ")") + why + ": the model decides");
        boolean review = d.review(); // e.g. a silent mail naming the sender's own data: still looked at
        if (!d.silent()) {
            review = true;
            evidence.add("review: the model overrules unsure rules");
        } else if (p.probability() < settings.reviewBelow()) {
            review = true;
            evidence.add("review: model probability " + String.format(java.util.Locale.ROOT, "%.2f", p.probability())
                    + " < " + Scorer.fmt(settings.reviewBelow()));
        }
        if (p.type().isDestructive() && !d.fired().contains(p.type())) {
            review = true;
            evidence.add("review: " + p.type() + " from the model alone, no " + p.type() + " rule fired: an operator confirms");
        }
        return new Scorer.Decision(p.type(), p.probability(), review, evidence, d.fired(), false);
    }

    private static String cap(String s, int max) {
        if (s.length() <= max) {
            return s;
        }
        int end = max;
        if (Character.isHighSurrogate(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(0, end);
    }

    /** At most once every reloadCheckSeconds: reload the file when it changed. */
    private void reloadIfChanged() {
        long now = System.nanoTime();
        long due = nextCheck.get();
        if (now - due < 0 || !nextCheck.compareAndSet(due, now + interval(current))) {
            return;
        }
        Loaded l = current;
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            boolean rulesSame = a.lastModifiedTime().equals(l.modified()) && a.size() == l.size();
            FileTime modelTime = null;
            boolean modelSame = true;
            if (fixedModel == null && l.rules().model() != null) {
                try {
                    BasicFileAttributes m = Files.readAttributes(l.rules().model().file(), BasicFileAttributes.class);
                    modelTime = m.lastModifiedTime();
                    modelSame = modelTime.equals(l.modelModified()) && m.size() == l.modelSize();
                } catch (IOException e) {
                    modelSame = true; // a model file being replaced: keep the one in force, look again later
                }
            }
            if ((rulesSame || a.lastModifiedTime().equals(failedModified))
                    && (modelSame || (modelTime != null && modelTime.equals(failedModelModified)))) {
                return;
            }
            try {
                Loaded fresh = load(file, fixedModel);
                current = fresh;
                nextCheck.set(System.nanoTime() + interval(fresh));
                failedModified = null;
                failedModelModified = null;
                LOG.info("classifier rules and model reloaded from {}", file);
            } catch (IllegalArgumentException e) {
                failedModified = a.lastModifiedTime();
                failedModelModified = modelTime;
                LOG.error("classifier rules not reloaded, the previous rules stay in force: {}", e.getMessage());
            }
        } catch (IOException e) {
            LOG.warn("classifier rules file {} cannot be checked, the previous rules stay in force: {}", file, e.toString());
        }
    }
}
