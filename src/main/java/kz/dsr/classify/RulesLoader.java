package kz.dsr.classify;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import kz.dsr.config.YamlFile;
import kz.dsr.request.RequestType;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Reads config/classifier.yaml into {@link Rules}. Every mistake — YAML syntax, an unknown key,
 * a wrong value, a rule naming a concept that does not exist — is an IllegalArgumentException
 * whose message names the file and the line, so an operator can fix it.
 *
 * <p>Uses the YAML parser Camel's YAML DSL already brings (snakeyaml-engine), at node level, to
 * keep line numbers.
 */
final class RulesLoader {

    private final YamlFile yaml;

    private RulesLoader(YamlFile yaml) {
        this.yaml = yaml;
    }

    static Rules load(Path file) {
        return new RulesLoader(YamlFile.read(file, "the classifier rules")).parse();
    }

    private Rules parse() {
        Node root = yaml.root();
        Map<String, Node> top = map(root, "the file", Set.of("version", "reloadCheckSeconds", "scoring", "text",
                "negation", "kazakh", "language", "concepts", "rules", "guards", "identifiers", "mood", "model"));
        int reload = integer(required(top, "reloadCheckSeconds", root), 0, 86_400);

        Map<String, Node> k = map(required(top, "kazakh", root), "kazakh",
                Set.of("minStem", "minRuleStem", "suffixes", "negativeEndings", "particles", "converbEndings", "auxiliaries", "lightConverbs"));
        KazakhStemmer stemmer = new KazakhStemmer(strings(required(k, "suffixes", root)),
                strings(required(k, "negativeEndings", root)), strings(required(k, "particles", root)),
                integer(required(k, "minStem", root), 2, 10), integer(required(k, "minRuleStem", root), 2, 10));
        List<String> converbs = new ArrayList<>();
        for (String s : strings(required(k, "converbEndings", root))) {
            converbs.add(TextForms.fold(TextForms.lower(s)));
        }
        Set<String> auxiliaries = new HashSet<>(); // roots as given: a word is one when a stem of it is
        for (String s : strings(required(k, "auxiliaries", root))) {
            auxiliaries.add(TextForms.fold(TextForms.lower(s.trim())));
        }
        Set<String> light = new HashSet<>(); // converbs of "do / make" (етіп): the verb after them is the main verb
        if (k.containsKey("lightConverbs")) {
            for (String s : strings(k.get("lightConverbs"))) {
                light.add(TextForms.fold(TextForms.lower(s.trim())));
            }
        }
        Rules.KazakhMorphology kazakh = new Rules.KazakhMorphology(stemmer, List.copyOf(converbs), Set.copyOf(auxiliaries),
                Set.copyOf(light));

        Vocabulary.Builder vocabulary = new Vocabulary.Builder(stemmer);
        Rules.Scoring scoring = scoring(required(top, "scoring", root));
        Rules.TextSettings textSettings = textSettings(required(top, "text", root));
        Rules.LanguageWords language = language(required(top, "language", root));

        Node conceptsNode = required(top, "concepts", root);
        Map<String, Node> concepts = map(conceptsNode, "concepts", null);
        for (Map.Entry<String, Node> e : concepts.entrySet()) {
            if (e.getKey().startsWith("_")) {
                throw error(e.getValue(), "concept names starting with _ are reserved: " + e.getKey());
            }
            concept(e.getKey(), e.getValue(), vocabulary);
        }
        Rules.IdentifierWords identifiers = identifiers(required(top, "identifiers", root), vocabulary);
        Rules.Negation negation = negation(required(top, "negation", root), vocabulary);

        List<Rules.Rule> rules = new ArrayList<>();
        for (Node r : list(required(top, "rules", root), "rules")) {
            rules.add(rule(r, vocabulary));
        }
        List<Rules.Guard> guards = new ArrayList<>();
        Node guardsNode = top.get("guards");
        if (guardsNode != null) {
            for (Node g : list(guardsNode, "guards")) {
                guards.add(guard(g, vocabulary));
            }
        }
        Rules.Mood mood = top.containsKey("mood") ? mood(top.get("mood"), vocabulary) : null;
        Rules.ModelSettings model = top.containsKey("model") ? model(top.get("model")) : null;
        Vocabulary built = vocabulary.build();
        return new Rules(yaml.file(), reload, scoring, textSettings, negation, kazakh, language, built,
                List.copyOf(rules), List.copyOf(guards), identifiers, mood, model);
    }

