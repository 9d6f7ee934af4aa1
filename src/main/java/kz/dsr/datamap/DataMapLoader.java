package kz.dsr.datamap;

import java.nio.file.Path;
import java.time.Period;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import kz.dsr.config.YamlFile;
import kz.dsr.datamap.DataMap.Blocking;
import kz.dsr.datamap.DataMap.CategoryInfo;
import kz.dsr.datamap.DataMap.ColumnErasure;
import kz.dsr.datamap.DataMap.Hold;
import kz.dsr.datamap.DataMap.Identity;
import kz.dsr.datamap.DataMap.Keep;
import kz.dsr.datamap.DataMap.Link;
import kz.dsr.datamap.DataMap.MappedColumn;
import kz.dsr.datamap.DataMap.MappedTable;
import kz.dsr.datamap.DataMap.Preference;
import kz.dsr.datamap.DataMap.Processing;
import kz.dsr.datamap.DataMap.Rectify;
import kz.dsr.datamap.DataMap.RetentionRule;
import kz.dsr.datamap.DataMap.Subject;
import kz.dsr.datamap.DataMap.Suppression;
import kz.dsr.datamap.DataMap.TableErasure;
import kz.dsr.request.RequestType;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Reads a data map file into a {@link DataMap}, checking its own consistency: every key known,
 * every table it refers to mapped, every link leading to the subject, every validator and period
 * readable. Whether the tables and columns exist is {@link SchemaCheck}'s job. Each error names
 * the file, the line, what was found and what was expected.
 */
public final class DataMapLoader {

