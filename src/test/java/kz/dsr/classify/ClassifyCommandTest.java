package kz.dsr.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import kz.dsr.DsrPipeline;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code classify PATH...}: one JSON object per mail on stdout, errors as lines, exit 0. */
class ClassifyCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static List<JsonNode> run(int expectedExit, String... args) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        int exit = new CommandLine(new ClassifyCommand(out)).execute(args);
        assertEquals(expectedExit, exit);
        List<JsonNode> lines = new ArrayList<>();
        for (String line : bytes.toString(StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank()) {
                lines.add(JSON.readTree(line));
            }
        }
        return lines;
    }

    private Path mails() throws IOException {
        Path mails = Files.createDirectory(dir.resolve("mails"));
        for (String name : List.of("d142.eml", "d001.eml", "d070.eml", "d209.eml")) {
            Files.copy(Corpus.DIR.resolve("dev").resolve(name), mails.resolve(name));
        }
        Files.writeString(mails.resolve("notes.txt"), "not a mail");
        return mails;
    }

    @Test
    void aDirectoryIsReadInNameOrderOneJsonLinePerMail() throws IOException {
        List<JsonNode> lines = run(0, "--rules", Corpus.RULES.toString(), mails().toString());
        assertEquals(4, lines.size(), "only .eml files");
        List<String> names = lines.stream().map(l -> Path.of(l.get("file").asText()).getFileName().toString()).toList();
        assertEquals(List.of("d001.eml", "d070.eml", "d142.eml", "d209.eml"), names);
        JsonNode first = lines.get(0);
        List<String> fields = new ArrayList<>();
        first.fieldNames().forEachRemaining(fields::add);
        assertEquals(List.of("file", "type", "language", "confidence", "topTwo", "review", "identifiers", "evidence"), fields);
        assertEquals("ERASURE", first.get("type").asText());
        assertEquals("ru", first.get("language").asText());
        assertTrue(first.get("confidence").isNumber());
        assertTrue(first.get("review").isBoolean());
        assertTrue(first.get("evidence").isArray() && first.get("evidence").size() > 0);
        JsonNode ids = first.get("identifiers");
        for (String key : List.of("emails", "phones", "iins", "orderNumbers")) {
            assertTrue(ids.get(key).isArray(), key);
        }
        assertTrue(ids.get("rectification").isNull());

        JsonNode rectification = lines.get(1);
        assertEquals("RECTIFICATION", rectification.get("type").asText());
        assertEquals("surname", rectification.get("identifiers").get("rectification").get("field").asText());
        assertEquals("Петрова", rectification.get("identifiers").get("rectification").get("newValue").asText());
        assertEquals("MARKETING_OPT_OUT", lines.get(2).get("type").asText());
        assertEquals("NOT_DSR", lines.get(3).get("type").asText());
    }

    @Test
    void aFileThatCannotBeReadGetsAnErrorLineAndTheOthersStillRun() throws IOException {
        Path mails = mails();
        Path missing = dir.resolve("missing.eml");
        List<JsonNode> lines = run(0, "--rules", Corpus.RULES.toString(), missing.toString(),
                mails.resolve("d001.eml").toString());
        assertEquals(2, lines.size());
        assertEquals(missing.toString(), lines.get(0).get("file").asText());
        assertTrue(lines.get(0).has("error"));
        assertFalse(lines.get(0).has("type"));
        assertEquals("ERASURE", lines.get(1).get("type").asText());
    }

    @Test
    void badRulesStopTheCommandWithAnError() throws IOException {
        Path rules = dir.resolve("bad.yaml");
        Files.writeString(rules, "reloadCheckSeconds: [\n");
        assertTrue(run(2, "--rules", rules.toString(), mails().toString()).isEmpty());
    }

    @Test
    void registeredAsASubcommandOfTheApplication() throws IOException {
        Path mails = mails();
        PrintStream original = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        int exit;
        try {
            exit = new CommandLine(new DsrPipeline()).execute("classify", "--rules", Corpus.RULES.toString(),
                    mails.resolve("d001.eml").toString());
        } finally {
            System.setOut(original);
        }
        assertEquals(0, exit);
        JsonNode line = JSON.readTree(bytes.toString(StandardCharsets.UTF_8).strip());
        assertEquals("ERASURE", line.get("type").asText());
        assertEquals("d001.eml", Path.of(line.get("file").asText()).getFileName().toString());
    }
}