    private Rules.ModelSettings model(Node node) {
        Map<String, Node> m = map(node, "model", Set.of("file", "reviewBelow", "overruleConfident", "overruleSure", "confirmDestructive",
                "confirmDoubted", "requestReview"));
        String name = scalar(required(m, "file", node)).trim();
        if (name.isEmpty()) {
            throw error(m.get("file"), "model.file is empty");
        }
        Path dir = yaml.file().toAbsolutePath().getParent();
        Path file = dir == null ? Path.of(name) : dir.resolve(name);
        return new Rules.ModelSettings(file.normalize(),
                m.containsKey("reviewBelow") ? number(m.get("reviewBelow"), 0, 1) : 0.8,
                m.containsKey("overruleConfident") ? number(m.get("overruleConfident"), 0, 2) : 2,
                m.containsKey("overruleSure") ? number(m.get("overruleSure"), 0, 2) : 2,
                m.containsKey("confirmDestructive") ? number(m.get("confirmDestructive"), 0, 2) : 2,
                m.containsKey("confirmDoubted") ? number(m.get("confirmDoubted"), 0, 2) : 2,
                m.containsKey("requestReview") ? number(m.get("requestReview"), 0, 2) : 2);
    }

    // ---- sections ----

    private Rules.Scoring scoring(Node node) {
        Map<String, Node> m = map(node, "scoring", Set.of("subjectWeight", "window", "guardWindow", "minScore",
                "confidenceScale", "reviewBelow", "reviewBelowDestructive", "closeRatio", "precedence", "requestOverTopics"));
        List<Rules.Precedence> precedence = new ArrayList<>();
        Node p = m.get("precedence");
        if (p != null) {
            for (Node item : list(p, "precedence")) {
                Map<String, Node> pm = map(item, "precedence entry", Set.of("type", "minScore", "over"));
                Set<RequestType> over = EnumSet.noneOf(RequestType.class);
                for (Node o : list(required(pm, "over", item), "over")) {
                    over.add(type(o));
                }
                precedence.add(new Rules.Precedence(type(required(pm, "type", item)),
                        number(required(pm, "minScore", item), 0, 100), Set.copyOf(over)));
            }
        }
        return new Rules.Scoring(
                number(required(m, "subjectWeight", node), 0, 1),
                integer(required(m, "window", node), 1, 50),
                integer(required(m, "guardWindow", node), 1, 50),
                number(required(m, "minScore", node), 0.01, 100),
                number(required(m, "confidenceScale", node), 0.01, 100),
                number(required(m, "reviewBelow", node), 0, 1),
                number(required(m, "reviewBelowDestructive", node), 0, 1),
                number(required(m, "closeRatio", node), 0, 1),
                List.copyOf(precedence),
                m.containsKey("requestOverTopics") ? number(m.get("requestOverTopics"), 0, 100) : Double.MAX_VALUE);
    }

    private Rules.Mood mood(Node node, Vocabulary.Builder vocabulary) {
        Map<String, Node> m = map(node, "mood", Set.of("conditional", "politeConditional", "question", "howTo",
                "requestQuestion", "policy", "conditionalEndings", "cancels", "policyCancels", "notDsr", "declarativeMin", "askedConfidenceMax",
                "closeRatioDestructive", "hypothetical", "keep", "keepWords", "keepBonus", "personal", "thanks", "done", "request"));
        List<String> endings = new ArrayList<>();
        if (m.containsKey("conditionalEndings")) {
            for (String e : strings(m.get("conditionalEndings"))) {
                endings.add(TextForms.fold(TextForms.lower(e.trim())));
            }
        }
        Set<RequestType> cancels = EnumSet.noneOf(RequestType.class);
        if (m.containsKey("cancels")) {
            for (Node t : list(m.get("cancels"), "cancels")) {
                cancels.add(type(t));
            }
        }
        Set<RequestType> policyCancels = EnumSet.noneOf(RequestType.class);
        if (m.containsKey("policyCancels")) {
            for (Node t : list(m.get("policyCancels"), "policyCancels")) {
                policyCancels.add(type(t));
            }
        }
        return new Rules.Mood(optionalConcept(m, "conditional", vocabulary),
                optionalConcept(m, "politeConditional", vocabulary), optionalConcept(m, "question", vocabulary),
                optionalConcept(m, "howTo", vocabulary), optionalConcept(m, "requestQuestion", vocabulary),
                optionalConcept(m, "policy", vocabulary), List.copyOf(endings), Set.copyOf(cancels), Set.copyOf(policyCancels),
                m.containsKey("notDsr") ? number(m.get("notDsr"), 0, 100) : 0,
                m.containsKey("declarativeMin") ? number(m.get("declarativeMin"), 0, 100) : 0,
                m.containsKey("askedConfidenceMax") ? number(m.get("askedConfidenceMax"), 0, 1) : 1,
                m.containsKey("closeRatioDestructive") ? number(m.get("closeRatioDestructive"), 0, 1) : 1,
                optionalConcept(m, "hypothetical", vocabulary), concepts(m.get("keep"), "keep", vocabulary),
                optionalConcept(m, "keepWords", vocabulary),
                m.containsKey("keepBonus") ? number(m.get("keepBonus"), 0, 100) : 0,
                optionalConcept(m, "personal", vocabulary), optionalConcept(m, "thanks", vocabulary),
                optionalConcept(m, "done", vocabulary), optionalConcept(m, "request", vocabulary));
    }

