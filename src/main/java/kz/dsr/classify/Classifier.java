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

    /** Given rules (already loaded from {@code rulesYaml}) with {@code model}: for measuring settings in memory. */
    static Classifier withRules(Path rulesYaml, Rules rules, Model model) {
        Loaded l = load(rulesYaml, model != null ? model : NO_MODEL);
        return new Classifier(rulesYaml, model != null ? model : NO_MODEL, new Loaded(rules, new IdentifierExtractor(rules.identifiers()),
                l.modified(), l.size(), l.model(), null, -1));
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
        Model.Prediction prediction = l.model() == null || rules.model() == null ? null
                : l.model().predict(ModelFeatures.of(rules, s, b));
        Scorer.Decision decision = modelLeads(rulesDecision, prediction, rules);
        decision = takenBackReviewed(decision, rules, s, b);
        decision = requestNotSilentlyDropped(decision, prediction, rules);
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
                identifiers, evidence, topTwo(prediction));
    }

    /**
     * The model reads, the rules are its rails. The model's type is taken; it is reviewed when the
     * model is unsure, when it is destructive without the rules coming to the same type (two keys for
     * what cannot be undone), when it is NOT_DSR against a request the rules read (unless the model is
     * sure and the rules are not), and whenever a guard asks for a person. A type the mail takes back (a wish already carried out, imagined, withdrawn) is
     * the rules' to decide.
     */
    private static Scorer.Decision modelLeads(Scorer.Decision d, Model.Prediction p, Rules rules) {
        Rules.ModelSettings settings = rules.model();
        if (p == null || settings == null) {
            return d;
        }
        List<String> evidence = new ArrayList<>(d.evidence());
        String said = "model: " + p.type() + " p=" + String.format(java.util.Locale.ROOT, "%.2f", p.probability())
                + ", top tokens: " + String.join(", ", p.topFeatures());
        if (p.type() != d.type() && d.takenBack().contains(p.type())) {
            evidence.add(said + " — the mail takes " + p.type() + " back: the rules' " + d.type() + " stays");
            return new Scorer.Decision(d.type(), d.confidence(), d.review(), evidence, d.fired(), d.silent());
        }
        RequestType type = p.type();
        double confidence = p.probability();
        boolean review = false;
        evidence.add(said);
        double threshold = d.type().isDestructive() ? rules.scoring().reviewBelowDestructive() : rules.scoring().reviewBelow();
        boolean rulesSure = !d.silent() && d.confidence() >= threshold && !d.review();
        if (type == d.type()) {
            if (type.isDestructive() ? d.railReview() || (d.review() && p.probability() < settings.confirmDoubted())
                    : d.review() && p.probability() < settings.reviewBelow()) {
                // What the rules hold against a destructive type (only asked, only in the subject, a guard,
                // "do not delete" beside it) still asks for a person.
                review = true;
                evidence.add("review: the rules ask for it");
            } else if (type.isDestructive() && p.probability() < settings.confirmDestructive()) {
                review = true;
                evidence.add("review: " + type + " needs the rules and the model to agree (the model has p="
                        + Scorer.fmt(Math.round(p.probability() * 100) / 100.0) + ")");
            }
        } else {
            if (p.probability() < settings.reviewBelow()) {
                review = true;
                evidence.add("review: model probability " + Scorer.fmt(Math.round(p.probability() * 100) / 100.0) + " < "
                        + Scorer.fmt(settings.reviewBelow()));
            }
            if (type.isDestructive()) {
                review = true;
                evidence.add("review: " + type + " needs the rules and the model to agree (the rules read " + d.type() + ")");
            } else if (d.railReview()) {
                review = true;
                evidence.add("review: the rules' " + d.type() + " asks for a person, the model reads " + type);
            } else if (d.type().isDestructive() && rulesSure && p.probability() < settings.overruleConfident()) {
                // A sure destructive wish read by the model as a milder one: answered as the milder one, the
                // sender's wish would quietly go undone.
                review = true;
                evidence.add("review: the rules are sure of " + d.type() + " " + Scorer.fmt(d.confidence())
                        + ", the model not sure enough to overrule them");
            } else if (type == RequestType.NOT_DSR && d.type() != RequestType.NOT_DSR && !d.silent()
                    && p.probability() < (rulesSure ? settings.overruleSure() : settings.overruleConfident())) {
                // The costly direction: a request the rules read, sent to the support folder unanswered and
                // without a deadline. A person looks unless the model is sure, surer still against sure rules.
                review = true;
                evidence.add("review: the rules read " + d.type() + (rulesSure ? " and are sure of it" : "")
                        + ": the model's NOT_DSR does not send the mail to support unread");
            }
            // The model's non-destructive request type against the rules' reading needs no second key: the
            // sender is acknowledged and proves who they are before anything is done, whichever type is right.
        }
        if (d.reviewGuard() != null && !review && type != RequestType.NOT_DSR) {
            review = true;
            evidence.add("review: guard " + d.reviewGuard() + " asks for a person");
        }
        return new Scorer.Decision(type, confidence, review, evidence, d.fired(), false, d.notDsr(),
                d.strongestRequest(), d.takenBack(), d.overTopics(), d.reviewGuard(), d.railReview());
    }
    /** The concept of the sender taking an own earlier request back («передумала», "ignore my email below"). */
    static final String RETRACT = "retract";

    /**
     * «Передумала, ничего не удаляйте», "please ignore my request below": the words of the old request
     * are still in the mail, so a destructive type read from them is never carried out unseen.
     */
    private static Scorer.Decision takenBackReviewed(Scorer.Decision d, Rules rules, Section s, Section b) {
        if (!d.type().isDestructive() || d.review()) {
            return d;
        }
        int c = rules.vocabulary().id(RETRACT);
        if (c < 0 || (s.byConcept[c] == null && b.byConcept[c] == null)) {
            return d;
        }
        List<String> evidence = new ArrayList<>(d.evidence());
        evidence.add("review: the mail takes an earlier request back (" + RETRACT + "): " + d.type() + " is a person's call");
        return new Scorer.Decision(d.type(), d.confidence(), true, evidence, d.fired(), d.silent(), d.notDsr(),
                d.strongestRequest(), d.takenBack(), d.overTopics(), d.reviewGuard(), d.railReview());
    }

    /**
     * A mail typed NOT_DSR goes to the support folder unanswered; a data request typed so loses its
     * acknowledgement and its deadline, the costliest mistake. So when the model gives the data
     * request types together at least {@code requestReview}, the NOT_DSR is reviewed: the sender is
     * told the mail is being looked at and a person decides.
     */
    private static Scorer.Decision requestNotSilentlyDropped(Scorer.Decision d, Model.Prediction p, Rules rules) {
        if (p == null || d.type() != RequestType.NOT_DSR || d.review()) {
            return d;
        }
        double request = 1 - p.probabilities()[Model.index(RequestType.NOT_DSR)];
        if (request < rules.model().requestReview()) {
            return d;
        }
        List<String> evidence = new ArrayList<>(d.evidence());
        evidence.add("review: the model gives a data request p=" + String.format(java.util.Locale.ROOT, "%.2f", request)
                + " (at least " + Scorer.fmt(rules.model().requestReview()) + "): not sent to support unread");
        return new Scorer.Decision(d.type(), d.confidence(), true, evidence, d.fired(), d.silent());
    }

    /** «ERASURE 0.81, ACCESS 0.12»: the model's two likeliest types; "" without a model. */
    static String topTwo(Model.Prediction p) {
        if (p == null) {
            return "";
        }
        double[] pr = p.probabilities();
        int first = 0;
        int second = -1;
        for (int t = 1; t < pr.length; t++) {
            if (pr[t] > pr[first]) {
                second = first;
                first = t;
            } else if (second < 0 || pr[t] > pr[second]) {
                second = t;
            }
        }
        return String.format(java.util.Locale.ROOT, "%s %.2f, %s %.2f", Model.TYPES[first], pr[first], Model.TYPES[second],
                pr[second]);
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
