package kz.dsr.notify;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reply templates in {@code config/templates/NAME.LANG.txt} (LANG ru, kk, en). A template is plain
 * text with {@code ${name}} placeholders; an operator edits them without a restart (a changed file
 * is read again).
 */
public final class Templates {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([a-zA-Z]+)}");

    private record Loaded(long modified, String text) {
    }

    private final Path dir;
    private final Map<Path, Loaded> cache = new ConcurrentHashMap<>();

    public Templates(Path dir) {
        this.dir = dir;
    }

    /** The template filled with the values; a placeholder without a value is an error naming the file. */
    public String render(String name, String language, Map<String, String> values) {
        Path file = dir.resolve(name + "." + language + ".txt");
        String text = load(file);
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = values.get(m.group(1));
            if (value == null) {
                int line = text.substring(0, m.start()).split("\n", -1).length;
                throw new IllegalArgumentException(file + ":" + line + ": unknown placeholder ${" + m.group(1)
                        + "}; this template may use " + values.keySet());
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    private String load(Path file) {
        try {
            long modified = Files.getLastModifiedTime(file).toMillis();
            Loaded loaded = cache.get(file);
            if (loaded == null || loaded.modified() != modified) {
                loaded = new Loaded(modified, Files.readString(file, StandardCharsets.UTF_8));
                cache.put(file, loaded);
            }
            return loaded.text();
        } catch (IOException e) {
            throw new UncheckedIOException("Reply template " + file.toAbsolutePath() + " cannot be read ("
                    + e.getMessage() + "). Check dsr.templates.dir.", e);
        }
    }
}
