package kz.dsr.classify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import kz.dsr.intake.MailLimits;
import kz.dsr.intake.MailParser;
import kz.dsr.intake.ParsedMail;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code classify PATH...}: classifies .eml files the way the pipeline would and prints one JSON
 * object per mail on stdout. For operators checking a rules change, and for the accuracy checks.
 */
@Command(name = "classify", mixinStandardHelpOptions = true,
        description = "Classify .eml files (or directories of them, read in name order): one JSON line per mail on stdout.")
public final class ClassifyCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "an .eml file or a directory of .eml files")
    List<Path> paths = new ArrayList<>();

    @Option(names = "--rules", paramLabel = "PATH", defaultValue = "config/classifier.yaml",
            description = "classifier rules (default: ${DEFAULT-VALUE})")
    Path rules;

    private final PrintStream out;
    private final ObjectMapper json = new ObjectMapper();

    /** Writes to stdout in UTF-8 whatever the platform encoding. */
    public ClassifyCommand() {
        this(null);
    }

    ClassifyCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() {
        Classifier classifier;
        try {
            classifier = Classifier.fromFile(rules);
        } catch (IllegalArgumentException e) {
            System.err.println("classify: " + e.getMessage());
            return 2;
        }
        PrintStream stdout = out != null ? out : new PrintStream(System.out, true, StandardCharsets.UTF_8);
        MailParser parser = new MailParser(MailLimits.DEFAULTS);
        for (Path path : paths) {
            for (Path mail : mails(path, stdout)) {
                stdout.println(line(mail, classifier, parser));
            }
        }
        stdout.flush();
        return 0;
    }

    /** The path itself, or the .eml files of a directory sorted by name. */
    private List<Path> mails(Path path, PrintStream stdout) {
        if (!Files.isDirectory(path)) {
            return List.of(path);
        }
        try (Stream<Path> s = Files.list(path)) {
            return s.filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".eml"))
                    .filter(Files::isRegularFile)
                    .sorted((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()))
                    .toList();
        } catch (IOException e) {
            stdout.println(error(path, "cannot list the directory: " + e.getMessage()));
            return List.of();
        }
    }

    private String line(Path file, Classifier classifier, MailParser parser) {
        try {
            byte[] raw = Files.readAllBytes(file);
            ParsedMail mail = parser.parse(raw);
            Classification c = classifier.classify(mail.subject(), mail.newText());
            return json.writeValueAsString(result(file, c));
        } catch (IOException | RuntimeException e) {
            String why = e instanceof java.nio.file.NoSuchFileException ? "no such file"
                    : e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            return error(file, why);
        }
    }

    /** The JSON object of one mail, fields in a fixed order. */
    static Map<String, Object> result(Path file, Classification c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", file.toString());
        m.put("type", c.type().name());
        m.put("language", c.language());
        m.put("confidence", c.confidence());
        m.put("topTwo", c.topTwo());
        m.put("review", c.review());
        Identifiers ids = c.identifiers();
        Map<String, Object> i = new LinkedHashMap<>();
        i.put("emails", ids.emails());
        i.put("phones", ids.phones());
        i.put("iins", ids.iins());
        i.put("orderNumbers", ids.orderNumbers());
        Correction r = ids.rectification();
        if (r == null) {
            i.put("rectification", null);
        } else {
            Map<String, Object> rm = new LinkedHashMap<>();
            rm.put("field", r.field());
            rm.put("newValue", r.newValue());
            i.put("rectification", rm);
        }
        m.put("identifiers", i);
        m.put("evidence", c.evidence());
        return m;
    }

    private String error(Path file, String message) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", file.toString());
        m.put("error", message);
        try {
            return json.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            return "{\"file\": \"?\", \"error\": \"cannot write JSON\"}";
        }
    }
}