    /** A hold or ban query's only parameter: the subject key. {@code ::subject} (a cast) is not it. */
    static final Pattern SUBJECT_PARAMETER = Pattern.compile("(?<![:\\w]):subject\\b");
    private static final Pattern SHORT_PERIOD = Pattern.compile("(\\d{1,5})\\s*(d|days?|m|months?|y|years?)");
    /** A plain SQL name as it appears in the map: the map never carries quotes or schema tricks. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

    private final YamlFile yaml;

    private DataMapLoader(YamlFile yaml) {
        this.yaml = yaml;
    }

    public static DataMap load(Path file) {
        return new DataMapLoader(YamlFile.read(file, "the data map")).parse();
    }

    private DataMap parse() {
        Node root = yaml.root();
        Map<String, Node> top = yaml.map(root, "the data map", Set.of("version", "company", "subject", "tables",
                "holds", "consent", "marketing", "suppression", "retention", "processing"));
        yaml.integer(yaml.required(top, "version", root), 1, 1); // the only format so far
        String company = yaml.scalar(yaml.required(top, "company", root)).strip();

        Map<String, MappedTable> tables = new LinkedHashMap<>();
        Node tablesNode = yaml.required(top, "tables", root);
        Map<String, Node> tableKeys = yaml.keyNodes(tablesNode);
        for (Map.Entry<String, Node> e : yaml.map(tablesNode, "tables", null).entrySet()) {
            Node key = tableKeys.get(e.getKey());
            tables.put(e.getKey(), table(name(key, e.getKey(), "table"), e.getValue(), YamlFile.line(key)));
        }
        Subject subject = subject(yaml.required(top, "subject", root), tables);
        checkLinks(tables, subject, tableKeys);

        List<Hold> holds = new ArrayList<>();
        if (top.containsKey("holds")) {
            Map<String, Node> holdKeys = yaml.keyNodes(top.get("holds"));
            for (Map.Entry<String, Node> e : yaml.map(top.get("holds"), "holds", null).entrySet()) {
                holds.add(hold(e.getKey(), e.getValue(), YamlFile.line(holdKeys.get(e.getKey()))));
            }
        }
        Map<String, Preference> consent = top.containsKey("consent")
                ? preferences(top.get("consent"), "consent", tables) : Map.of();
        Map<String, Preference> marketing = top.containsKey("marketing")
                ? preferences(top.get("marketing"), "marketing", tables) : Map.of();
        Optional<Suppression> suppression = top.containsKey("suppression")
                ? Optional.of(suppression(top.get("suppression"), subject)) : Optional.empty();
        List<RetentionRule> retention = new ArrayList<>();
        if (top.containsKey("retention")) {
            for (Node n : yaml.list(top.get("retention"), "retention")) {
                retention.add(retention(n, tables));
            }
        }
        Processing processing = processing(yaml.required(top, "processing", root));
        DataMap map = new DataMap(yaml.file(), company, subject, java.util.Collections.unmodifiableMap(tables),
                List.copyOf(holds), consent, marketing, suppression, List.copyOf(retention), processing, List.of());
        checkCategoriesDescribed(map, top.get("processing"));
        return map;
    }

    // ---- subject and tables ----

    private Subject subject(Node node, Map<String, MappedTable> tables) {
        Map<String, Node> m = yaml.map(node, "subject", Set.of("table", "key", "identities", "blocking"));
        Node tableNode = yaml.required(m, "table", node);
        String table = name(tableNode, yaml.scalar(tableNode), "table");
        MappedTable t = tables.get(table);
        if (t == null) {
            throw yaml.error(tableNode, "the subject table '" + table + "' is not under tables: (expected one of "
                    + tables.keySet() + ")");
        }
        if (t.via().isPresent()) {
            throw yaml.error(tableNode, "the subject table '" + table + "' must not have 'via' under tables:");
        }
        String key = name(yaml.required(m, "key", node), yaml.scalar(yaml.required(m, "key", node)), "column");
        Map<String, Identity> identities = new LinkedHashMap<>();
        Node idNode = yaml.required(m, "identities", node);
        for (Map.Entry<String, Node> e : yaml.map(idNode, "identities", null).entrySet()) {
            Map<String, Node> im = yaml.map(e.getValue(), "identity " + e.getKey(), Set.of("column", "normalise"));
            Node nn = yaml.required(im, "normalise", e.getValue());
            Normaliser normaliser = Normaliser.named(yaml.scalar(nn).strip()).orElseThrow(() -> yaml.error(nn,
                    "unknown normalise '" + yaml.scalar(nn) + "' (expected email, phone or text)"));
            Node cn = yaml.required(im, "column", e.getValue());
            identities.put(e.getKey(), new Identity(e.getKey(), name(cn, yaml.scalar(cn), "column"), normaliser,
                    YamlFile.line(e.getValue())));
        }
        if (identities.isEmpty()) {
            throw yaml.error(idNode, "at least one identity is needed to match a request to a subject");
        }
        Optional<Blocking> blocking = Optional.empty();
        if (m.containsKey("blocking")) {
            Node b = m.get("blocking");
            Map<String, Node> bm = yaml.map(b, "blocking", Set.of("column", "blocked", "cleared"));
            Node cn = yaml.required(bm, "column", b);
            blocking = Optional.of(new Blocking(name(cn, yaml.scalar(cn), "column"),
                    yaml.scalar(yaml.required(bm, "blocked", b)), yaml.scalar(yaml.required(bm, "cleared", b)),
                    YamlFile.line(b)));
        }
        return new Subject(table, key, identities, blocking, YamlFile.line(node));
    }

    private MappedTable table(String name, Node node, int line) {
        Map<String, Node> m = yaml.map(node, "table " + name, Set.of("via", "erasure", "keep", "columns"));
        Optional<Link> via = Optional.empty();
        if (m.containsKey("via")) {
            Node v = m.get("via");
            Map<String, Node> vm = yaml.map(v, "via of " + name, Set.of("table", "on"));
            Node pn = yaml.required(vm, "table", v);
            String parent = name(pn, yaml.scalar(pn), "table");
            Node on = yaml.required(vm, "on", v);
            List<String> childCols = new ArrayList<>();
            List<String> parentCols = new ArrayList<>();
            Map<String, Node> onKeys = yaml.keyNodes(on);
            for (Map.Entry<String, Node> e : yaml.map(on, "on (child column: parent column)", null).entrySet()) {
                childCols.add(name(onKeys.get(e.getKey()), e.getKey(), "column"));
                parentCols.add(name(e.getValue(), yaml.scalar(e.getValue()), "column"));
            }
            if (childCols.isEmpty()) {
                throw yaml.error(on, "'on' needs at least one pair child_column: parent_column");
            }
            via = Optional.of(new Link(parent, List.copyOf(childCols), List.copyOf(parentCols), YamlFile.line(v)));
        }
        Node en = yaml.required(m, "erasure", node);
        TableErasure erasure = switch (yaml.scalar(en).strip()) {
            case "delete" -> TableErasure.DELETE;
            case "anonymise", "anonymize" -> TableErasure.ANONYMISE;
            case "keep" -> TableErasure.KEEP;
            default -> throw yaml.error(en, "unknown erasure '" + yaml.scalar(en) + "' for table " + name
                    + " (expected delete, anonymise or keep)");
        };
        Optional<Keep> keep = Optional.empty();
        if (erasure == TableErasure.KEEP) {
            Node k = m.get("keep");
            if (k == null) {
                throw yaml.error(en, "table " + name + " is kept on erasure: add keep: {reason: ..., period: ...}"
                        + " naming the legal reason and how long");
            }
            Map<String, Node> km = yaml.map(k, "keep", Set.of("reason", "period"));
            keep = Optional.of(new Keep(localised(yaml.required(km, "reason", k)),
                    period(yaml.required(km, "period", k))));
        } else if (m.containsKey("keep")) {
            throw yaml.error(m.get("keep"), "keep: is only for tables whose erasure is keep");
        }
        Map<String, MappedColumn> columns = new LinkedHashMap<>();
        Node cols = yaml.required(m, "columns", node);
        Map<String, Node> colKeys = yaml.keyNodes(cols);
        for (Map.Entry<String, Node> e : yaml.map(cols, "columns of " + name, null).entrySet()) {
            columns.put(e.getKey(), column(name, erasure, name(colKeys.get(e.getKey()), e.getKey(), "column"),
                    e.getValue()));
        }
        return new MappedTable(name, via, erasure, keep, columns, line);
    }

    private MappedColumn column(String table, TableErasure tableErasure, String name, Node node) {
        String what = table + "." + name;
        Map<String, Node> m = yaml.map(node, "column " + what, Set.of("category", "export", "erase", "value", "rectify"));
        String category = yaml.scalar(yaml.required(m, "category", node)).strip();
        boolean export = m.containsKey("export") && yaml.bool(m.get("export"));
        ColumnErasure erase;
        Node en = m.get("erase");
        String eraseText = en == null ? null : yaml.scalar(en).strip();
        switch (tableErasure) {
            case DELETE -> {
                if (eraseText != null && !eraseText.equals("with-row")) {
                    throw yaml.error(en, what + ": the rows of " + table + " are deleted on erasure, so erase: '"
                            + eraseText + "' cannot apply (leave it out, or make the table erasure: anonymise)");
                }
                erase = ColumnErasure.WITH_ROW;
            }
            case KEEP -> {
                if (eraseText != null && !eraseText.equals("keep")) {
                    throw yaml.error(en, what + ": the rows of " + table + " are kept on erasure, so erase: '"
                            + eraseText + "' cannot apply (leave it out, or make the table erasure: anonymise)");
                }
                erase = ColumnErasure.KEEP;
            }
            default -> {
                if (eraseText == null) {
                    throw yaml.error(node, what + ": table " + table + " is anonymised on erasure: say what erase:"
                            + " does to this column (null, value, hash or keep)");
                }
                erase = switch (eraseText) {
                    case "null" -> ColumnErasure.NULL;
                    case "value" -> ColumnErasure.VALUE;
                    case "hash" -> ColumnErasure.HASH;
                    case "keep" -> ColumnErasure.KEEP;
                    default -> throw yaml.error(en, what + ": unknown erase '" + eraseText
                            + "' (expected null, value, hash or keep)");
                };
            }
        }
        Optional<String> value = Optional.empty();
        if (erase == ColumnErasure.VALUE) {
            Node v = m.get("value");
            if (v == null) {
                throw yaml.error(en, what + ": erase: value needs value: (the fixed value written instead)");
            }
            value = Optional.of(yaml.scalar(v));
        } else if (m.containsKey("value")) {
            throw yaml.error(m.get("value"), what + ": value: is only for erase: value");
        }
        Optional<Rectify> rectify = Optional.empty();
        if (m.containsKey("rectify")) {
            Node r = m.get("rectify");
            Map<String, Node> rm = yaml.map(r, "rectify of " + what, Set.of("field", "validator"));
            Node vn = yaml.required(rm, "validator", r);
            FieldValidator validator = FieldValidator.parse(yaml.scalar(vn)).orElseThrow(() -> yaml.error(vn,
                    what + ": unknown validator '" + yaml.scalar(vn) + "' (expected " + FieldValidator.KNOWN + ")"));
            rectify = Optional.of(new Rectify(yaml.scalar(yaml.required(rm, "field", r)).strip(), validator));
        }
        return new MappedColumn(name, category, export, erase, value, rectify, YamlFile.line(node));
    }

    /** Every link names a mapped parent, and following links from any table ends at the subject table. */
    private void checkLinks(Map<String, MappedTable> tables, Subject subject, Map<String, Node> tableKeys) {
        for (MappedTable t : tables.values()) {
            if (t.via().isEmpty()) {
                if (!t.name().equals(subject.table())) {
                    throw yaml.error(tableKeys.get(t.name()), "table " + t.name() + " does not say how it reaches the"
                            + " subject: add via: {table: PARENT, on: {child_column: parent_column}}");
                }
                continue;
            }
            Set<String> seen = new LinkedHashSet<>();
            MappedTable at = t;
            while (at.via().isPresent()) {
                if (!seen.add(at.name())) {
                    throw yaml.error(tableKeys.get(t.name()), "the links from table " + t.name()
                            + " go round in a circle " + seen + " and never reach the subject table "
                            + subject.table());
                }
                Link link = at.via().get();
                MappedTable parent = tables.get(link.parent());
                if (parent == null) {
                    throw new kz.dsr.config.ConfigurationError(yaml.file() + ", line " + link.line() + ": table " + at.name()
                            + " links to '" + link.parent() + "', which is not under tables: (expected one of "
                            + tables.keySet() + ")");
                }
                at = parent;
            }
        }
    }

