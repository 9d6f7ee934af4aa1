package kz.dsr.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.function.Executable;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * An operator editing a config file gets, for any mistake, one line that names the file and the line
 * to look at, and what is wrong there: never a parser stack trace, never a silently ignored key.
 */
class YamlFileTest {

    @TempDir
    Path dir;

    private Path file(String text) throws Exception {
        Path f = dir.resolve("rules.yaml");
        Files.writeString(f, text);
        return f;
    }

    private static String error(Executable action) {
        return assertThrows(IllegalArgumentException.class, action).getMessage();
    }

    @Test
    void aSyntaxErrorNamesTheFileAndTheLine() throws Exception {
        Path indented = file("language: ru\nthreshold: 3\n  weight: 2\nwords: [a]\n");
        assertEquals(indented + ", line 3: mapping values are not allowed here",
                error(() -> YamlFile.read(indented, "rules")));
        // An unclosed list is noticed where the next key stands: the line the parser could not go past.
        Path unclosed = file("language: ru\nwords:\n  - one\n  - [two\nthreshold: 3\n");
        assertEquals(unclosed + ", line 5: expected ',' or ']', but got :", error(() -> YamlFile.read(unclosed, "rules")));
    }

    @Test
    void anEmptyFileMissingFileAndNonUtf8FileAreEachNamed() throws Exception {
        Path empty = file("# only a comment\n");
        assertEquals(empty + ", line 1: the file is empty", error(() -> YamlFile.read(empty, "rules")));

        Path missing = dir.resolve("absent.yaml");
        String notThere = error(() -> YamlFile.read(missing, "the classifier rules"));
        assertTrue(notThere.startsWith(missing + ": cannot read the classifier rules"), notThere);

        Path cp1251 = dir.resolve("cp1251.yaml");
        Files.write(cp1251, "слова: [удалить]\n".getBytes(Charset.forName("windows-1251")));
        assertEquals(cp1251 + ": not UTF-8 text", error(() -> YamlFile.read(cp1251, "rules")));
    }

    @Test
    void anUnknownKeyIsRefusedWithItsLineAndTheKeysThatExist() throws Exception {
        YamlFile yaml = YamlFile.read(file("language: ru\nthreshhold: 3\n"), "rules");
        String message = error(() -> yaml.map(yaml.root(), "the rules", Set.of("language", "threshold")));
        assertEquals(yaml.file() + ", line 2: unknown key 'threshhold' in the rules (expected one of [language, threshold])",
                message);
    }

    @Test
    void aKeyGivenTwiceIsRefusedAtItsSecondLine() throws Exception {
        YamlFile yaml = YamlFile.read(file("language: ru\nthreshold: 3\nthreshold: 4\n"), "rules");
        assertEquals(yaml.file() + ", line 3: duplicate key 'threshold' in the rules",
                error(() -> yaml.map(yaml.root(), "the rules", null)));
    }

    @Test
    void aMissingKeyNamesTheMappingItBelongsIn() throws Exception {
        YamlFile yaml = YamlFile.read(file("types:\n  ERASURE:\n    words: [удалить]\n"), "rules");
        Map<String, Node> types = yaml.map(yaml.map(yaml.root(), "the rules", null).get("types"), "types", null);
        Node erasure = types.get("ERASURE");
        Map<String, Node> fields = yaml.map(erasure, "ERASURE", Set.of("words", "weight"));
        assertEquals(yaml.file() + ", line 3: missing key 'weight'",
                error(() -> yaml.required(fields, "weight", erasure)));
        assertEquals(List.of("удалить"), yaml.strings(yaml.required(fields, "words", erasure)));
    }

    @Test
    void wrongValuesNameTheLineTheRangeAndWhatWasWritten() throws Exception {
        YamlFile yaml = YamlFile.read(file("a: 3\nb: 300\nc: three\nd: 1.5\ne: NaN\nf: yes\ng: [1, 2]\nh: {x: 1}\n"),
                "rules");
        Map<String, Node> m = yaml.map(yaml.root(), "the rules", null);
        assertEquals(3, yaml.integer(m.get("a"), 1, 10));
        assertEquals(yaml.file() + ", line 2: expected a whole number from 1 to 10, got 300",
                error(() -> yaml.integer(m.get("b"), 1, 10)));
        assertEquals(yaml.file() + ", line 3: expected a whole number, got 'three'",
                error(() -> yaml.integer(m.get("c"), 1, 10)));
        assertEquals(1.5, yaml.number(m.get("d"), 0, 2, "0", "2"));
        assertEquals(yaml.file() + ", line 4: expected a number from 0 to 1, got 1.5",
                error(() -> yaml.number(m.get("d"), 0, 1, "0", "1")));
        assertEquals(yaml.file() + ", line 5: expected a number from 0 to 1, got NaN",
                error(() -> yaml.number(m.get("e"), 0, 1, "0", "1")));
        assertEquals(yaml.file() + ", line 6: expected true or false, got 'yes'", error(() -> yaml.bool(m.get("f"))));
        assertEquals(yaml.file() + ", line 7: expected a single value", error(() -> yaml.scalar(m.get("g"))));
        assertEquals(yaml.file() + ", line 8: value must be a list", error(() -> yaml.strings(m.get("h"))));
        assertEquals(yaml.file() + ", line 7: g must be a mapping (key: value)",
                error(() -> yaml.map(m.get("g"), "g", null)));
    }
}
