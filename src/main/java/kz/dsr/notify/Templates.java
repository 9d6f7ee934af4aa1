package kz.dsr.notify;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import kz.dsr.notify.MustacheTemplate.Kind;
import kz.dsr.notify.MustacheTemplate.Names;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reply templates in {@code config/templates/NAME.LANG.txt} (LANG ru, kk, en), in Mustache: plain text
 * with {@code {{name}}} for a value and {@code {{#list}}…{{/list}}} for a list the template lays out
 * itself. An operator edits them without a restart (a changed file is read again).
 *
 * <p>Every template the pipeline sends is listed below with the names it is given. When the
 * templates are opened (at start), each must exist in every language and use only those names; a
 * mistake stops the start with the file and the line rather than surfacing in a mail.
 */
public final class Templates {

    private static final Logger LOG = LoggerFactory.getLogger(Templates.class);

    /** The languages every template exists in. */
    public static final List<String> LANGUAGES = List.of("ru", "kk", "en");

    /** The template the pipeline sends, and the names each is given ("reference" always). */
    static final Map<String, Names> CATALOG = catalog();

    private static Map<String, Names> catalog() {
        Names none = Names.of("reference");
        Names completed = none.and("deleted", "anonymised", "changed", "exported", "field")
                .list("kept", "rows", "reason", "period")
                .list("categories", "title");
        Names deadline = none.and("type", "status", "kind", "dueDate");
        Map<String, Names> c = new LinkedHashMap<>();
        c.put("ack", none.and("dueDate"));
        c.put("verification", none);
        c.put("code", none.and("code", "expires"));
        c.put("code-address", none.and("code", "expires"));
        c.put("code-sms", none.and("code", "expires"));
        c.put("code-wrong", none.and("triesLeft"));
        c.put("expired", none);
        c.put("on-hold", none.and("reason"));
        c.put("rejected", none.and("reason"));
        c.put("review", none.and("type", "confidence", "reason", "evidence", "dueDate"));
        for (String type : List.of("erasure", "access", "access-confirmed", "rectification", "blocking",
                "consent-withdrawal", "marketing-opt-out")) {
            c.put("completed-" + type, completed);
        }
        c.put("identity-changed", none.and("field"));
        c.put("identity-changed-sms", none.and("field"));
        c.put("deadline-half", deadline.and("daysLeft"));
        c.put("deadline-days-left", deadline.and("daysLeft"));
        c.put("deadline-overdue", deadline.and("daysOverdue"));
        c.put("digest", none.and("date", "count")
                .list("requests", "reference", "type", "status", "due", "overdue", "daysLeft", "daysOverdue"));
        c.put("processor-escalation", none.and("processor", "what", "details", "subjectRequestId"));
        c.put("processor-certificate", none.and("processor", "domain", "problem"));
        c.put("processor-request", none.and("subjectRequestId", "type", "submittedTime", "processor")
                .list("identities", "type", "value", "hashed")
                .list("correction", "field", "newValue"));
        return java.util.Collections.unmodifiableMap(c);
    }

    private record Loaded(long modified, MustacheTemplate template) {
    }

    private final Path dir;
    private final Map<Path, Loaded> cache = new ConcurrentHashMap<>();

    /**
     * Opens the templates in {@code dir} and checks each of them.
     *
     * @throws IllegalArgumentException naming the file (and line) of a missing or unusable template
     */
    public Templates(Path dir) {
        this.dir = dir;
        if (!Files.isDirectory(dir)) {
            throw new kz.dsr.config.ConfigurationError("Reply templates directory " + dir.toAbsolutePath()
                    + " does not exist. Check dsr.templates.dir.");
        }
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, Names> t : CATALOG.entrySet()) {
            for (String language : LANGUAGES) {
                Path file = file(t.getKey(), language);
                if (Files.isRegularFile(file)) {
                    load(file, t.getValue());
                } else {
                    missing.add(file.toString());
                }
            }
        }
        if (!missing.isEmpty()) {
            throw new kz.dsr.config.ConfigurationError("Reply template(s) missing: "
                    + String.join(", ", missing.subList(0, Math.min(10, missing.size())))
                    + (missing.size() > 10 ? " and " + (missing.size() - 10) + " more" : "")
                    + ". Every template exists in " + LANGUAGES + " (dsr.templates.dir = " + dir + ").");
        }
        try (Stream<Path> files = Files.list(dir)) {
            files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".txt")).sorted()
                    .filter(n -> !isKnown(n))
                    .forEach(n -> LOG.warn("Reply template {} in {} is not one the pipeline sends; it is never used"
                            + " (a misspelt name or language?)", n, dir));
        } catch (IOException e) {
            throw new UncheckedIOException("Reply templates directory " + dir.toAbsolutePath() + " cannot be listed ("
                    + e.getMessage() + "). Check dsr.templates.dir.", e);
        }
    }

    private static boolean isKnown(String fileName) {
        for (String name : CATALOG.keySet()) {
            for (String language : LANGUAGES) {
                if (fileName.equals(name + "." + language + ".txt")) {
                    return true;
                }
            }
        }
        return false;
    }

    private Path file(String name, String language) {
        return dir.resolve(name + "." + language + ".txt");
    }

    /**
     * The template filled with the values (strings; a list as a list of maps). A name the template uses
     * without a value is an error naming the file and line.
     */
    public String render(String name, String language, Map<String, ?> values) {
        Names names = CATALOG.get(name);
        if (names == null) {
            throw new IllegalArgumentException("No reply template '" + name + "' is known; known: "
                    + new java.util.TreeSet<>(CATALOG.keySet()));
        }
        if (!LANGUAGES.contains(language)) {
            throw new IllegalArgumentException("Reply templates exist in " + LANGUAGES + ", not '" + language + "'");
        }
        return load(file(name, language), names).render(values);
    }

    private MustacheTemplate load(Path file, Names names) {
        try {
            long modified = Files.getLastModifiedTime(file).toMillis();
            Loaded loaded = cache.get(file);
            if (loaded == null || loaded.modified() != modified) {
                loaded = new Loaded(modified, MustacheTemplate.compile(Files.readString(file, StandardCharsets.UTF_8),
                        file.toString(), Kind.PLAIN_TEXT, names));
                cache.put(file, loaded);
            }
            return loaded.template();
        } catch (IOException e) {
            throw new UncheckedIOException("Reply template " + file.toAbsolutePath() + " cannot be read ("
                    + e.getMessage() + "). Check dsr.templates.dir.", e);
        }
    }
}
