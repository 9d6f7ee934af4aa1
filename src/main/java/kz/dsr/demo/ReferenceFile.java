package kz.dsr.demo;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
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
 * One YAML file of reference data for the sample generators, on the classpath under
 * {@code demo/samples/}: a mapping of named lists. Read at node level, so that a value is the text
 * as written ({@code 07} stays "07", not the number 7) and a mistake names the file and the line.
 *
 * <p>Every key of the file must be read, and {@link #done()} refuses the others: a misspelt list
 * would otherwise be silently ignored while the generator goes on drawing from nothing.
 */
final class ReferenceFile {

    private final String resource;
    private final Map<String, NodeTuple> entries = new LinkedHashMap<>();

    private ReferenceFile(String resource, MappingNode root) {
        this.resource = resource;
        for (NodeTuple t : root.getValue()) {
            String key = text(t.getKeyNode());
            if (entries.put(key, t) != null) {
                throw error(t.getKeyNode(), "duplicate key '" + key + "'");
            }
        }
    }

    /** Reads {@code demo/samples/<path>} from the classpath. */
    static ReferenceFile read(String path) {
        String resource = "demo/samples/" + path;
        String text;
        try (InputStream in = ReferenceFile.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("Resource " + resource + " is missing from the classpath");
            }
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(in.readAllBytes())).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalStateException(resource + ": not UTF-8 text", e);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read " + resource + ": " + e.getMessage(), e);
        }
        return parse(resource, text);
    }

    /** Parses {@code text} as the file named {@code resource} (the name errors give). */
    static ReferenceFile parse(String resource, String text) {
        Node root;
        try {
            root = new Compose(LoadSettings.builder().setLabel(resource).build()).composeString(text).orElse(null);
        } catch (MarkedYamlEngineException e) {
            int line = e.getProblemMark().or(e::getContextMark).map(m -> m.getLine() + 1).orElse(0);
            throw new IllegalStateException(resource + ", line " + line + ": " + e.getProblem(), e);
        } catch (YamlEngineException e) {
            throw new IllegalStateException(resource + ": " + e.getMessage(), e);
        }
        if (!(root instanceof MappingNode mapping)) {
            throw new IllegalStateException(resource + ": expected a mapping of named lists");
        }
        return new ReferenceFile(resource, mapping);
    }

    /** A non-empty list of texts; an item written {@code ~} is null ("no value"). */
    List<String> strings(String key) {
        return list(key, this::textOrNull);
    }

    /** A single text. */
    String string(String key) {
        return text(take(key).getValueNode());
    }

    /** A non-empty list of mappings, each turned into a value by {@code item}. */
    <T> List<T> records(String key, Function<Entry, T> item) {
        return list(key, node -> {
            Entry e = new Entry(mapping(node));
            T value = item.apply(e);
            e.done();
            return value;
        });
    }

    /** A non-empty mapping of texts to whole numbers, in file order. */
    Map<String, Long> amounts(String key) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (NodeTuple t : mapping(take(key).getValueNode()).getValue()) {
            if (out.put(text(t.getKeyNode()), whole(t.getValueNode())) != null) {
                throw error(t.getKeyNode(), "duplicate key '" + text(t.getKeyNode()) + "' in " + key);
            }
        }
        if (out.isEmpty()) {
            throw new IllegalStateException(resource + ": " + key + " must not be empty");
        }
        return Collections.unmodifiableMap(out);
    }

    /** Refuses the keys that no one read. */
    void done() {
        if (!entries.isEmpty()) {
            NodeTuple first = entries.values().iterator().next();
            throw error(first.getKeyNode(), "unknown key '" + text(first.getKeyNode()) + "'");
        }
    }

    /** One mapping of a list of records: its values by key, as texts or numbers; each key is read once. */
    final class Entry {
        private final Map<String, Node> values = new LinkedHashMap<>();
        private final Node at;

        private Entry(MappingNode node) {
            this.at = node;
            for (NodeTuple t : node.getValue()) {
                values.put(text(t.getKeyNode()), t.getValueNode());
            }
        }

        String string(String key) {
            return text(get(key));
        }

        int integer(String key) {
            return Math.toIntExact(whole(get(key)));
        }

        double number(String key) {
            Node n = get(key);
            try {
                return Double.parseDouble(text(n));
            } catch (NumberFormatException e) {
                throw error(n, key + " must be a number, not '" + text(n) + "'");
            }
        }

        List<String> strings(String key) {
            Node n = get(key);
            if (!(n instanceof SequenceNode seq) || seq.getValue().isEmpty()) {
                throw error(n, key + " must be a non-empty list");
            }
            List<String> out = new ArrayList<>();
            for (Node item : seq.getValue()) {
                out.add(text(item));
            }
            return List.copyOf(out);
        }

        private Node get(String key) {
            Node n = values.remove(key);
            if (n == null) {
                throw error(at, "missing key '" + key + "'");
            }
            return n;
        }

        private void done() {
            if (!values.isEmpty()) {
                Node first = values.values().iterator().next();
                throw error(first, "unknown key '" + values.keySet().iterator().next() + "'");
            }
        }
    }

    private NodeTuple take(String key) {
        NodeTuple t = entries.remove(key);
        if (t == null) {
            throw new IllegalStateException(resource + ": missing key '" + key + "'");
        }
        return t;
    }

    private <T> List<T> list(String key, Function<Node, T> item) {
        Node node = take(key).getValueNode();
        if (!(node instanceof SequenceNode seq) || seq.getValue().isEmpty()) {
            throw error(node, key + " must be a non-empty list");
        }
        List<T> out = new ArrayList<>(seq.getValue().size());
        for (Node n : seq.getValue()) {
            out.add(item.apply(n));
        }
        return Collections.unmodifiableList(out); // may hold nulls, which List.copyOf refuses
    }

    private MappingNode mapping(Node node) {
        if (!(node instanceof MappingNode m)) {
            throw error(node, "expected a mapping (key: value)");
        }
        return m;
    }

    private String text(Node node) {
        if (!(node instanceof ScalarNode s) || isNull(s)) {
            throw error(node, "expected a value");
        }
        return s.getValue();
    }

    private String textOrNull(Node node) {
        return node instanceof ScalarNode s && isNull(s) ? null : text(node);
    }

    private long whole(Node node) {
        try {
            return Long.parseLong(text(node));
        } catch (NumberFormatException e) {
            throw error(node, "expected a whole number, not '" + text(node) + "'");
        }
    }

    private static boolean isNull(ScalarNode s) {
        return s.isPlain() && (s.getValue().isEmpty() || s.getValue().equals("~") || s.getValue().equals("null"));
    }

    private IllegalStateException error(Node at, String message) {
        int line = at.getStartMark().map(Mark::getLine).orElse(-1) + 1;
        return new IllegalStateException(resource + ", line " + line + ": " + message);
    }
}
