package kz.dsr.secrets;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The secret values this process holds (passwords, tokens, the hash secret, credentials inside a URL),
 * so that nothing it prints shows one: {@link #mask} replaces each, as it is and URL-encoded, with
 * {@value #MASK}. Filled while the configuration is read, before anything connects or logs a summary;
 * the log layout ({@link MaskingLayout}) and the command line's error output mask through it.
 *
 * <p>This is the safety net behind the key-based masking of Camel's start-up summary: it also catches a
 * secret inside an exception message, a URL or any other text, whatever printed it.
 */
public final class Secrets {

    public static final String MASK = "***";
    /** Shorter values are not masked: hiding every "abc" in the log would garble it and protect nothing. */
    static final int MIN_LENGTH = 4;

    /** A password in a URL's user info: scheme://user:password@host. */
    private static final Pattern USER_INFO = Pattern.compile("://[^/@:\\s]*:([^/@\\s]+)@");
    /** A query or JDBC parameter: ?name=value, &name=value, ;name=value. */
    private static final Pattern PARAMETER = Pattern.compile("[?&;]([A-Za-z0-9_.-]+)=([^&;\\s]*)");
    /** Parameter names that carry a credential (password, api_key, access_token, secret, sig ...). */
    private static final Pattern SECRET_PARAMETER = Pattern.compile(".*(pass|pwd|secret|token|key|sig|auth).*");

    /** Every form to hide, longest first, so a secret that contains another is hidden whole. */
    private static volatile List<String> forms = List.of();

    private Secrets() {
    }

    /** A secret value: from now on masked wherever it is printed (blank and very short values are not). */
    public static synchronized void add(String value) {
        if (value == null || value.strip().length() < MIN_LENGTH) {
            return;
        }
        Set<String> all = new LinkedHashSet<>(forms);
        for (String v : List.of(value, value.strip())) {
            all.add(v);
            String encoded = URLEncoder.encode(v, StandardCharsets.UTF_8);
            all.add(encoded);
            all.add(encoded.replace("+", "%20"));
        }
        List<String> sorted = new ArrayList<>(all);
        sorted.sort(Comparator.comparingInt(String::length).reversed());
        forms = List.copyOf(sorted);
    }

    /**
     * The credentials written inside a setting's value, if any: a URL's user-info password and the
     * values of parameters named like a credential (a JDBC URL's {@code password=...}, an API's
     * {@code ?api_key=...}), both as written and decoded.
     */
    public static void addCredentialsIn(String value) {
        if (value == null || !value.contains("://")) {
            return;
        }
        Matcher user = USER_INFO.matcher(value);
        while (user.find()) {
            addEncoded(user.group(1));
        }
        Matcher p = PARAMETER.matcher(value);
        while (p.find()) {
            if (SECRET_PARAMETER.matcher(p.group(1).toLowerCase(Locale.ROOT)).matches()) {
                addEncoded(p.group(2));
            }
        }
    }

    private static void addEncoded(String written) {
        add(written);
        try {
            add(URLDecoder.decode(written, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException notEncoded) {
            // Not valid %-encoding: the value as written is the secret.
        }
    }

    /** The text with every known secret replaced by {@value #MASK}. */
    public static String mask(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String out = text;
        for (String secret : forms) {
            if (out.contains(secret)) {
                out = out.replace(secret, MASK);
            }
        }
        return out;
    }
}