    // ---- holds, preferences, suppression, retention ----

    private Hold hold(String name, Node node, int line) {
        Map<String, Node> m = yaml.map(node, "hold " + name, Set.of("sql", "reason", "applies-to"));
        Node sqlNode = yaml.required(m, "sql", node);
        String sql = subjectQuery(sqlNode, "hold " + name);
        Set<String> types = new LinkedHashSet<>();
        if (m.containsKey("applies-to")) {
            for (String s : yaml.strings(m.get("applies-to"))) {
                try {
                    RequestType t = RequestType.valueOf(s.strip());
                    if (t == RequestType.NOT_DSR || t == RequestType.UNKNOWN) {
                        throw new IllegalArgumentException();
                    }
                    types.add(t.name());
                } catch (IllegalArgumentException e) {
                    throw yaml.error(m.get("applies-to"), "hold " + name + ": unknown request type '" + s
                            + "' (expected ERASURE, ACCESS, RECTIFICATION, BLOCKING, CONSENT_WITHDRAWAL or MARKETING_OPT_OUT)");
                }
            }
        } else {
            types.add(RequestType.ERASURE.name());
        }
        return new Hold(name, sql, localised(yaml.required(m, "reason", node)), Set.copyOf(types), line);
    }

    /** A SELECT with :subject placeholders, as JDBC text with ? in their place. */
    private String subjectQuery(Node sqlNode, String what) {
        String sql = yaml.scalar(sqlNode).strip();
        if (sql.endsWith(";")) {
            sql = sql.substring(0, sql.length() - 1).strip();
        }
        if (sql.contains(";")) {
            throw yaml.error(sqlNode, what + ": one SELECT statement only (found ';')");
        }
        if (!sql.toLowerCase(Locale.ROOT).startsWith("select")) {
            throw yaml.error(sqlNode, what + ": expected a SELECT statement, found '" + abbreviate(sql) + "'");
        }
        if (sql.contains("?")) {
            throw yaml.error(sqlNode, what + ": use :subject for the subject key, not '?'");
        }
        Matcher p = SUBJECT_PARAMETER.matcher(sql);
        if (!p.find()) {
            throw yaml.error(sqlNode, what + ": the query never uses :subject (the subject key), so it would hold"
                    + " for everybody or nobody");
        }
        return SUBJECT_PARAMETER.matcher(sql).replaceAll("?");
    }

