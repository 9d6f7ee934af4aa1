package kz.dsr.processors;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import kz.dsr.config.DidYouMean;
import kz.dsr.config.YamlFile;
import kz.dsr.notify.MustacheTemplate;
import kz.dsr.processors.DataProcessor.Auth;
import kz.dsr.processors.DataProcessor.IdentitySpec;
import kz.dsr.processors.DataProcessor.Kind;
import kz.dsr.request.RequestType;
import kz.dsr.store.Json;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Reads {@code config/processors.yaml}. Every mistake — an unknown key, a request type or data
 * category that does not exist, a template that is not JSON, a secret missing from the environment —
 * stops the start with the file and the line.
 */
public final class ProcessorsLoader {

    private static final Set<String> KEYS = Set.of("name", "description", "kind", "types", "categories",
            "confirm-within-days", "identities", "url", "method", "templates", "regulation", "auth",
            "connect-timeout-ms", "response-timeout-ms", "callback", "poll-minutes", "address", "language",
            "domain", "headers", "request-path", "api-version", "callbacks");
    /** The keys only an OpenDSR processor has. */
    private static final String[] OPENDSR_KEYS = {"domain", "headers", "request-path", "api-version", "callbacks",
            "poll-minutes", "regulation"};
    /** Request types OpenDSR can carry (its subject_request_type: erasure, access, portability). */
    private static final Set<RequestType> OPENDSR_TYPES = Set.of(RequestType.ERASURE, RequestType.ACCESS);
    private static final Set<String> IDENTITY_SOURCES = Set.of("email", "phone", "subject");
    private static final Set<String> LANGUAGES = Set.of("ru", "kk", "en");

    private final YamlFile yaml;
    private final Set<String> knownCategories;
    private final Function<String, String> environment;

    private ProcessorsLoader(YamlFile yaml, Set<String> knownCategories, Function<String, String> environment) {
        this.yaml = yaml;
        this.knownCategories = knownCategories;
        this.environment = environment;
    }

    /** Secrets from the environment, or (tests, the demo) a system property of the same name. */
    public static String fromEnvironment(String name) {
        String v = System.getenv(name);
        return v != null ? v : System.getProperty(name);
    }

    /**
     * Loads the processors; a missing file means no processors (a company that shares no data).
     *
     * @param knownCategories the data map's categories: a processor's categories must be among them
     */
    public static Processors load(Path file, Set<String> knownCategories, Function<String, String> environment) {
        if (!Files.exists(file)) {
            return new Processors(List.of());
        }
        YamlFile yaml = YamlFile.read(file, "the processors");
        return new ProcessorsLoader(yaml, knownCategories, environment).read();
    }

    private Processors read() {
        Map<String, Node> top = yaml.map(yaml.root(), "the processors file", Set.of("processors"));
        Node list = top.get("processors");
        if (list == null || list instanceof org.snakeyaml.engine.v2.nodes.ScalarNode s && s.getValue().isBlank()) {
            return new Processors(List.of());
        }
        List<DataProcessor> out = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        Set<String> domains = new LinkedHashSet<>();
        for (Node n : yaml.list(list, "processors")) {
            DataProcessor p = processor(n);
            if (!names.add(p.name())) {
                throw yaml.error(n, "a second processor named '" + p.name() + "': names must be unique");
            }
            if (p.openDsr().isPresent() && !domains.add(p.openDsr().get().domain())) {
                throw yaml.error(n, "processor " + p.name() + ": domain '" + p.openDsr().get().domain()
                        + "' is already another processor's");
            }
            out.add(p);
        }
        return new Processors(out);
    }