    /** A list of concept names under {@code what} (null: none). */
    private int[] concepts(Node n, String what, Vocabulary.Builder vocabulary) {
        if (n == null) {
            return new int[0];
        }
        List<Node> items = list(n, what);
        int[] ids = new int[items.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = conceptId(items.get(i), scalar(items.get(i)), vocabulary);
        }
        return ids;
    }

    private int optionalConcept(Map<String, Node> m, String key, Vocabulary.Builder vocabulary) {
        Node n = m.get(key);
        return n == null ? -1 : conceptId(n, scalar(n), vocabulary);
    }

    private Rules.TextSettings textSettings(Node node) {
        Map<String, Node> m = map(node, "text", Set.of("sentenceBreaks", "clauseWords", "maxChars"));
        return new Rules.TextSettings(scalar(required(m, "sentenceBreaks", node)),
                foldedSet(required(m, "clauseWords", node)), integer(required(m, "maxChars", node), 100, 10_000_000));
    }

    private Rules.Negation negation(Node node, Vocabulary.Builder vocabulary) {
        Map<String, Node> m = map(node, "negation",
                Set.of("before", "after", "ignoreAfter", "window", "transparent", "modals", "notNegating", "coordination", "disjunction"));
        List<String[]> notNegating = new ArrayList<>();
        if (m.containsKey("notNegating")) {
            for (String phrase : strings(m.get("notNegating"))) {
                notNegating.add(TextForms.fold(TextForms.lower(phrase.trim())).split("\\s+"));
            }
        }
        List<String[]> ignore = new ArrayList<>();
        for (String phrase : strings(required(m, "ignoreAfter", node))) {
            ignore.add(TextForms.fold(TextForms.lower(phrase.trim())).split("\\s+"));
        }
        return new Rules.Negation(foldedSet(required(m, "before", node)), foldedSet(required(m, "after", node)),
                List.copyOf(ignore), integer(required(m, "window", node), 1, 10), foldedSet(required(m, "transparent", node)),
                concepts(required(m, "modals", node), "modals", vocabulary), List.copyOf(notNegating),
                m.containsKey("coordination") ? foldedSet(m.get("coordination")) : Set.of(),
                m.containsKey("disjunction") ? foldedSet(m.get("disjunction")) : Set.of());
    }

    private Rules.LanguageWords language(Node node) {
        Map<String, Node> m = map(node, "language", Set.of("default", "kazakhLetters", "kazakhLatinLetters", "ru", "kk", "en"));
        String def = scalar(required(m, "default", node));
        if (!Set.of("ru", "kk", "en").contains(def)) {
            throw error(m.get("default"), "default must be ru, kk or en");
        }
        return new Rules.LanguageWords(def, TextForms.lower(scalar(required(m, "kazakhLetters", node))),
                m.containsKey("kazakhLatinLetters") ? TextForms.lower(scalar(m.get("kazakhLatinLetters"))) : "",
                foldedSet(required(m, "ru", node)), foldedSet(required(m, "kk", node)), foldedSet(required(m, "en", node)));
    }