    private Map<String, Preference> preferences(Node node, String what, Map<String, MappedTable> tables) {
        Map<String, Preference> out = new LinkedHashMap<>();
        for (Map.Entry<String, Node> e : yaml.map(node, what, null).entrySet()) {
            Node n = e.getValue();
            String label = what + " " + e.getKey();
            Map<String, Node> m = yaml.map(n, label, Set.of("table", "column", "off", "where"));
            Node tn = yaml.required(m, "table", n);
            String table = name(tn, yaml.scalar(tn), "table");
            if (!tables.containsKey(table)) {
                throw yaml.error(tn, label + ": table '" + table + "' is not under tables: (expected one of "
                        + tables.keySet() + ")");
            }
            Node cn = yaml.required(m, "column", n);
            Map<String, String> where = new LinkedHashMap<>();
            if (m.containsKey("where")) {
                Map<String, Node> wk = yaml.keyNodes(m.get("where"));
                for (Map.Entry<String, Node> w : yaml.map(m.get("where"), "where", null).entrySet()) {
                    where.put(name(wk.get(w.getKey()), w.getKey(), "column"), yaml.scalar(w.getValue()));
                }
            }
            out.put(e.getKey(), new Preference(e.getKey(), table, name(cn, yaml.scalar(cn), "column"),
                    yaml.scalar(yaml.required(m, "off", n)), Map.copyOf(where), YamlFile.line(n)));
        }
        return out;
    }

