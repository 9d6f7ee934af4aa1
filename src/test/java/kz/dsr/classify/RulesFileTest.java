package kz.dsr.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import kz.dsr.request.RequestType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rules file: errors name the file and the line; edits are picked up without a restart. */
class RulesFileTest {

    @TempDir
    Path dir;

    /** The rules name their learned model (model.file) beside them: copied with every rules file. */
    @org.junit.jupiter.api.BeforeEach
    void copyModel() throws IOException {
        Files.copy(Corpus.RULES.resolveSibling("classifier-model.tsv"), dir.resolve("classifier-model.tsv"));
    }

    private static List<String> shippedLines() throws IOException {
        return new ArrayList<>(Files.readAllLines(Corpus.RULES, StandardCharsets.UTF_8));
    }

    /** Writes the shipped rules with line {@code lineNumber} (1-based) replaced. */
    private Path withLine(int lineNumber, String text) throws IOException {
        List<String> lines = shippedLines();
        lines.set(lineNumber - 1, text);
        Path file = dir.resolve("classifier.yaml");
        Files.write(file, lines, StandardCharsets.UTF_8);
        return file;
    }

    private static int lineOf(String start) throws IOException {
        List<String> lines = shippedLines();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(start)) {
                return i + 1;
            }
        }
        throw new AssertionError("no line starts with " + start);
    }

    private static void assertNamesFileAndLine(IllegalArgumentException e, Path file, int line) {
        String m = e.getMessage();
        assertTrue(m.contains(file.toString()), "names the file: " + m);
        assertTrue(m.contains("line " + line + ":"), "names line " + line + ": " + m);
    }

    @Test
    void theShippedRulesLoad() {
        Classifier.fromFile(Corpus.RULES);
    }

    @Test
    void aYamlSyntaxErrorNamesFileAndLine() throws IOException {
        int line = lineOf("  window:");
        Path file = withLine(line, "  window: [6, 7");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Classifier.fromFile(file));
        String m = e.getMessage();
        assertTrue(m.contains(file.toString()), m);
        assertTrue(m.matches("(?s).*line (" + line + "|" + (line + 1) + "):.*"), "names the line of the mistake: " + m);
    }

    @Test
    void aBadIndentationNamesFileAndLine() throws IOException {
        int line = lineOf("  minScore:");
        Path file = withLine(line, "   minScore: 1.0");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Classifier.fromFile(file));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().matches("(?s).*line \\d+:.*"), e.getMessage());
    }

    @Test
    void aRuleNamingAnUnknownConceptNamesFileAndLine() throws IOException {
        int line = lineOf("  - {type: ERASURE, weight: 3, all: [delete, account]");
        Path file = withLine(line, "  - {type: ERASURE, weight: 3, all: [delte, account]}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Classifier.fromFile(file));
        assertNamesFileAndLine(e, file, line);
        assertTrue(e.getMessage().contains("unknown concept 'delte'"), e.getMessage());
    }

    @Test
    void aMoodListNamingAnUnknownConceptNamesFileAndLine() throws IOException {
        int line = lineOf("  howTo: how_to");
        Path file = withLine(line, "  howTo: how_too");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Classifier.fromFile(file));
        assertNamesFileAndLine(e, file, line);
        assertTrue(e.getMessage().contains("unknown concept 'how_too'"), e.getMessage());
    }

    @Test
    void anUnknownKeyAWrongNumberAndAWrongTypeNameFileAndLine() throws IOException {
        int window = lineOf("  window:");
        Path typo = withLine(window, "  windw: 6");
        assertNamesFileAndLine(assertThrows(IllegalArgumentException.class, () -> Classifier.fromFile(typo)), typo, window);

        Path notANumber = withLine(window, "  window: six");
        assertNamesFileAndLine(assertThrows(IllegalArgumentException.class, () -> Classifier.fromFile(notANumber)),
                notANumber, window);

        int rule = lineOf("  - {type: ERASURE, weight: 3, all: [delete, account]");
        Path badType = withLine(rule, "  - {type: ERASE, weight: 3, all: [delete, account]}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Classifier.fromFile(badType));
        assertNamesFileAndLine(e, badType, rule);
        assertTrue(e.getMessage().contains("ERASE"), e.getMessage());
    }

    @Test
    void aShortWordMustBeWrittenExactly() throws IOException {
        int line = lineOf("    ru: [=меня]");
        Path file = withLine(line, "    ru: [меня, я]");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Classifier.fromFile(file));
        assertNamesFileAndLine(e, file, line);
        assertTrue(e.getMessage().contains("=я"), "suggests the exact form: " + e.getMessage());
    }

    @Test
    void aMissingFileIsAnIllegalArgument() {
        Path missing = dir.resolve("nope.yaml");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Classifier.fromFile(missing));
        assertTrue(e.getMessage().contains(missing.toString()));
    }

    /** The shipped rules checked on every mail, with one extra word in the delete list. */
    private Path rulesCheckedOnEveryMail(boolean withExtraWord) throws IOException {
        String text = withoutTheModel(Files.readString(Corpus.RULES, StandardCharsets.UTF_8)
                .replaceFirst("(?m)^reloadCheckSeconds: \\d+", "reloadCheckSeconds: 0"));
        if (withExtraWord) {
            text = text.replace("ru: [удалить, удалите,", "ru: [=абракадабрируйте, удалить, удалите,");
        }
        Path file = dir.resolve("classifier.yaml");
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }

    /** The rules are measured here: the learned model gets no say. */
    private static String withoutTheModel(String rules) {
        return rules.replaceFirst("(?ms)^model:.*?\\n\\n", "");
    }

    private static void touchLater(Path file, int seconds) throws IOException {
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(seconds)));
    }

    @Test
    void anEditedRulesFileIsPickedUpWithoutRestart() throws IOException {
        Path file = rulesCheckedOnEveryMail(false);
        Classifier classifier = Classifier.fromFile(file);
        String mail = "Абракадабрируйте мой аккаунт.";
        assertEquals(RequestType.NOT_DSR, classifier.classify("", mail).type());

        rulesCheckedOnEveryMail(true);
        touchLater(file, 5);
        assertEquals(RequestType.ERASURE, classifier.classify("", mail).type(), "the new word counts after the edit");
    }

    @Test
    void aBrokenEditKeepsThePreviousRules() throws IOException {
        Path file = rulesCheckedOnEveryMail(true);
        Classifier classifier = Classifier.fromFile(file);
        String mail = "Абракадабрируйте мой аккаунт.";
        assertEquals(RequestType.ERASURE, classifier.classify("", mail).type());

        Files.writeString(file, "reloadCheckSeconds: 0\nscoring: [unclosed\n", StandardCharsets.UTF_8);
        touchLater(file, 5);
        assertEquals(RequestType.ERASURE, classifier.classify("", mail).type(), "the previous rules stay in force");

        rulesCheckedOnEveryMail(false);
        touchLater(file, 10);
        assertEquals(RequestType.NOT_DSR, classifier.classify("", mail).type(), "a fixed file is picked up again");
    }

    @Test
    void theFileIsCheckedAtMostOnceEveryReloadCheckSeconds() throws IOException {
        Path file = dir.resolve("classifier.yaml");
        Files.writeString(file, withoutTheModel(Files.readString(Corpus.RULES, StandardCharsets.UTF_8)
                .replaceFirst("(?m)^reloadCheckSeconds: \\d+", "reloadCheckSeconds: 3600")), StandardCharsets.UTF_8);
        Classifier classifier = Classifier.fromFile(file);
        String mail = "Абракадабрируйте мой аккаунт.";
        Files.writeString(file, Files.readString(file, StandardCharsets.UTF_8)
                .replace("ru: [удалить, удалите,", "ru: [=абракадабрируйте, удалить, удалите,"), StandardCharsets.UTF_8);
        touchLater(file, 5);
        assertEquals(RequestType.NOT_DSR, classifier.classify("", mail).type(), "not checked again within the hour");
    }
}