    private DataProcessor processor(Node node) {
        Map<String, Node> m = yaml.map(node, "a processor", null);
        for (Map.Entry<String, Node> e : yaml.keyNodes(node).entrySet()) {
            if (!KEYS.contains(e.getKey())) {
                throw yaml.error(e.getValue(), "unknown key '" + e.getKey() + "' in a processor"
                        + DidYouMean.hint(e.getKey(), KEYS));
            }
        }
        String name = yaml.scalar(yaml.required(m, "name", node)).strip();
        if (!name.matches("[a-z0-9][a-z0-9-]{0,62}")) {
            throw yaml.error(m.get("name"), "processor name '" + name + "' must be lowercase letters, digits and"
                    + " dashes (it is used in event keys and logs)");
        }
        String what = "processor " + name;
        Kind kind = kind(yaml.required(m, "kind", node), what);
        Set<RequestType> types = types(yaml.required(m, "types", node), what, kind);
        List<String> categories = categories(m.get("categories"), what);
        if (types.contains(RequestType.RECTIFICATION) && categories.isEmpty()) {
            throw yaml.error(m.get("types"), what + " receives RECTIFICATION but lists no categories: say which"
                    + " data categories it holds, so only corrections of those reach it");
        }
        Duration confirm = Duration.ofDays(yaml.integer(yaml.required(m, "confirm-within-days", node), 1, 365));
        List<IdentitySpec> identities = identities(m.get("identities"), what, kind);
        Optional<DataProcessor.Http> http = Optional.empty();
        Optional<DataProcessor.Email> email = Optional.empty();
        Optional<DataProcessor.OpenDsr> openDsr = Optional.empty();
        Duration poll = Duration.ZERO;
        switch (kind) {
            case OPENDSR, HTTP -> {
                refuse(m, what, kind, "address", "language");
                URI url = url(yaml.required(m, "url", node), what);
                String method = kind == Kind.OPENDSR ? "POST" : method(m.get("method"), what);
                Map<RequestType, PayloadTemplate> templates = kind == Kind.HTTP
                        ? templates(yaml.required(m, "templates", node), what, types) : Map.of();
                if (kind == Kind.OPENDSR) {
                    refuse(m, what, kind, "templates", "method");
                }
                String regulation = m.containsKey("regulation") ? yaml.scalar(m.get("regulation")).strip() : "gdpr";
                Auth auth = auth(m.get("auth"), what);
                if (kind == Kind.OPENDSR && auth.scheme() == Auth.Scheme.HMAC) {
                    throw yaml.error(m.get("auth"), what + ": auth scheme hmac is for custom http APIs; an OpenDSR"
                            + " processor authenticates by its certificate, and our calls by none, bearer or basic");
                }
                http = Optional.of(new DataProcessor.Http(url, method, templates, auth,
                        Duration.ofMillis(m.containsKey("connect-timeout-ms")
                                ? yaml.integer(m.get("connect-timeout-ms"), 100, 120_000) : 5_000),
                        Duration.ofMillis(m.containsKey("response-timeout-ms")
                                ? yaml.integer(m.get("response-timeout-ms"), 100, 300_000) : 15_000),
                        regulation));
                if (kind == Kind.OPENDSR) {
                    if (m.containsKey("callback")) {
                        throw yaml.error(m.get("callback"), what + ": OpenDSR callbacks are signed with the"
                                + " processor's certificate, not a shared secret: replace 'callback: {domain,"
                                + " secret-env}' by 'domain: <its OpenDSR domain>' (docs/processors.md, onboarding)");
                    }
                    openDsr = Optional.of(openDsr(m, what, url));
                    poll = Duration.ofMinutes(m.containsKey("poll-minutes")
                            ? yaml.integer(m.get("poll-minutes"), 0, 7 * 24 * 60) : 0);
                    if (!openDsr.get().callbacks() && poll.isZero()) {
                        throw yaml.error(node, what + ": an OpenDSR processor needs a way to confirm: callbacks"
                                + " (callbacks: true) or polling (poll-minutes > 0), or both");
                    }
                } else {
                    refuse(m, what, kind, "callback");
                    refuse(m, what, kind, OPENDSR_KEYS);
                }
            }
            case EMAIL -> {
                refuse(m, what, kind, "url", "method", "templates", "auth", "connect-timeout-ms",
                        "response-timeout-ms", "callback");
                refuse(m, what, kind, OPENDSR_KEYS);
                String address = yaml.scalar(yaml.required(m, "address", node)).strip();
                if (!address.matches("[^@\\s]+@[^@\\s]+\\.[^@\\s]+")) {
                    throw yaml.error(m.get("address"), what + ": '" + address + "' is not an e-mail address");
                }
                String language = m.containsKey("language") ? yaml.scalar(m.get("language")).strip() : "en";
                if (!LANGUAGES.contains(language)) {
                    throw yaml.error(m.get("language"), what + ": language '" + language + "' is not one of " + LANGUAGES);
                }
                email = Optional.of(new DataProcessor.Email(address.toLowerCase(Locale.ROOT), language));
            }
        }
        String description = m.containsKey("description") ? yaml.scalar(m.get("description")).strip() : "";
        return new DataProcessor(name, description, kind, types, categories, confirm, identities, http, email, openDsr,
                poll, YamlFile.line(node));
    }

