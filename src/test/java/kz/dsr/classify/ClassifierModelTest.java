package kz.dsr.classify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import kz.dsr.request.RequestType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The learned fallback: training, the file, and how the classifier lets it decide. */
class ClassifierModelTest {

    /** A mail no rule knows a word of. */
    private static final String UNKNOWN = "Абракадабрируйте шмурдяк.";

    @TempDir
    Path dir;

    private static Rules rules() {
        return RulesLoader.load(Corpus.RULES);
    }

    /** A model that gives every feature of {@code body} a strong weight for {@code type}. */
    /** A model that reads {@code body} as {@code type} with about probability {@code p} (the rest spread evenly). */
    private static Model modelFor(String body, RequestType type, double p) {
        java.util.Set<String> features = new java.util.LinkedHashSet<>(Classifier.features(rules(), "", body));
        // softmax over the types: p = e^s / (e^s + others), so s = ln(p * others / (1 - p)).
        double score = Math.log(p * (Model.TYPES.length - 1) / (1 - p));
        Map<String, double[]> weights = new HashMap<>();
        for (String f : features) {
            double[] w = new double[Model.TYPES.length];
            w[Model.index(type)] = score / Math.sqrt(features.size());
            weights.put(f, w);
        }
        return new Model(List.of("test"), new double[Model.TYPES.length], weights);
    }

    private static Model modelFor(String body, RequestType type) {
        Map<String, double[]> weights = new HashMap<>();
        for (String f : Classifier.features(rules(), "", body)) {
            double[] w = new double[Model.TYPES.length];
            w[Model.index(type)] = 10;
            weights.put(f, w);
        }
        return new Model(List.of("test"), new double[Model.TYPES.length], weights);
    }

    @Test
    void trainingTwiceOnTheSameMailWritesTheSameFile() throws IOException {
        Path tsv = Corpus.DIR.resolve("dev.tsv");
        Path first = dir.resolve("a.tsv");
        Path second = dir.resolve("b.tsv");
        assertEquals(0, new CommandLine(new TrainCommand()).execute("--out", first.toString(), tsv.toString()));
        assertEquals(0, new CommandLine(new TrainCommand()).execute("--out", second.toString(), tsv.toString()));
        assertArrayEquals(Files.readAllBytes(first), Files.readAllBytes(second));
        String text = Files.readString(first, StandardCharsets.UTF_8);
        assertTrue(text.startsWith("# "), "a header comment says how the model was built");
        assertTrue(text.contains("dev.tsv (209)"), text.substring(0, 800));

        // The file read back predicts as the model trained in memory.
        List<TrainCommand.Labelled> rows = TrainCommand.read(tsv);
        Model memory = TrainCommand.train(rules(), rows, Model.Settings.DEFAULT, List.of());
        Model read = Model.read(first);
        for (TrainCommand.Labelled row : rows.subList(0, 50)) {
            List<String> f = Classifier.features(rules(), row.subject(), row.body());
            assertEquals(memory.predict(f).type(), read.predict(f).type(), row.id());
            assertEquals(memory.predict(f).probability(), read.predict(f).probability(), 1e-9, row.id());
        }
    }

    @Test
    void aMailNoRuleFiresOnIsTypedByTheModelWithEvidence() {
        Classifier rulesAlone = Classifier.withModel(Corpus.RULES, null);
        Classification before = rulesAlone.classify("", UNKNOWN);
        assertEquals(RequestType.NOT_DSR, before.type());
        assertTrue(before.evidence().contains("no rule matched: NOT_DSR"), before.evidence().toString());

        Classification c = Classifier.withModel(Corpus.RULES, modelFor(UNKNOWN, RequestType.ACCESS)).classify("", UNKNOWN);
        assertEquals(RequestType.ACCESS, c.type(), c.evidence().toString());
        assertFalse(c.review(), "a confident non-destructive model decision: " + c.evidence());
        assertTrue(c.evidence().stream().anyMatch(e -> e.startsWith("model: ACCESS p=") && e.contains("top tokens: ")),
                c.evidence().toString());
    }