    private Suppression suppression(Node node, Subject subject) {
        Map<String, Node> m = yaml.map(node, "suppression", Set.of("banned", "table", "type-column", "hash-column",
                "reason-column", "identities"));
        String banned = subjectQuery(yaml.required(m, "banned", node), "suppression banned");
        Node tn = yaml.required(m, "table", node);
        Node ty = yaml.required(m, "type-column", node);
        Node hc = yaml.required(m, "hash-column", node);
        Optional<String> reason = m.containsKey("reason-column")
                ? Optional.of(name(m.get("reason-column"), yaml.scalar(m.get("reason-column")), "column"))
                : Optional.empty();
        Node idn = yaml.required(m, "identities", node);
        List<String> ids = yaml.strings(idn);
        for (String id : ids) {
            if (!subject.identities().containsKey(id)) {
                throw yaml.error(idn, "suppression: unknown identity '" + id + "' (expected one of "
                        + subject.identities().keySet() + ")");
            }
        }
        return new Suppression(banned, name(tn, yaml.scalar(tn), "table"), name(ty, yaml.scalar(ty), "column"),
                name(hc, yaml.scalar(hc), "column"), reason, List.copyOf(ids), YamlFile.line(node));
    }

    private RetentionRule retention(Node node, Map<String, MappedTable> tables) {
        Map<String, Node> m = yaml.map(node, "retention rule", Set.of("name", "table", "time-column", "older-than",
                "action"));
        String name = yaml.scalar(yaml.required(m, "name", node)).strip();
        Node tn = yaml.required(m, "table", node);
        String table = name(tn, yaml.scalar(tn), "table");
        Node an = yaml.required(m, "action", node);
        TableErasure action = switch (yaml.scalar(an).strip()) {
            case "delete" -> TableErasure.DELETE;
            case "anonymise", "anonymize" -> TableErasure.ANONYMISE;
            default -> throw yaml.error(an, "retention " + name + ": unknown action '" + yaml.scalar(an)
                    + "' (expected delete or anonymise)");
        };
        if (action == TableErasure.ANONYMISE && (!tables.containsKey(table)
                || tables.get(table).erasure() != TableErasure.ANONYMISE)) {
            throw yaml.error(an, "retention " + name + ": anonymise uses the erase: actions of table " + table
                    + ", so the table must be under tables: with erasure: anonymise");
        }
        Node cn = yaml.required(m, "time-column", node);
        return new RetentionRule(name, table, name(cn, yaml.scalar(cn), "column"),
                period(yaml.required(m, "older-than", node)), action, YamlFile.line(node));
    }

