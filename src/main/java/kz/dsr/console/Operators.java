package kz.dsr.console;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import kz.dsr.config.ConfigurationError;
import org.mindrot.jbcrypt.BCrypt;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The console's operator accounts, kept in {@code config/operators.yaml}: name, role, language and a bcrypt
 * hash of the password (never the password). Read again whenever the file changes, so an account added with
 * {@code operators add} signs in without a restart.
 *
 * <p>Checking a password costs the same whether the name exists or not: an unknown name is checked against
 * a hash of the same cost made at start, so neither the answer nor its time tells which names exist.
 */
public final class Operators {

    /** One account. */
    public record Account(String name, Role role, String language, String hash) {
    }

    /** Names: lower-case letters, digits, dot, dash, underscore; they appear in timelines as operator:NAME. */
    static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,39}");
    /** The cost of new hashes (2^12 rounds: about a quarter of a second here, per sign-in). */
    public static final int ROUNDS = 12;

    private final Path file;
    private Map<String, Account> accounts = Map.of();
    /** The file as last read (its modification time and inode: a new file moved in is seen even within one tick). */
    private Object loadedAt;
    private String dummyHash;

    public Operators(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    /** The account with this name (any case), as the file says now. */
    public synchronized Optional<Account> find(String name) {
        reloadIfChanged();
        return Optional.ofNullable(accounts.get(name == null ? "" : name.strip().toLowerCase(Locale.ROOT)));
    }

    public synchronized List<Account> all() {
        reloadIfChanged();
        return List.copyOf(accounts.values());
    }

    /** The account when the name exists and the password is its; empty otherwise, after the same work. */
    public Optional<Account> check(String name, String password) {
        Optional<Account> account = find(name);
        String hash = account.map(Account::hash).orElseGet(this::dummyHash);
        boolean matches;
        try {
            matches = BCrypt.checkpw(password == null ? "" : password, hash);
        } catch (IllegalArgumentException e) {
            // A hash the file got wrong: that account cannot sign in, and nothing else is told.
            matches = false;
        }
        return matches ? account : Optional.empty();
    }

    /** A bcrypt hash of {@code password} at {@code rounds} (4 to 31). */
    public static String hash(String password, int rounds) {
        return BCrypt.hashpw(password, BCrypt.gensalt(rounds, new SecureRandom()));
    }

    /**
     * Adds the account, or gives an existing one a new role and password; the file is written anew (its
     * accounts only, in name order) through a temporary file, so a reader never sees half of it.
     */
    public synchronized void put(Account account) {
        reloadIfChanged();
        Map<String, Account> next = new java.util.TreeMap<>(accounts);
        next.put(account.name(), account);
        StringBuilder text = new StringBuilder();
        text.append("# Operators of the web console (/console). Written by `dsr-pipeline operators add NAME --role R`;\n")
                .append("# roles: viewer (sees), operator (also reads mails and decides), admin (also dead letters).\n")
                .append("# password is a bcrypt hash, never the password. Readable by the pipeline's user only.\n")
                .append("operators:\n");
        for (Account a : next.values()) {
            text.append("  - name: ").append(a.name()).append('\n')
                    .append("    role: ").append(a.role().label()).append('\n')
                    .append("    language: ").append(a.language()).append('\n')
                    .append("    password: \"").append(a.hash()).append("\"\n");
        }
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path temporary = Files.createTempFile(parent, ".operators", ".yaml");
            Files.writeString(temporary, text, StandardCharsets.UTF_8);
            Files.move(temporary, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
        loadedAt = null;
    }

    private synchronized String dummyHash() {
        if (dummyHash == null) {
            dummyHash = hash(Long.toHexString(new SecureRandom().nextLong()), roundsInUse());
        }
        return dummyHash;
    }

    /** The cost of the file's hashes (the first account's), so the dummy check takes as long as a real one. */
    private int roundsInUse() {
        for (Account a : accounts.values()) {
            String[] parts = a.hash().split("\\$");
            if (parts.length > 2) {
                try {
                    return Integer.parseInt(parts[2]);
                } catch (NumberFormatException e) {
                    // not a bcrypt hash: try the next
                }
            }
        }
        return ROUNDS;
    }

    private void reloadIfChanged() {
        Object modified;
        try {
            java.nio.file.attribute.BasicFileAttributes a = Files.isRegularFile(file)
                    ? Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class) : null;
            modified = a == null ? null : java.util.List.of(a.lastModifiedTime(), String.valueOf(a.fileKey()), a.size());
        } catch (IOException e) {
            modified = null;
        }
        if (modified == null) {
            accounts = Map.of();
            loadedAt = null;
            return;
        }
        if (modified.equals(loadedAt)) {
            return;
        }
        accounts = read(file);
        loadedAt = modified;
        dummyHash = null;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Account> read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        Object root = new Load(LoadSettings.builder().build()).loadFromString(text);
        Map<String, Account> found = new LinkedHashMap<>();
        if (root == null) {
            return found;
        }
        if (!(root instanceof Map<?, ?> map) || !(map.get("operators") instanceof List<?> list)) {
            throw new ConfigurationError(file + ": expected a list under 'operators:' (see `operators add`)");
        }
        List<String> problems = new ArrayList<>();
        int i = 0;
        for (Object o : list) {
            i++;
            if (!(o instanceof Map<?, ?> entry)) {
                problems.add("entry " + i + " is not name/role/password");
                continue;
            }
            Map<String, Object> e = (Map<String, Object>) entry;
            String name = String.valueOf(e.get("name")).strip().toLowerCase(Locale.ROOT);
            Role role = Role.parse(String.valueOf(e.get("role")));
            Object hash = e.get("password");
            String language = e.get("language") == null ? "ru" : String.valueOf(e.get("language"));
            if (!NAME.matcher(name).matches() || role == null || hash == null) {
                problems.add("entry " + i + " needs a name (a-z, 0-9, . _ -), a role (viewer, operator, admin) and a"
                        + " password hash");
                continue;
            }
            found.put(name, new Account(name, role, language.equals("en") ? "en" : "ru", String.valueOf(hash)));
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationError(file + ": " + String.join("; ", problems));
        }
        return found;
    }
}
