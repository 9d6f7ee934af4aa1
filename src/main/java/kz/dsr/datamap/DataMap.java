package kz.dsr.datamap;

import java.nio.file.Path;
import java.time.Period;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The company's application database as the pipeline sees it: who the subject is, which tables hold
 * their personal data and how each reaches them, and what each request type does there. Read from
 * {@code config/datamap.yaml} by {@link DataMapLoader} and checked against the live schema by
 * {@link SchemaCheck} before anything uses it; after that, every table and column name in it is a
 * real one and is the only source of SQL identifiers ({@link Sql}).
 */
public record DataMap(
        Path file,
        String company,
        Subject subject,
        Map<String, MappedTable> tables,
        List<Hold> holds,
        Map<String, Preference> consentPurposes,
        Map<String, Preference> marketingChannels,
        Optional<Suppression> suppression,
        List<RetentionRule> retention,
        Processing processing,
        List<String> erasureOrder) {

    /** The same map with the order erasure visits tables, worked out against the live schema. */
    public DataMap withErasureOrder(List<String> order) {
        return new DataMap(file, company, subject, tables, holds, consentPurposes, marketingChannels, suppression,
                retention, processing, List.copyOf(order));
    }

    public MappedTable table(String name) {
        MappedTable t = tables.get(name);
        if (t == null) {
            throw new IllegalArgumentException("table '" + name + "' is not in the data map " + file);
        }
        return t;
    }

    public MappedTable subjectTable() {
        return table(subject.table());
    }

    /**
     * The mapped tables ordered children before parents: deleting in this order never breaks a
     * foreign key, whether it follows a link of the map or another reference between mapped tables
     * (an order pointing at an address). Until the schema check has run, links alone decide.
     */
    public List<MappedTable> childrenFirst() {
        if (!erasureOrder.isEmpty()) {
            return erasureOrder.stream().map(this::table).toList();
        }
        List<MappedTable> out = new ArrayList<>();
        Set<String> done = new java.util.HashSet<>();
        for (MappedTable t : tables.values()) {
            visit(t, done, out);
        }
        java.util.Collections.reverse(out);
        return out;
    }

    private void visit(MappedTable t, Set<String> done, List<MappedTable> parentsFirst) {
        if (!done.add(t.name())) {
            return;
        }
        t.via().ifPresent(link -> visit(table(link.parent()), done, parentsFirst));
        parentsFirst.add(t);
    }

    /** How far a table is from the subject table (0 for the subject table itself). */
    public int depth(MappedTable t) {
        int d = 0;
        MappedTable at = t;
        while (at.via().isPresent()) {
            at = table(at.via().get().parent());
            d++;
        }
        return d;
    }

    /** The columns whose data category is {@code category}, by table, in map order. */
    public Map<MappedTable, List<MappedColumn>> exportedByCategory(String category) {
        Map<MappedTable, List<MappedColumn>> out = new LinkedHashMap<>();
        for (MappedTable t : tables.values()) {
            for (MappedColumn c : t.columns().values()) {
                if (c.export() && c.category().equals(category)) {
                    out.computeIfAbsent(t, k -> new ArrayList<>()).add(c);
                }
            }
        }
        return out;
    }

    /** Every data category the map names (columns and the processing section), in map order. */
    public Set<String> categories() {
        Set<String> out = new java.util.LinkedHashSet<>();
        tables.values().forEach(t -> t.columns().values().forEach(c -> out.add(c.category())));
        out.addAll(processing.categories().keySet());
        return out;
    }

    /** Every data category an export can contain, in map order. */
    public List<String> exportedCategories() {
        Set<String> out = new java.util.LinkedHashSet<>();
        tables.values().forEach(t -> t.columns().values().stream().filter(MappedColumn::export)
                .forEach(c -> out.add(c.category())));
        return List.copyOf(out);
    }

    /** The columns a RECTIFICATION of {@code field} writes. */
    public List<Map.Entry<MappedTable, MappedColumn>> rectifiable(String field) {
        List<Map.Entry<MappedTable, MappedColumn>> out = new ArrayList<>();
        for (MappedTable t : tables.values()) {
            for (MappedColumn c : t.columns().values()) {
                if (c.rectify().isPresent() && c.rectify().get().field().equals(field)) {
                    out.add(Map.entry(t, c));
                }
            }
        }
        return out;
    }

    /** The subject table, its key and the identities a request is matched on. */
    public record Subject(String table, String key, Map<String, Identity> identities, Optional<Blocking> blocking,
            int line) {
    }

    /** An identity column (email, phone…) and how its values are normalised before comparing. */
    public record Identity(String name, String column, Normaliser normaliser, int line) {
    }

    /** Where BLOCKING marks the subject: a column of the subject table and its two values. */
    public record Blocking(String column, String blockedValue, String clearedValue, int line) {
    }

    /** What erasure does to a table's rows. */
    public enum TableErasure {
        /** delete the subject's rows. */
        DELETE,
        /** keep the rows, apply each column's erase action. */
        ANONYMISE,
        /** keep the rows untouched, for a named legal reason and a period. */
        KEEP
    }

    /** What erasure does to one column of an anonymised table. */
    public enum ColumnErasure {
        /** the row is deleted (tables whose erasure is delete). */
        WITH_ROW,
        /** set to NULL. */
        NULL,
        /** set to a fixed value from the map. */
        VALUE,
        /** replaced by a keyed hash (HMAC-SHA256, secret from the environment). */
        HASH,
        /** left as it is. */
        KEEP
    }

    /**
     * A table holding personal data. {@code via} is empty for the subject table; otherwise the link
     * to the parent table through which its rows reach the subject.
     */
    public record MappedTable(String name, Optional<Link> via, TableErasure erasure, Optional<Keep> keep,
            Map<String, MappedColumn> columns, int line) {

        public Collection<MappedColumn> columnList() {
            return columns.values();
        }
    }

    /** child.columns[i] = parent.columns[i], for every i (composite keys have several). */
    public record Link(String parent, List<String> childColumns, List<String> parentColumns, int line) {
    }

    /** Why and for how long a table's rows are kept on erasure. */
    public record Keep(Localised reason, Period period) {

        /** "5 years", "180 days", "1 year 6 months": for plans, events and the operator. */
        public String periodText() {
            return periodText("en");
        }

        /** The period in the person's language (ru, kk, en). */
        public String periodText(String language) {
            List<String> parts = new ArrayList<>();
            unit(parts, period.getYears(), language, new String[] {"year", "years"}, new String[] {"год", "года", "лет"},
                    "жыл");
            unit(parts, period.getMonths(), language, new String[] {"month", "months"},
                    new String[] {"месяц", "месяца", "месяцев"}, "ай");
            unit(parts, period.getDays(), language, new String[] {"day", "days"}, new String[] {"день", "дня", "дней"},
                    "күн");
            return String.join(" ", parts);
        }

        private static void unit(List<String> parts, int n, String language, String[] en, String[] ru, String kk) {
            if (n == 0) {
                return;
            }
            String word = switch (language) {
                case "ru" -> {
                    int t = n % 100;
                    int u = n % 10;
                    yield t >= 11 && t <= 14 ? ru[2] : u == 1 ? ru[0] : u >= 2 && u <= 4 ? ru[1] : ru[2];
                }
                case "kk" -> kk;
                default -> n == 1 ? en[0] : en[1];
            };
            parts.add(n + " " + word);
        }
    }

    /** A column holding personal data. */
    public record MappedColumn(String name, String category, boolean export, ColumnErasure erase,
            Optional<String> fixedValue, Optional<Rectify> rectify, int line) {
    }

    /** A column a RECTIFICATION may write, the field name the classifier reports for it, and its check. */
    public record Rectify(String field, FieldValidator validator) {
    }

    /**
     * A named condition under which nothing may be erased (unpaid debt, open dispute): a SELECT whose
     * only parameter is the subject key; when it returns a row, the hold applies.
     */
    public record Hold(String name, String sql, Localised reason, Set<String> appliesTo, int line) {
    }

    /** A consent purpose or marketing channel: the column that records it and its "off" value. */
    public record Preference(String name, String table, String column, String offValue, Map<String, String> where,
            int line) {
    }

    /**
     * What is kept of a banned subject so they cannot register again: hashes of their identities,
     * written to a table of the application database that sign-up checks.
     */
    public record Suppression(String bannedSql, String table, String typeColumn, String hashColumn,
            Optional<String> reasonColumn, List<String> identities, int line) {
    }

    /** Rows of {@code table} older than {@code period} by {@code timeColumn} are deleted or anonymised. */
    public record RetentionRule(String name, String table, String timeColumn, Period period, TableErasure action,
            int line) {
    }

    /** 94-V art. 24: what an access reply tells about processing, per data category. */
    public record Processing(Localised controller, Map<String, CategoryInfo> categories) {
    }

    public record CategoryInfo(Localised title, Localised purposes, Localised sources, Localised retention,
            Localised recipients) {
    }
}