    @Test
    void aDestructiveTypeFromTheModelAloneIsReviewed() {
        for (RequestType type : List.of(RequestType.ERASURE, RequestType.RECTIFICATION, RequestType.BLOCKING)) {
            Classification c = Classifier.withModel(Corpus.RULES, modelFor(UNKNOWN, type)).classify("", UNKNOWN);
            assertEquals(type, c.type(), c.evidence().toString());
            assertTrue(c.review(), type + " from the model alone must be reviewed: " + c.evidence());
            assertTrue(c.evidence().stream().anyMatch(e -> e.contains(type + " needs the rules and the model to agree")),
                    c.evidence().toString());
        }
    }

    @Test
    void theModelOverrulingSureRulesWithoutBeingSureItselfIsReviewed() throws IOException {
        String mail = "Прошу удалить мой аккаунт и все мои персональные данные.";
        // The rules are sure of ERASURE, the model reads ACCESS below model.overruleConfident: its type, a person looks.
        Classification c = Classifier.withModel(Corpus.RULES, modelFor(mail, RequestType.ACCESS, 0.7)).classify("", mail);
        assertEquals(RequestType.ACCESS, c.type(), c.evidence().toString());
        assertTrue(c.review(), "the rules and the model disagree: a person decides " + c.evidence());
        assertTrue(c.evidence().stream().anyMatch(e -> e.startsWith("review: the rules are sure of ERASURE")), c.evidence().toString());

        // Without a model section the rules alone decide: the model is not asked.
        Path yaml = dir.resolve("classifier.yaml");
        Files.writeString(yaml, Files.readString(Corpus.RULES, StandardCharsets.UTF_8)
                .replaceFirst("(?ms)^model:.*?\n\n", ""), StandardCharsets.UTF_8);
        Classification rulesAlone = Classifier.fromFile(yaml).classify("", mail);
        assertEquals(RequestType.ERASURE, rulesAlone.type(), rulesAlone.evidence().toString());
        assertTrue(rulesAlone.evidence().stream().noneMatch(e -> e.startsWith("model:")), "not asked: " + rulesAlone.evidence());
    }

    @Test
    void aNotDsrFromTheModelAgainstARequestTheRulesReadIsReviewedUnlessTheModelIsSure() {
        String mail = "Пришлите, пожалуйста, копию всех моих персональных данных, которые у вас хранятся.";
        // The rules are sure of ACCESS; a NOT_DSR would send the mail to support unanswered: below
        // model.overruleSure a person looks.
        Classification unsure = Classifier.withModel(Corpus.RULES, modelFor(mail, RequestType.NOT_DSR, 0.85))
                .classify("", mail);
        assertEquals(RequestType.NOT_DSR, unsure.type(), unsure.evidence().toString());
        assertTrue(unsure.review(), unsure.evidence().toString());
        assertTrue(unsure.evidence().stream().anyMatch(e -> e.startsWith("review: the rules read ACCESS and are sure of it")),
                unsure.evidence().toString());
        Classification sure = Classifier.withModel(Corpus.RULES, modelFor(mail, RequestType.NOT_DSR, 0.95))
                .classify("", mail);
        assertFalse(sure.review(), "a model sure of NOT_DSR overrules: " + sure.evidence());
    }

    @Test
    void aMilderRequestTypeFromTheModelNeedsNoSecondKeyButASureErasureStaysWithAPerson() {
        // The rules read MARKETING_OPT_OUT, the model CONSENT_WITHDRAWAL: either way the sender is answered and
        // proves who they are first; no review for the disagreement alone.
        String optOut = "Отпишите меня от рекламной рассылки, пожалуйста.";
        Classification milder = Classifier.withModel(Corpus.RULES, modelFor(optOut, RequestType.CONSENT_WITHDRAWAL, 0.7))
                .classify("", optOut);
        assertEquals(RequestType.CONSENT_WITHDRAWAL, milder.type(), milder.evidence().toString());
        assertFalse(milder.review(), milder.evidence().toString());
        // Against sure rules reading ERASURE the milder type would leave the wish undone: a person looks
        // (theModelOverrulingSureRulesWithoutBeingSureItselfIsReviewed).
    }

