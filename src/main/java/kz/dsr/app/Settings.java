package kz.dsr.app;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import kz.dsr.config.ConfigurationError;
import kz.dsr.secrets.Secrets;
import org.apache.camel.CamelContext;
import org.apache.camel.util.SensitiveUtils;

/**
 * Typed access to the configuration, with errors an operator can act on: a bad value names the key,
 * the file and the line; an unknown {@code dsr.} key (a typo) is refused with the line it stands on.
 */
public final class Settings {

    /** The shipped configuration, packaged as a resource: the list of keys that exist. */
    static final String REFERENCE = "/reference/application.properties";

    private final CamelContext context;
    private final Path file;

    public Settings(CamelContext context, Path file) {
        this.context = context;
        this.file = file;
    }

    /**
     * The settings of a configuration file outside a running pipeline (operator commands): the same keys,
     * environment and -D overrides; its secrets are masked in anything printed from here on.
     */
    public static Settings fromFile(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigurationError("configuration file " + file.toAbsolutePath()
                    + " not found: run from the pipeline's directory or give --config FILE");
        }
        CamelContext context = new org.apache.camel.impl.DefaultCamelContext();
        context.getPropertiesComponent().setLocation("file:" + file);
        Settings settings = new Settings(context, file);
        settings.maskSecrets();
        return settings;
    }

    public String string(String key) {
        return context.getPropertiesComponent().resolveProperty(key)
                .map(String::strip)
                .orElseThrow(() -> new ConfigurationError(where(key) + ": " + key
                        + " is missing. Every key is listed, with its meaning, in the shipped config/application.properties."));
    }

    /** A key that may be left empty (or out): its value, or empty. */
    public java.util.Optional<String> optional(String key) {
        return context.getPropertiesComponent().resolveProperty(key).map(String::strip).filter(v -> !v.isEmpty());
    }

    /** A whole number of at least {@code min}: a smaller one is refused, naming the key and where it is set. */
    public int integerAtLeast(String key, int min) {
        String value = string(key);
        try {
            int n = Integer.parseInt(value);
            if (n < min) {
                throw new ConfigurationError(where(key) + ": " + key + " = " + value + " is below the minimum " + min);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new ConfigurationError(where(key) + ": " + key + " = '" + value
                    + "' is not a whole number (write digits only, e.g. " + key + " = 30)");
        }
    }

    public List<String> list(String key) {
        List<String> out = new ArrayList<>();
        for (String part : string(key).split(",")) {
            if (!part.isBlank()) {
                out.add(part.strip());
            }
        }
        return out;
    }

    /**
     * Hands the configuration's secrets to the mask of everything this process prints, before anything
     * can print one: the value of each secret key ({@link #isSecret}), and credentials written inside
     * any other value (a JDBC URL's {@code password=...}).
     */
    public void maskSecrets() {
        for (String key : referenceKeys()) {
            context.getPropertiesComponent().resolveProperty(key).ifPresent(value -> {
                if (isSecret(key)) {
                    Secrets.add(value);
                } else {
                    Secrets.addCredentialsIn(value);
                }
            });
        }
    }

    /** A key whose value is a secret: its name ends in password, token or secret (dsr.datamap.hash-secret). */
    static boolean isSecret(String key) {
        String name = key.substring(key.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
        return name.endsWith("password") || name.endsWith("token") || name.endsWith("secret");
    }

    /**
     * The names Camel must add to its own sensitive keywords to mask, by key, each of our secrets in its
     * start-up summary: those of our secret keys that its list does not hold (hash-secret), comma-separated
     * in its form (last part of the key, lower case, no dashes).
     */
    static String camelSensitiveKeywords() {
        Set<String> words = new java.util.TreeSet<>();
        for (String key : referenceKeys()) {
            if (isSecret(key) && !SensitiveUtils.containsSensitive(key)) {
                words.add(key.substring(key.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT).replace("-", ""));
            }
        }
        return String.join(",", words);
    }

    /** Refuses keys of ours that the pipeline does not know: a misspelt key would silently do nothing. */
    public void refuseUnknownKeys() {
        if (!Files.isRegularFile(file)) {
            return;
        }
        Set<String> known = referenceKeys();
        List<String> lines = readLines(file);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith("!")) {
                continue;
            }
            int eq = line.indexOf('=');
            String key = (eq < 0 ? line : line.substring(0, eq)).strip();
            if (key.startsWith("dsr.") && !known.contains(key)) {
                throw new ConfigurationError(file + ":" + (i + 1) + ": unknown key '" + key + "'"
                        + (renamed(key) != null ? ": " + renamed(key) : closest(key, known) + ". Remove it or correct its name."));
            }
        }
    }

    /** Where the value of a key comes from: -D, the environment, or the file's line. */
    public String where(String key) {
        if (System.getProperty(key) != null) {
            return "-D" + key;
        }
        String env = key.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_');
        if (System.getenv(env) != null) {
            return "environment variable " + env;
        }
        if (Files.isRegularFile(file)) {
            List<String> lines = readLines(file);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).strip();
                if (line.startsWith(key + " ") || line.startsWith(key + "=") || line.startsWith(key + ":")) {
                    return file + ":" + (i + 1);
                }
            }
        }
        return file + " (or the environment/-D)";
    }

    private static Set<String> referenceKeys() {
        Properties reference = new Properties();
        try (InputStream in = Settings.class.getResourceAsStream(REFERENCE)) {
            if (in == null) {
                throw new IllegalStateException("the packaged " + REFERENCE + " is missing: rebuild the jar");
            }
            reference.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new HashSet<>(reference.stringPropertyNames());
    }

    /** What became of a key an older configuration may still have; null for any other key. */
    private static String renamed(String key) {
        if (key.startsWith("dsr.deadline.calendar-days.")) {
            return "replaced by dsr.deadline." + key.substring("dsr.deadline.calendar-days.".length())
                    + " = N calendar-days (or N working-days)";
        }
        if (key.equals("dsr.deadline.default-calendar-days")) {
            return "replaced by dsr.deadline.default = N calendar-days";
        }
        if (key.equals("dsr.deadline.zone")) {
            return "the time zone moved to the calendar file (dsr.calendar.file, key zone)";
        }
        return null;
    }

    private static String closest(String key, Set<String> known) {
        return kz.dsr.config.DidYouMean.hint(key, known);
    }

    private static List<String> readLines(Path path) {
        try {
            return Files.readAllLines(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + path + ": " + e.getMessage(), e);
        }
    }
}
