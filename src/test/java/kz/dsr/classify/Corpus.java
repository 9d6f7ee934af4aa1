package kz.dsr.classify;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import kz.dsr.intake.MailLimits;
import kz.dsr.intake.MailParser;
import kz.dsr.intake.ParsedMail;

/** The labelled test messages: TSV rows (id, type, lang, subject, body) and the dev .eml files. */
final class Corpus {

    static final Path RULES = Path.of("config/classifier.yaml");
    static final Path DIR = Path.of("src/test/resources/classify");

    /** One labelled message, already split into subject and new text. */
    record Labelled(String id, String type, String lang, String subject, String body) {
    }

    private Corpus() {
    }

    /** Rows of a TSV file in the labelled-set format (columns id, type, lang, subject, body) ({@code \n} for line breaks). */
    static List<Labelled> tsv(String name) {
        try {
            List<String> lines = Files.readAllLines(DIR.resolve(name), StandardCharsets.UTF_8);
            List<Labelled> out = new ArrayList<>();
            for (String line : lines.subList(1, lines.size())) {
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.split("\t", -1);
                out.add(new Labelled(f[0], f[1], f[2], f[3], f[4].replace("\\n", "\n")));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The dev .eml files read by the intake parser, labelled by labels.csv. */
    static List<Labelled> devMail() {
        try {
            Path dir = DIR.resolve("dev");
            List<String> lines = Files.readAllLines(dir.resolve("labels.csv"), StandardCharsets.UTF_8);
            MailParser parser = new MailParser(MailLimits.DEFAULTS);
            List<Labelled> out = new ArrayList<>();
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.split(",");
                ParsedMail mail = parser.parse(Files.readAllBytes(dir.resolve(f[0])));
                out.add(new Labelled(f[0], f[1], f[2], mail.subject(), mail.newText()));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
