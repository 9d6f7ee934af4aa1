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
        assertTrue(c.evidence().stream().anyMatch(e -> e.startsWith("model: ACCESS p=") && e.contains("top tokens: ")
                && e.contains("the model decides")), c.evidence().toString());
    }

    @Test
    void aDestructiveTypeFromTheModelAloneIsReviewed() {
        for (RequestType type : List.of(RequestType.ERASURE, RequestType.RECTIFICATION, RequestType.BLOCKING)) {
            Classification c = Classifier.withModel(Corpus.RULES, modelFor(UNKNOWN, type)).classify("", UNKNOWN);
            assertEquals(type, c.type(), c.evidence().toString());
            assertTrue(c.review(), type + " from the model alone must be reviewed: " + c.evidence());
            assertTrue(c.evidence().stream().anyMatch(e -> e.contains("no " + type + " rule fired")), c.evidence().toString());
        }
    }

    @Test
    void aConfidentRuleResultWins() {
        String mail = "Прошу удалить мой аккаунт и все мои персональные данные.";
        Classification c = Classifier.withModel(Corpus.RULES, modelFor(mail, RequestType.ACCESS)).classify("", mail);
        assertEquals(RequestType.ERASURE, c.type(), c.evidence().toString());
        assertTrue(c.evidence().stream().noneMatch(e -> e.startsWith("model:")), "the model is not asked: " + c.evidence());
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
        modelFor("", RequestType.NOT_DSR).write(modelFile);
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
