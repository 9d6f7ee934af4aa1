package kz.dsr.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * An operator-edited YAML file read at node level, so that every mistake — syntax, an unknown key,
 * a wrong value — becomes an IllegalArgumentException naming the file and the line.
 *
 * <p>The one YAML reader of the config files (classifier rules, data map); uses the parser Camel's
 * YAML DSL already brings (snakeyaml-engine).
 */
public final class YamlFile {

    private final Path file;
    private final Node root;

    private YamlFile(Path file, Node root) {
        this.file = file;
        this.root = root;
    }

    /** Reads and parses the file; a syntax error or an empty file names the file and line. */
    public static YamlFile read(Path file, String what) {
        String text;
        try {
            byte[] raw = Files.readAllBytes(file);
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(raw)).toString();
        } catch (CharacterCodingException e) {
            throw new ConfigurationError(file + ": not UTF-8 text", e);
        } catch (IOException e) {
            throw new ConfigurationError(file + ": cannot read " + what + ": " + e.getMessage(), e);
        }
        Node root;
        try {
            LoadSettings settings = LoadSettings.builder().setLabel(file.toString()).build();
            root = new Compose(settings).composeString(text).orElse(null);
        } catch (MarkedYamlEngineException e) {
            int line = e.getProblemMark().or(e::getContextMark).map(m -> m.getLine() + 1).orElse(0);
            throw new ConfigurationError(file + ", line " + line + ": " + oneLine(e.getProblem()), e);
        } catch (YamlEngineException e) {
            throw new ConfigurationError(file + ": " + oneLine(e.getMessage()), e);
        }
        if (root == null) {
            throw new ConfigurationError(file + ", line 1: the file is empty");
        }
        return new YamlFile(file, root);
    }

    public Path file() {
        return file;
    }

    public Node root() {
        return root;
    }

    /** "FILE, line N: message" — the form of every config error. */
    public ConfigurationError error(Node at, String message) {
        return new ConfigurationError(where(at) + ": " + message);
    }

    /** "FILE, line N". */
    public String where(Node at) {
        return file + ", line " + line(at);
    }

    public static int line(Node node) {
        return node == null ? 0 : node.getStartMark().map(Mark::getLine).orElse(-1) + 1;
    }

    private static String oneLine(String s) {
        return s == null ? "syntax error" : s.replaceAll("\\s+", " ").trim();
    }

    /** The keys of a mapping, in file order; a key outside {@code allowed} (when given) is refused. */
    public Map<String, Node> map(Node node, String what, Set<String> allowed) {
        if (!(node instanceof MappingNode mapping)) {
            throw error(node, what + " must be a mapping (key: value)");
        }
        Map<String, Node> out = new LinkedHashMap<>();
        for (NodeTuple t : mapping.getValue()) {
            String key = scalar(t.getKeyNode());
            if (out.containsKey(key)) {
                throw error(t.getKeyNode(), "duplicate key '" + key + "' in " + what);
            }
            if (allowed != null && !allowed.contains(key)) {
                throw error(t.getKeyNode(), "unknown key '" + key + "' in " + what + " (expected one of "
                        + new TreeSet<>(allowed) + ")");
            }
            out.put(key, t.getValueNode());
        }
        return out;
    }

    /** The key nodes of a mapping by key, for errors that point at a key rather than its value. */
    public Map<String, Node> keyNodes(Node node) {
        Map<String, Node> out = new LinkedHashMap<>();
        if (node instanceof MappingNode mapping) {
            for (NodeTuple t : mapping.getValue()) {
                out.put(scalar(t.getKeyNode()), t.getKeyNode());
            }
        }
        return out;
    }

    public Node required(Map<String, Node> m, String key, Node parent) {
        Node n = m.get(key);
        if (n == null) {
            throw error(parent, "missing key '" + key + "'");
        }
        return n;
    }

    public List<Node> list(Node node, String what) {
        if (!(node instanceof SequenceNode seq)) {
            throw error(node, what + " must be a list");
        }
        return seq.getValue();
    }

    public String scalar(Node node) {
        if (!(node instanceof ScalarNode s)) {
            throw error(node, "expected a single value");
        }
        return s.getValue();
    }

    /** A scalar or a list of scalars, as a list. */
    public List<String> strings(Node node) {
        if (node instanceof ScalarNode s) {
            return List.of(s.getValue());
        }
        List<String> out = new ArrayList<>();
        for (Node n : list(node, "value")) {
            out.add(scalar(n));
        }
        return out;
    }

    public int integer(Node node, int min, int max) {
        String s = scalar(node);
        try {
            int v = Integer.parseInt(s.trim());
            if (v < min || v > max) {
                throw error(node, "expected a whole number from " + min + " to " + max + ", got " + s);
            }
            return v;
        } catch (NumberFormatException e) {
            throw error(node, "expected a whole number, got '" + s + "'");
        }
    }

    public double number(Node node, double min, double max, String shownMin, String shownMax) {
        String s = scalar(node);
        try {
            double v = Double.parseDouble(s.trim());
            if (Double.isNaN(v) || v < min || v > max) {
                throw error(node, "expected a number from " + shownMin + " to " + shownMax + ", got " + s);
            }
            return v;
        } catch (NumberFormatException e) {
            throw error(node, "expected a number, got '" + s + "'");
        }
    }

    public boolean bool(Node node) {
        String s = scalar(node).trim();
        if (s.equals("true")) {
            return true;
        }
        if (s.equals("false")) {
            return false;
        }
        throw error(node, "expected true or false, got '" + s + "'");
    }
}