    private Rules.IdentifierWords identifiers(Node node, Vocabulary.Builder vocabulary) {
        Map<String, Node> m = map(node, "identifiers", Set.of("orderWords", "orderMarkers", "rectification"));
        Node rect = required(m, "rectification", node);
        Map<String, Node> r = map(rect, "rectification", Set.of("newValueMarkers", "oldValueMarkers", "fields"));
        concept(Vocabulary.NEW_VALUE, required(r, "newValueMarkers", rect), vocabulary);
        concept(Vocabulary.OLD_VALUE, required(r, "oldValueMarkers", rect), vocabulary);
        Map<String, Integer> fields = new LinkedHashMap<>();
        Node fieldsNode = required(r, "fields", rect);
        if (vocabulary.has(Vocabulary.ANY_FIELD)) {
            throw error(fieldsNode, "the concept name '" + Vocabulary.ANY_FIELD
                    + "' is reserved for all rectification fields together");
        }
        int anyField = vocabulary.concept(Vocabulary.ANY_FIELD, false);
        for (Map.Entry<String, Node> f : map(fieldsNode, "fields", null).entrySet()) {
            fields.put(f.getKey(), concept(Vocabulary.FIELD + f.getKey(), f.getValue(), vocabulary));
            concept(anyField, f.getValue(), vocabulary);
        }
        List<String> orderWords = strings(required(m, "orderWords", node));
        List<String> markers = strings(required(m, "orderMarkers", node));
        return new Rules.IdentifierWords(orderWords, markers, Map.copyOf(fields), List.copyOf(fields.keySet()));
    }

    /** {negatable?, ru: [...], kk: [...], en: [...]} → a concept id. */
    private int concept(String name, Node node, Vocabulary.Builder vocabulary) {
        Map<String, Node> m = map(node, "concept " + name, Set.of("negatable", "ru", "kk", "en"));
        if (vocabulary.has(name)) {
            throw error(node, "concept " + name + " is defined twice");
        }
        boolean negatable = m.containsKey("negatable") && bool(m.get("negatable"));
        return concept(vocabulary.concept(name, negatable), node, vocabulary);
    }

    /** Adds the words of a {ru, kk, en} mapping to an existing concept. */
    private int concept(int id, Node node, Vocabulary.Builder vocabulary) {
        Map<String, Node> m = map(node, "word lists", Set.of("negatable", "ru", "kk", "en"));
        String name = vocabulary.name(id);
        int words = 0;
        for (String lang : List.of("ru", "kk", "en")) {
            Node l = m.get(lang);
            if (l == null) {
                continue;
            }
            Vocabulary.Lang language = Vocabulary.Lang.valueOf(lang.toUpperCase(Locale.ROOT));
            for (Node w : list(l, name + "." + lang)) {
                String problem = vocabulary.add(id, scalar(w), language);
                if (problem != null) {
                    throw error(w, name + "." + lang + ": " + problem);
                }
                words++;
            }
        }
        if (words == 0) {
            throw error(node, "concept " + name + " has no words");
        }
        return id;
    }

    private Rules.Rule rule(Node node, Vocabulary.Builder vocabulary) {
        Map<String, Node> m = map(node, "rule", Set.of("type", "weight", "all", "window", "name", "anywhere", "alone"));
        RequestType type = type(required(m, "type", node));
        List<Rules.Part> parts = parts(required(m, "all", node), vocabulary);
        String name = m.containsKey("name") ? scalar(m.get("name"))
                : String.join("+", parts.stream().map(Rules.Part::text).toList());
        Integer window = m.containsKey("window") ? integer(m.get("window"), 0, 100) : null;
        boolean anywhere = m.containsKey("anywhere") && bool(m.get("anywhere"));
        boolean alone = m.containsKey("alone") && bool(m.get("alone"));
        return new Rules.Rule(name, type, number(required(m, "weight", node), -100, 100), parts, window, anywhere, alone,
                YamlFile.line(node));
    }

    private Rules.Guard guard(Node node, Vocabulary.Builder vocabulary) {
        Map<String, Node> m = map(node, "guard", Set.of("name", "all", "unless", "except", "scope", "cancels", "notDsr", "window",
                "review", "requires"));
        String scope = m.containsKey("scope") ? scalar(m.get("scope")) : "clause";
        if (!Set.of("words", "clause", "message").contains(scope)) {
            throw error(m.get("scope"), "scope must be words, clause or message");
        }
        Set<RequestType> cancels = EnumSet.noneOf(RequestType.class);
        if (m.containsKey("cancels")) {
            for (Node t : list(m.get("cancels"), "cancels")) {
                cancels.add(type(t));
            }
        }
        int[] unless = concepts(m.get("unless"), "unless", vocabulary);
        int[] except = concepts(m.get("except"), "except", vocabulary);
        List<int[]> requires = new ArrayList<>();
        if (m.containsKey("requires")) {
            for (Node u : list(m.get("requires"), "requires")) {
                String[] alternatives = scalar(u).split("\\|");
                int[] ids = new int[alternatives.length];
                for (int i = 0; i < alternatives.length; i++) {
                    ids[i] = conceptId(u, alternatives[i].trim(), vocabulary);
                }
                requires.add(ids);
            }
        }
        boolean review = m.containsKey("review") && bool(m.get("review"));
        double notDsr = m.containsKey("notDsr") ? number(m.get("notDsr"), 0, 100) : 0;
        if (cancels.isEmpty() && notDsr == 0 && !review) {
            throw error(node, "a guard needs cancels or notDsr");
        }
        Integer window = m.containsKey("window") ? integer(m.get("window"), 0, 100) : null;
        return new Rules.Guard(scalar(required(m, "name", node)), parts(required(m, "all", node), vocabulary),
                unless,
                except,
                requires.toArray(int[][]::new),
                Rules.GuardScope.valueOf(scope.toUpperCase(Locale.ROOT)), Set.copyOf(cancels),
                notDsr, window, review, YamlFile.line(node));
    }