    // ---- processing information ----

    private Processing processing(Node node) {
        Map<String, Node> m = yaml.map(node, "processing", Set.of("controller", "categories"));
        Map<String, CategoryInfo> categories = new LinkedHashMap<>();
        for (Map.Entry<String, Node> e : yaml.map(yaml.required(m, "categories", node), "categories", null).entrySet()) {
            Node n = e.getValue();
            Map<String, Node> cm = yaml.map(n, "category " + e.getKey(), Set.of("title", "purposes", "sources",
                    "retention", "recipients"));
            categories.put(e.getKey(), new CategoryInfo(localised(yaml.required(cm, "title", n)),
                    localised(yaml.required(cm, "purposes", n)), localised(yaml.required(cm, "sources", n)),
                    localised(yaml.required(cm, "retention", n)), localised(yaml.required(cm, "recipients", n))));
        }
        return new Processing(localised(yaml.required(m, "controller", node)), categories);
    }

    /** An access reply must say why and how long each category is kept (94-V art. 24). */
    private void checkCategoriesDescribed(DataMap map, Node processingNode) {
        for (MappedTable t : map.tables().values()) {
            for (MappedColumn c : t.columns().values()) {
                if (c.export() && !map.processing().categories().containsKey(c.category())) {
                    throw new kz.dsr.config.ConfigurationError(yaml.file() + ", line " + c.line() + ": " + t.name() + "."
                            + c.name() + " is exported as category '" + c.category() + "', which processing:"
                            + " categories: does not describe (expected one of "
                            + map.processing().categories().keySet() + ")");
                }
            }
        }
    }

    private Localised localised(Node node) {
        if (node instanceof MappingNode) {
            Map<String, String> by = new LinkedHashMap<>();
            for (Map.Entry<String, Node> e : yaml.map(node, "text", Set.of("ru", "kk", "en")).entrySet()) {
                by.put(e.getKey(), yaml.scalar(e.getValue()).strip());
            }
            if (by.isEmpty()) {
                throw yaml.error(node, "expected a text, or texts under ru:, kk:, en:");
            }
            return new Localised(Map.copyOf(by));
        }
        return Localised.of(yaml.scalar(node).strip());
    }

    // ---- small values ----

    private String name(Node at, String value, String what) {
        String s = value.strip();
        if (!NAME.matcher(s).matches()) {
            throw yaml.error(at, "'" + value + "' is not a plain " + what + " name (expected letters, digits and _,"
                    + " starting with a letter)");
        }
        return s;
    }

    /** P5Y / P180D (ISO-8601), or 5y, 180d, 6 months. */
    private Period period(Node node) {
        String s = yaml.scalar(node).strip().toLowerCase(Locale.ROOT);
        Matcher m = SHORT_PERIOD.matcher(s);
        if (m.matches()) {
            int n = Integer.parseInt(m.group(1));
            return switch (m.group(2).charAt(0)) {
                case 'd' -> Period.ofDays(n);
                case 'm' -> Period.ofMonths(n);
                default -> Period.ofYears(n);
            };
        }
        try {
            Period p = Period.parse(s.toUpperCase(Locale.ROOT));
            if (p.isNegative() || p.isZero()) {
                throw yaml.error(node, "expected a period longer than zero, got '" + s + "'");
            }
            return p;
        } catch (java.time.format.DateTimeParseException e) {
            throw yaml.error(node, "expected a period such as 180d, 6 months, 5y or P5Y, got '" + s + "'");
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }
}
