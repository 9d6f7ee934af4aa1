package kz.dsr.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The deployment files (deploy/kubernetes, deploy/systemd) against what the pipeline really reads and
 * serves: a probe on the wrong path restarts healthy pods forever, a secret under a name the pipeline
 * never reads leaves it without its password, a mounted file missing from the ConfigMap stops the pod.
 * No cluster is needed: the files are read as the tools would read them and compared with the
 * configuration, the docs and the image's build.
 */
class DeployFilesTest {

    /** What the management server serves, and the variable that moves it (docs/operations.md). */
    private static final int MANAGEMENT_PORT = 9876;
    private static final String MANAGEMENT_PORT_VARIABLE = "DSR_MANAGEMENT_PORT";
    private static final String LIVE = "/observe/health/live";
    private static final String READY = "/observe/health/ready";
    private static final String METRICS = "/observe/metrics";

    /** Largest total a ConfigMap may hold (Kubernetes refuses a bigger one). */
    private static final long CONFIG_MAP_LIMIT = 1024 * 1024;

    private static final Path KUBERNETES = Path.of("deploy", "kubernetes");

    @Test
    void everyKubernetesFileParsesAndEachObjectNamesItsKind() throws IOException {
        List<Map<String, Object>> all = objects();
        Set<String> kinds = new TreeSet<>();
        for (Map<String, Object> o : all) {
            assertTrue(o.get("apiVersion") instanceof String, "apiVersion in " + o);
            kinds.add((String) o.get("kind"));
            assertTrue(map(o, "metadata").get("name") instanceof String, "metadata.name in " + o);
        }
        assertTrue(kinds.containsAll(List.of("Deployment", "Service", "Secret", "PersistentVolumeClaim")), kinds.toString());
        Map<String, Object> kustomization = yaml(KUBERNETES.resolve("kustomization.yaml")).get(0);
        try (Stream<Path> files = Files.list(KUBERNETES)) {
            Set<String> manifests = files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".yaml") && !n.equals("kustomization.yaml")).collect(Collectors.toCollection(TreeSet::new));
            assertEquals(manifests, new TreeSet<>(strings(kustomization.get("resources"))),
                    "kubectl apply -k applies every manifest");
        }
    }

    @Test
    void theProbesAskTheManagementPortForLivenessAndReadinessAndTheCallbackPortIsThePipelines() throws IOException {
        Map<String, Object> container = container();
        Map<String, Integer> ports = new LinkedHashMap<>();
        for (Object p : list(container.get("ports"))) {
            ports.put((String) ((Map<?, ?>) p).get("name"), (Integer) ((Map<?, ?>) p).get("containerPort"));
        }
        assertEquals(MANAGEMENT_PORT, ports.get("management"));
        assertEquals(callbackPortDefault(), ports.get("callback"), "the callback port of config/application.properties");
        Map<String, String> env = env(container);
        assertEquals(String.valueOf(MANAGEMENT_PORT), env.get(MANAGEMENT_PORT_VARIABLE));
        assertEquals(String.valueOf(ports.get("callback")), env.get("DSR_HTTP_PORT"));

        assertProbe(container, "livenessProbe", LIVE, ports);
        assertProbe(container, "startupProbe", LIVE, ports);
        assertProbe(container, "readinessProbe", READY, ports);

        Map<String, Object> annotations = map(map(map(deployment(), "spec"), "template"), "metadata");
        annotations = map(annotations, "annotations");
        assertEquals(String.valueOf(MANAGEMENT_PORT), annotations.get("prometheus.io/port"));
        assertEquals(METRICS, annotations.get("prometheus.io/path"));

        Map<String, Object> service = ofKind("Service");
        List<Object> servicePorts = list(map(service, "spec").get("ports"));
        assertEquals(1, servicePorts.size(), "only the callback port is a Service");
        assertEquals("callback", ((Map<?, ?>) servicePorts.get(0)).get("targetPort"));
        assertEquals(ports.get("callback"), ((Map<?, ?>) servicePorts.get(0)).get("port"));
        assertEquals(map(map(map(deployment(), "spec"), "template"), "metadata").get("labels"),
                map(service, "spec").get("selector"), "the Service selects the Deployment's pods");
    }

    @Test
    void theDeploymentRunsTheImageAsTheImageIsBuilt() throws Exception {
        Element jib = jibConfiguration();
        Element container = child(jib, "container");
        String user = text(container, "user");
        String workingDirectory = text(container, "workingDirectory");
        Set<Integer> imagePorts = new TreeSet<>();
        NodeList ports = child(container, "ports").getElementsByTagName("port");
        for (int i = 0; i < ports.getLength(); i++) {
            imagePorts.add(Integer.parseInt(ports.item(i).getTextContent().strip()));
        }
        assertEquals(Set.of(callbackPortDefault(), MANAGEMENT_PORT), imagePorts, "the image's ports");
        assertEquals("/app", workingDirectory);
        assertTrue(text(container, "entrypoint").endsWith("-jar,dsr-pipeline.jar"), text(container, "entrypoint"));

        Map<String, Object> pod = map(map(deployment(), "spec"), "template");
        Map<String, Object> security = map(map(pod, "spec"), "securityContext");
        assertEquals(Boolean.TRUE, security.get("runAsNonRoot"));
        assertEquals(user, security.get("runAsUser") + ":" + security.get("runAsGroup"), "the image's user");
        assertEquals(2, map(deployment(), "spec").get("replicas"));

        Map<String, Object> container0 = container();
        assertEquals(List.of("run"), container0.get("args"));
        Map<String, Object> resources = map(container0, "resources");
        for (String kind : List.of("requests", "limits")) {
            assertTrue(map(resources, kind).containsKey("cpu") && map(resources, kind).containsKey("memory"),
                    kind + " of cpu and memory: " + resources);
        }
        for (Object m : list(container0.get("volumeMounts"))) {
            String path = (String) ((Map<?, ?>) m).get("mountPath");
            assertTrue(path.startsWith(workingDirectory + "/") || path.equals("/tmp"), path);
        }
    }

    @Test
    void theSecretHoldsEverySecretThePipelineReadsAndNoOtherName() throws IOException {
        Set<String> read = secretVariables();
        Set<String> inSecret = new TreeSet<>(map(ofKind("Secret"), "stringData").keySet());
        Set<String> unknown = new TreeSet<>(inSecret);
        unknown.removeAll(read);
        assertTrue(unknown.isEmpty(), "the pipeline reads no such variable: " + unknown + " (it reads " + read + ")");
        Set<String> missing = new TreeSet<>(read);
        missing.removeAll(inSecret);
        // Only while a rotation lasts (docs/security.md): added by hand then.
        missing.remove("DSR_DATAMAP_PREVIOUS_HASH_SECRET");
        assertTrue(missing.isEmpty(), "secrets the pipeline reads but the Secret lacks: " + missing);
        for (Object value : map(ofKind("Secret"), "stringData").values()) {
            assertEquals("", value, "placeholders only, never a value");
        }
        assertEquals(inSecret, envFileNames(Path.of("deploy", "systemd", "secrets.env.example")),
                "systemd's secrets file names the same variables");
    }

    @Test
    void theConfigMapIsMadeOfTheMountedFilesAsTheDocsCreateItAndFitsInOne() throws IOException {
        List<String> mounted = new ArrayList<>();
        for (Object m : list(container().get("volumeMounts"))) {
            Map<?, ?> mount = (Map<?, ?>) m;
            if ("config".equals(mount.get("name"))) {
                String file = (String) mount.get("subPath");
                assertEquals("/app/config/" + file, mount.get("mountPath"));
                assertTrue(Files.isRegularFile(Path.of("config", file)), "config/" + file + " exists");
                mounted.add(file);
            }
        }
        assertTrue(mounted.contains("application.properties"), mounted.toString());
        assertEquals("dsr-config", map(volume("config"), "configMap").get("name"));

        String operations = Files.readString(Path.of("docs", "operations.md"), StandardCharsets.UTF_8);
        String command = operations.lines().filter(l -> l.contains("kubectl create configmap dsr-config")).findFirst()
                .orElseThrow(() -> new AssertionError("docs/operations.md shows no `kubectl create configmap dsr-config`"));
        List<String> created = new ArrayList<>();
        Matcher m = Pattern.compile("--from-file=config/(\\S+)").matcher(command);
        while (m.find()) {
            created.add(m.group(1));
        }
        assertEquals(new TreeSet<>(mounted), new TreeSet<>(created), "the documented command creates what is mounted: " + command);

        long size = 0;
        for (String file : mounted) {
            size += Files.size(Path.of("config", file));
        }
        assertTrue(size < CONFIG_MAP_LIMIT * 3 / 4, "the shipped files take " + size + " bytes of a ConfigMap's "
                + CONFIG_MAP_LIMIT + ": room is left for a site's own data map");
    }

    @Test
    void theSystemdUnitRunsTheJarAsItsOwnUserWithItsSecretsInAFileAndRestartsOnFailure() throws IOException {
        Map<String, List<String>> service = unitSection(Path.of("deploy", "systemd", "dsr-pipeline.service"), "Service");
        String user = one(service, "User");
        assertNotEquals("root", user);
        assertFalse(user.isBlank());
        assertEquals("on-failure", one(service, "Restart"));
        assertTrue(one(service, "EnvironmentFile").startsWith("/etc/"), "secrets outside the installation");
        String exec = one(service, "ExecStart");
        assertTrue(exec.contains(" -jar dsr-pipeline.jar run"), exec);
        assertFalse(exec.contains("demo-lib"), exec);
        assertFalse(exec.matches(".*-D[a-z.-]*(password|secret|token)=.*"), "no secret on the command line: " + exec);
        assertFalse(one(service, "WorkingDirectory").isBlank());

        Set<String> known = knownVariables();
        for (String assignment : service.getOrDefault("Environment", List.of())) {
            String name = assignment.substring(0, assignment.indexOf('='));
            assertTrue(known.contains(name), name + " is not a variable the pipeline reads");
        }
        for (String name : env(container()).keySet()) {
            assertTrue(known.contains(name) || name.equals("CAMEL_SERVER_HOST"), name + " is not a variable the pipeline reads");
        }
    }

    // ---- what the pipeline reads -------------------------------------------------------------------

    /** Secrets: docs/security.md's table and the variables config/processors.yaml names. */
    private static Set<String> secretVariables() throws IOException {
        Set<String> out = new TreeSet<>();
        String security = Files.readString(Path.of("docs", "security.md"), StandardCharsets.UTF_8);
        for (String line : security.substring(security.indexOf("# Secrets")).lines().toList()) {
            Matcher m = Pattern.compile("^\\|[^|]*\\| `(DSR_[A-Z0-9_]+)` \\| `(dsr\\.[a-z0-9.-]+)` \\|$").matcher(line);
            if (m.find()) {
                assertEquals(envName(m.group(2)), m.group(1), "the table's variable is its setting's");
                out.add(m.group(1));
            }
        }
        Matcher m = Pattern.compile("[a-z]+-env: (DSR_[A-Z0-9_]+)").matcher(
                Files.readString(Path.of("config", "processors.yaml"), StandardCharsets.UTF_8));
        while (m.find()) {
            out.add(m.group(1));
        }
        assertTrue(out.contains("DSR_STORE_PASSWORD") && out.contains("DSR_PROCESSOR_PAYBOX_TOKEN"), out.toString());
        return out;
    }

    /** Every variable: each setting's environment form, {{env:...}} and ${...} names, the management port. */
    private static Set<String> knownVariables() throws IOException {
        Set<String> out = new TreeSet<>(secretVariables());
        String properties = Files.readString(Path.of("config", "application.properties"), StandardCharsets.UTF_8);
        for (String line : properties.lines().toList()) {
            int eq = line.indexOf('=');
            if (!line.startsWith("#") && eq > 0) {
                out.add(envName(line.substring(0, eq).strip()));
            }
        }
        Matcher env = Pattern.compile("\\{\\{env:([A-Z0-9_]+)").matcher(properties);
        while (env.find()) {
            out.add(env.group(1));
        }
        Matcher logback = Pattern.compile("\\$\\{(DSR_[A-Z0-9_]+)").matcher(
                Files.readString(Path.of("src", "main", "resources", "logback.xml"), StandardCharsets.UTF_8));
        while (logback.find()) {
            out.add(logback.group(1));
        }
        out.add(MANAGEMENT_PORT_VARIABLE);
        return out;
    }

    private static String envName(String key) {
        return key.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private static int callbackPortDefault() throws IOException {
        Matcher m = Pattern.compile("camel\\.server\\.port = \\{\\{env:DSR_HTTP_PORT:(\\d+)}}").matcher(
                Files.readString(Path.of("config", "application.properties"), StandardCharsets.UTF_8));
        assertTrue(m.find(), "camel.server.port in config/application.properties");
        return Integer.parseInt(m.group(1));
    }

    // ---- reading the files -------------------------------------------------------------------------

    private static void assertProbe(Map<String, Object> container, String probe, String path, Map<String, Integer> ports) {
        Map<String, Object> get = map(map(container, probe), "httpGet");
        assertEquals(path, get.get("path"), probe);
        Object port = get.get("port");
        assertEquals(MANAGEMENT_PORT, port instanceof String name ? ports.get(name) : port, probe + " port");
    }

    private static List<Map<String, Object>> objects() throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(KUBERNETES)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml") && !p.endsWith("kustomization.yaml")).sorted().toList()) {
                out.addAll(yaml(f));
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> yaml(Path file) throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Object doc : new Load(LoadSettings.builder().setLabel(file.toString()).build())
                .loadAllFromString(Files.readString(file, StandardCharsets.UTF_8))) {
            if (doc != null) {
                assertTrue(doc instanceof Map, file + ": a document is an object");
                out.add((Map<String, Object>) doc);
            }
        }
        assertFalse(out.isEmpty(), file + " is empty");
        return out;
    }

    private static Map<String, Object> ofKind(String kind) throws IOException {
        List<Map<String, Object>> found = objects().stream().filter(o -> kind.equals(o.get("kind"))).toList();
        assertEquals(1, found.size(), "one " + kind);
        return found.get(0);
    }

    private static Map<String, Object> deployment() throws IOException {
        return ofKind("Deployment");
    }

    private static Map<String, Object> container() throws IOException {
        List<Object> containers = list(map(map(map(deployment(), "spec"), "template"), "spec").get("containers"));
        assertEquals(1, containers.size());
        return map(Map.of("c", containers.get(0)), "c");
    }

    private static Map<String, Object> volume(String name) throws IOException {
        for (Object v : list(map(map(map(deployment(), "spec"), "template"), "spec").get("volumes"))) {
            if (name.equals(((Map<?, ?>) v).get("name"))) {
                return map(Map.of("v", v), "v");
            }
        }
        throw new AssertionError("no volume " + name);
    }

    private static Map<String, String> env(Map<String, Object> container) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Object e : list(container.get("env"))) {
            out.put((String) ((Map<?, ?>) e).get("name"), String.valueOf(((Map<?, ?>) e).get("value")));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> parent, String key) {
        Object v = parent.get(key);
        assertTrue(v instanceof Map, key + " is an object in " + parent);
        return (Map<String, Object>) v;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object v) {
        assertTrue(v instanceof List, "a list: " + v);
        return (List<Object>) v;
    }

    private static List<String> strings(Object v) {
        return list(v).stream().map(String::valueOf).toList();
    }

    private static Set<String> envFileNames(Path file) throws IOException {
        return Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                .filter(l -> !l.isBlank() && !l.startsWith("#"))
                .map(l -> l.substring(0, l.indexOf('=')))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** A unit file's section as key → values (a key may repeat, e.g. Environment=). */
    private static Map<String, List<String>> unitSection(Path file, String section) throws IOException {
        Map<String, List<String>> out = new LinkedHashMap<>();
        String current = null;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String l = line.strip();
            if (l.startsWith("[")) {
                current = l.substring(1, l.length() - 1);
            } else if (section.equals(current) && !l.isEmpty() && !l.startsWith("#")) {
                int eq = l.indexOf('=');
                out.computeIfAbsent(l.substring(0, eq), k -> new ArrayList<>()).add(l.substring(eq + 1));
            }
        }
        return out;
    }

    private static String one(Map<String, List<String>> section, String key) {
        List<String> values = section.getOrDefault(key, List.of());
        assertEquals(1, values.size(), key + "= once");
        return values.get(0);
    }

    private static Element jibConfiguration() throws Exception {
        var pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Path.of("pom.xml").toFile());
        NodeList plugins = pom.getElementsByTagName("plugin");
        for (int i = 0; i < plugins.getLength(); i++) {
            Element plugin = (Element) plugins.item(i);
            if ("jib-maven-plugin".equals(text(plugin, "artifactId"))) {
                return child(plugin, "configuration");
            }
        }
        throw new AssertionError("no jib-maven-plugin in pom.xml");
    }

    private static Element child(Element parent, String name) {
        for (var n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                return e;
            }
        }
        throw new AssertionError("no <" + name + "> in <" + parent.getTagName() + ">");
    }

    private static String text(Element parent, String name) {
        return child(parent, name).getTextContent().strip();
    }
}