    @Test
    void aDestructiveTypeTheModelIsNotSureOfIsReviewed() {
        String mail = "Прошу удалить мой аккаунт и все мои персональные данные.";
        Classification backed = Classifier.withModel(Corpus.RULES, modelFor(mail, RequestType.ERASURE)).classify("", mail);
        assertEquals(RequestType.ERASURE, backed.type());
        assertFalse(backed.review(), "rules and model agree: " + backed.evidence());
        // The same type, but below model.confirmDestructive: the second key is missing, a person decides.
        Classification doubted = Classifier.withModel(Corpus.RULES, modelFor(mail, RequestType.ERASURE, 0.6))
                .classify("", mail);
        assertEquals(RequestType.ERASURE, doubted.type(), doubted.evidence().toString());
        assertTrue(doubted.review(), doubted.evidence().toString());
        assertTrue(doubted.evidence().stream().anyMatch(e -> e.startsWith("review: ERASURE needs the rules and the model to agree")),
                doubted.evidence().toString());
    }

    @Test
    void aRequestTheModelSeesInAMailTypedNotDsrIsReviewedNotSentToSupport() {
        String mail = "Где мой заказ? Жду уже неделю.";
        // A model reading a data request at 0.5 (model.requestReview 0.4) beside a NOT_DSR: reviewed, acknowledged.
        Classification c = Classifier.withModel(Corpus.RULES, modelFor(mail, RequestType.ACCESS, 0.5)).classify("", mail);
        assertEquals(RequestType.ACCESS, c.type(), c.evidence().toString());
        assertTrue(c.review(), c.evidence().toString());
        Classification plain = Classifier.fromFile(Corpus.RULES).classify("", mail);
        assertEquals(RequestType.NOT_DSR, plain.type(), plain.evidence().toString());
        assertFalse(plain.review(), "a plain support question goes to the support folder: " + plain.evidence());
    }

    @Test
    void theOperatorSeesTheModelsTwoLikeliestTypesWithTheirProbabilities() {
        Classification c = Classifier.fromFile(Corpus.RULES).classify("", "Прошу удалить мой аккаунт и все мои персональные данные.");
        assertTrue(c.topTwo().matches("ERASURE [01]\\.\\d\\d, [A-Z_]+ [01]\\.\\d\\d"), c.topTwo());
        assertEquals("", Classifier.withModel(Corpus.RULES, null).classify("", "Где мой заказ?").topTwo(), "no model, nothing to show");
    }

    @Test
    void theShippedModelIsLoadedAndHelpsWhereNoRuleFires() {
        Classifier shipped = Classifier.fromFile(Corpus.RULES);
        Classification c = shipped.classify("", "Где мой заказ? Жду уже неделю.");
        assertEquals(RequestType.NOT_DSR, c.type(), c.evidence().toString());
        assertTrue(Model.read(Corpus.RULES.resolveSibling("classifier-model.tsv")).features() > 1000);
    }

    @Test
    void anEditedModelFileIsPickedUpAndABrokenOneRefused() throws IOException {
        Path yaml = dir.resolve("classifier.yaml");
        Files.writeString(yaml, Files.readString(Corpus.RULES, StandardCharsets.UTF_8)
                .replaceFirst("(?m)^reloadCheckSeconds: \\d+", "reloadCheckSeconds: 0"), StandardCharsets.UTF_8);
        Path modelFile = dir.resolve("classifier-model.tsv");
        modelFor(UNKNOWN, RequestType.NOT_DSR).write(modelFile);
        Classifier classifier = Classifier.fromFile(yaml);
        assertEquals(RequestType.NOT_DSR, classifier.classify("", UNKNOWN).type());

        modelFor(UNKNOWN, RequestType.ACCESS).write(modelFile);
        Files.setLastModifiedTime(modelFile, FileTime.from(Instant.now().plusSeconds(5)));
        assertEquals(RequestType.ACCESS, classifier.classify("", UNKNOWN).type(), "the new model counts after the edit");

        Files.writeString(modelFile, "type\tERASURE\n", StandardCharsets.UTF_8);
        Files.setLastModifiedTime(modelFile, FileTime.from(Instant.now().plusSeconds(10)));
        assertEquals(RequestType.ACCESS, classifier.classify("", UNKNOWN).type(), "the previous model stays in force");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Classifier.fromFile(yaml));
        assertTrue(e.getMessage().contains("classifier-model.tsv:1:"), e.getMessage());
    }
}
