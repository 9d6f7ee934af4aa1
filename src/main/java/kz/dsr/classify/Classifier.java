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

    /** The rules in force and the file state they came from. */
    private record Loaded(Rules rules, IdentifierExtractor extractor, FileTime modified, long size) {
    }

    private final Path file;
    private volatile Loaded current;
    private final AtomicLong nextCheck;
    private volatile FileTime failedModified;

    private Classifier(Path file, Loaded loaded) {
        this.file = file;
        this.current = loaded;
        this.nextCheck = new AtomicLong(System.nanoTime() + interval(loaded));
    }

    /**
     * Loads the rules.
     *
     * @throws IllegalArgumentException naming the file and the line when the file cannot be used
     */
    public static Classifier fromFile(Path rulesYaml) {
        return new Classifier(rulesYaml, load(rulesYaml));
    }

    private static Loaded load(Path file) {
        FileTime modified = null;
        long size = -1;
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            modified = a.lastModifiedTime();
            size = a.size();
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read the classifier rules: " + e, e);
        }
        Rules rules = RulesLoader.load(file);
        return new Loaded(rules, new IdentifierExtractor(rules.identifiers()), modified, size);
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

    private static Classification classify(Loaded l, String subject, String body) {
        Rules rules = l.rules();
        int max = rules.text().maxChars();
        subject = cap(subject, 1000);
        body = cap(body, max);
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

        Scorer.Decision decision = Scorer.decide(rules, s, b);
        Identifiers identifiers = l.extractor().extract(subject, body);
        if (decision.type() == RequestType.RECTIFICATION) {
            Rectification r = IdentifierExtractor.rectification(b, rules);
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
            if ((a.lastModifiedTime().equals(l.modified()) && a.size() == l.size())
                    || a.lastModifiedTime().equals(failedModified)) {
                return;
            }
            try {
                Loaded fresh = load(file);
                current = fresh;
                nextCheck.set(System.nanoTime() + interval(fresh));
                failedModified = null;
                LOG.info("classifier rules reloaded from {}", file);
            } catch (IllegalArgumentException e) {
                failedModified = a.lastModifiedTime();
                LOG.error("classifier rules not reloaded, the previous rules stay in force: {}", e.getMessage());
            }
        } catch (IOException e) {
            LOG.warn("classifier rules file {} cannot be checked, the previous rules stay in force: {}", file, e.toString());
        }
    }
}