    private void refuse(Map<String, Node> m, String what, Kind kind, String... keys) {
        for (String k : keys) {
            if (m.containsKey(k)) {
                throw yaml.error(m.get(k), what + ": '" + k + "' does not apply to kind "
                        + kind.name().toLowerCase(Locale.ROOT));
            }
        }
    }

    private Kind kind(Node n, String what) {
        String v = yaml.scalar(n).strip().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "opendsr" -> Kind.OPENDSR;
            case "http" -> Kind.HTTP;
            case "email" -> Kind.EMAIL;
            default -> throw yaml.error(n, what + ": kind '" + v + "' is not opendsr, http or email"
                    + DidYouMean.hint(v, List.of("opendsr", "http", "email")));
        };
    }

    private Set<RequestType> types(Node n, String what, Kind kind) {
        Set<RequestType> out = new LinkedHashSet<>();
        List<String> known = new ArrayList<>();
        for (RequestType t : RequestType.values()) {
            if (t != RequestType.NOT_DSR && t != RequestType.UNKNOWN) {
                known.add(t.name());
            }
        }
        for (String s : yaml.strings(n)) {
            String v = s.strip().toUpperCase(Locale.ROOT);
            if (!known.contains(v)) {
                throw yaml.error(n, what + ": '" + s + "' is not a request type " + known + DidYouMean.hint(v, known));
            }
            RequestType t = RequestType.valueOf(v);
            if (kind == Kind.OPENDSR && !OPENDSR_TYPES.contains(t)) {
                throw yaml.error(n, what + ": OpenDSR carries only erasure and access requests, not " + v
                        + "; tell this processor of " + v + " by a custom http or email processor");
            }
            out.add(t);
        }
        if (out.isEmpty()) {
            throw yaml.error(n, what + ": types is empty: which requests does it receive?");
        }
        return out;
    }

    private List<String> categories(Node n, String what) {
        if (n == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String s : yaml.strings(n)) {
            String c = s.strip();
            boolean known = knownCategories.stream().anyMatch(k -> k.equals(c) || k.startsWith(c + "."));
            if (!known) {
                throw yaml.error(n, what + ": data category '" + c + "' is not in the data map"
                        + DidYouMean.hint(c, knownCategories));
            }
            out.add(c);
        }
        return out;
    }

    private List<IdentitySpec> identities(Node n, String what, Kind kind) {
        if (n == null) {
            throw yaml.error(null, what + ": identities is missing: which identities of the subject does it get?");
        }
        List<IdentitySpec> out = new ArrayList<>();
        for (Node item : yaml.list(n, "identities")) {
            Map<String, Node> m = yaml.map(item, "an identity", Set.of("from", "type", "format"));
            String from = yaml.scalar(yaml.required(m, "from", item)).strip();
            if (!IDENTITY_SOURCES.contains(from)) {
                throw yaml.error(m.get("from"), what + ": identity from '" + from + "' is not one of "
                        + IDENTITY_SOURCES + DidYouMean.hint(from, IDENTITY_SOURCES));
            }
            String type = m.containsKey("type") ? yaml.scalar(m.get("type")).strip() : from;
            String format = m.containsKey("format") ? yaml.scalar(m.get("format")).strip() : "raw";
            if (!format.equals("raw") && !format.equals("sha256")) {
                throw yaml.error(m.get("format"), what + ": identity format '" + format + "' is not raw or sha256");
            }
            out.add(new IdentitySpec(from, type, format.equals("sha256")));
        }
        if (out.isEmpty()) {
            throw yaml.error(n, what + ": identities is empty: the processor could not find the person");
        }
        return out;
    }

    private URI url(Node n, String what) {
        String v = yaml.scalar(n).strip();
        try {
            URI u = URI.create(v);
            if (!("https".equals(u.getScheme()) || "http".equals(u.getScheme())) || u.getHost() == null) {
                throw yaml.error(n, what + ": url '" + v + "' must be an http(s) URL with a host");
            }
            return URI.create(v.endsWith("/") ? v.substring(0, v.length() - 1) : v);
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(yaml.file().toString())) {
                throw e;
            }
            throw yaml.error(n, what + ": url '" + v + "' is not a URL: " + e.getMessage());
        }
    }

    private String method(Node n, String what) {
        String v = n == null ? "POST" : yaml.scalar(n).strip().toUpperCase(Locale.ROOT);
        if (!Set.of("POST", "PUT", "DELETE").contains(v)) {
            throw yaml.error(n, what + ": method '" + v + "' is not POST, PUT or DELETE");
        }
        return v;
    }

    private Map<RequestType, PayloadTemplate> templates(Node n, String what, Set<RequestType> types) {
        Map<RequestType, PayloadTemplate> out = new EnumMap<>(RequestType.class);
        Map<String, Node> keys = yaml.keyNodes(n);
        for (Map.Entry<String, Node> e : yaml.map(n, "templates", null).entrySet()) {
            RequestType t;
            try {
                t = RequestType.valueOf(e.getKey().strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException x) {
                throw yaml.error(keys.get(e.getKey()), what + ": template for '" + e.getKey()
                        + "', which is not a request type");
            }
            if (!types.contains(t)) {
                throw yaml.error(keys.get(e.getKey()), what + ": template for " + t + ", which is not in its types");
            }
            String text = yaml.scalar(e.getValue());
            PayloadTemplate template;
            try {
                template = PayloadTemplate.compile(text, "template " + t);
            } catch (MustacheTemplate.Problem p) {
                throw yaml.error(e.getValue(), what + ": template " + t
                        + (text.contains("\n") ? " (its line " + p.line() + ")" : "") + ": " + p.reason());
            }
            // Every value in quotes and the rest JSON: rendered with a value full of quotes, and with none,
            // both must be JSON (a tag outside quotes, or a section that leaves a dangling comma, is not).
            Map<String, String> sample = new LinkedHashMap<>();
            PayloadTemplate.NAMES.forEach(k -> sample.put(k, "x\"y"));
            for (Map<String, String> values : List.of(sample, Map.<String, String>of())) {
                try {
                    Json.mapper().readTree(template.render(values));
                } catch (Exception x) {
                    throw yaml.error(e.getValue(), what + ": template " + t + " is not JSON"
                            + (values.isEmpty() ? " when its values are empty" : "") + ": "
                            + String.valueOf(x.getMessage()).lines().findFirst().orElse("")
                                    .replaceAll("\\s*\\(start marker.*|\\s*at \\[Source.*", ""));
                }
            }
            out.put(t, template);
        }
        for (RequestType t : types) {
            if (!out.containsKey(t)) {
                throw yaml.error(n, what + ": no template for " + t + ", which is in its types");
            }
        }
        return out;
    }

    private Auth auth(Node n, String what) {
        if (n == null) {
            return Auth.NONE;
        }
        Map<String, Node> m = yaml.map(n, "auth", Set.of("scheme", "token-env", "username-env", "password-env",
                "secret-env", "header"));
        String scheme = yaml.scalar(yaml.required(m, "scheme", n)).strip().toLowerCase(Locale.ROOT);
        return switch (scheme) {
            case "none" -> Auth.NONE;
            case "bearer" -> new Auth(Auth.Scheme.BEARER, secret(m, "token-env", n, what), null, null, null);
            case "basic" -> new Auth(Auth.Scheme.BASIC, null, secret(m, "username-env", n, what),
                    secret(m, "password-env", n, what), null);
            case "hmac" -> new Auth(Auth.Scheme.HMAC, secret(m, "secret-env", n, what), null, null,
                    m.containsKey("header") ? yaml.scalar(m.get("header")).strip() : "X-Signature");
            default -> throw yaml.error(m.get("scheme"), what + ": auth scheme '" + scheme
                    + "' is not none, bearer, basic or hmac");
        };
    }

    /** An OpenDSR processor's domain, header family, request path, API version and whether it calls back. */
    private DataProcessor.OpenDsr openDsr(Map<String, Node> m, String what, URI url) {
        String domain = m.containsKey("domain") ? yaml.scalar(m.get("domain")).strip().toLowerCase(Locale.ROOT)
                : url.getHost().toLowerCase(Locale.ROOT);
        if (!domain.matches("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+")) {
            throw yaml.error(m.get("domain"), what + ": domain '" + domain + "' is not a DNS name like"
                    + " opendsr.processor.example (the name its certificate is issued for)");
        }
        OpenDsrHeaders headers = OpenDsrHeaders.OPENCOMPLIANCE;
        if (m.containsKey("headers")) {
            String h = yaml.scalar(m.get("headers")).strip().toLowerCase(Locale.ROOT);
            List<String> known = java.util.Arrays.stream(OpenDsrHeaders.values()).map(OpenDsrHeaders::key).toList();
            headers = OpenDsrHeaders.byKey(h).orElseThrow(() -> yaml.error(m.get("headers"), what + ": headers '" + h
                    + "' is not one of " + known + DidYouMean.hint(h, known)));
        }
        String path = headers.defaultRequestPath();
        if (m.containsKey("request-path")) {
            path = yaml.scalar(m.get("request-path")).strip();
            if (!path.matches("(/[A-Za-z0-9._~-]+)+")) {
                throw yaml.error(m.get("request-path"), what + ": request-path '" + path + "' must be a path like"
                        + " /opendsr_requests");
            }
        }
        String apiVersion = m.containsKey("api-version") ? yaml.scalar(m.get("api-version")).strip() : "1.0";
        if (!apiVersion.matches("\\d+(\\.\\d+){0,2}")) {
            throw yaml.error(m.get("api-version"), what + ": api-version '" + apiVersion + "' is not a version like 1.0");
        }
        boolean callbacks = true;
        if (m.containsKey("callbacks")) {
            String c = yaml.scalar(m.get("callbacks")).strip().toLowerCase(Locale.ROOT);
            if (!c.equals("true") && !c.equals("false")) {
                throw yaml.error(m.get("callbacks"), what + ": callbacks is true or false, not '" + c + "'");
            }
            callbacks = c.equals("true");
        }
        return new DataProcessor.OpenDsr(domain, headers, path, apiVersion, callbacks);
    }

    /** The value of the environment variable named at {@code key}; missing or empty stops the start. */
    private String secret(Map<String, Node> m, String key, Node parent, String what) {
        String var = yaml.scalar(yaml.required(m, key, parent)).strip();
        if (!var.matches("[A-Z][A-Z0-9_]*")) {
            throw yaml.error(m.get(key), what + ": " + key + " names an environment variable (like DSR_X_TOKEN),"
                    + " not a value: secrets are never written in config files");
        }
        String v = environment.apply(var);
        if (v == null || v.isBlank()) {
            throw yaml.error(m.get(key), what + ": the environment variable " + var + " (" + key + ") is not set."
                    + " Export it with the value the processor gave you, or set dsr.processors.file empty to run without processors");
        }
        kz.dsr.secrets.Secrets.add(v);
        return v;
    }
}