    /** ["delete", "not send|come", ...] */
    private List<Rules.Part> parts(Node node, Vocabulary.Builder vocabulary) {
        List<Rules.Part> parts = new ArrayList<>();
        for (Node p : list(node, "all")) {
            String text = scalar(p).trim();
            Rules.Polarity polarity = Rules.Polarity.DEFAULT;
            String names = text;
            if (text.startsWith("not ")) {
                polarity = Rules.Polarity.NEGATED;
                names = text.substring(4).trim();
            } else if (text.startsWith("any ")) {
                polarity = Rules.Polarity.ANY;
                names = text.substring(4).trim();
            }
            boolean negated = polarity == Rules.Polarity.NEGATED;
            String[] alternatives = names.split("\\|");
            int[] ids = new int[alternatives.length];
            for (int i = 0; i < alternatives.length; i++) {
                ids[i] = conceptId(p, alternatives[i].trim(), vocabulary);
                if (negated && !isNegatable(alternatives[i].trim(), vocabulary)) {
                    throw error(p, "'not " + alternatives[i].trim() + "': the concept is not negatable (add negatable: true)");
                }
            }
            parts.add(new Rules.Part(ids, polarity, text));
        }
        if (parts.isEmpty()) {
            throw error(node, "all: needs at least one concept");
        }
        return List.copyOf(parts);
    }

    private static boolean isNegatable(String name, Vocabulary.Builder vocabulary) {
        return vocabulary.negatable(name);
    }

    private int conceptId(Node at, String name, Vocabulary.Builder vocabulary) {
        if (!vocabulary.has(name) || name.startsWith("_")) {
            throw error(at, "unknown concept '" + name + "'");
        }
        return vocabulary.concept(name, false);
    }

    // ---- YAML helpers: every error names the file and the line (see YamlFile) ----

    private kz.dsr.config.ConfigurationError error(Node at, String message) {
        return yaml.error(at, message);
    }

    private Map<String, Node> map(Node node, String what, Set<String> allowed) {
        return yaml.map(node, what, allowed);
    }

    private Node required(Map<String, Node> m, String key, Node parent) {
        return yaml.required(m, key, parent);
    }

    private List<Node> list(Node node, String what) {
        return yaml.list(node, what);
    }

    private String scalar(Node node) {
        return yaml.scalar(node);
    }

    private List<String> strings(Node node) {
        List<String> out = new ArrayList<>();
        for (Node n : list(node, "value")) {
            out.add(scalar(n));
        }
        return out;
    }

    private Set<String> foldedSet(Node node) {
        Set<String> out = new LinkedHashSet<>();
        for (String s : strings(node)) {
            out.add(TextForms.fold(TextForms.lower(s.trim()).replace('’', '\'')));
        }
        return Set.copyOf(out);
    }

    private int integer(Node node, int min, int max) {
        return yaml.integer(node, min, max);
    }

    private double number(Node node, double min, double max) {
        return yaml.number(node, min, max, Scorer.fmt(min), Scorer.fmt(max));
    }

    private boolean bool(Node node) {
        return yaml.bool(node);
    }

    private RequestType type(Node node) {
        String s = scalar(node).trim();
        try {
            RequestType t = RequestType.valueOf(s);
            if (t == RequestType.UNKNOWN) {
                throw error(node, "UNKNOWN is not a type a rule can give");
            }
            return t;
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(yaml.file().toString())) {
                throw e;
            }
            throw error(node, "unknown request type '" + s + "'");
        }
    }
}
