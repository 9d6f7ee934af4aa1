package kz.dsr.notify;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.github.mustachejava.Code;
import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.DefaultMustacheVisitor;
import com.github.mustachejava.Mustache;
import com.github.mustachejava.MustacheException;
import com.github.mustachejava.MustacheVisitor;
import com.github.mustachejava.ObjectHandler;
import com.github.mustachejava.TemplateContext;
import com.github.mustachejava.codes.IterableCode;
import com.github.mustachejava.codes.NotIterableCode;
import com.github.mustachejava.codes.ValueCode;
import com.github.mustachejava.reflect.ReflectionObjectHandler;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import kz.dsr.config.DidYouMean;

/**
 * The pipeline's one template engine: Mustache ({@code {{name}}}, lists as {@code {{#list}}…{{/list}}},
 * an empty list as {@code {{^list}}…{{/list}}}), by mustache.java, the engine camel-mustache uses. Reply
 * templates and processors' JSON payloads both go through it.
 *
 * <p>A template is checked when it is loaded, against the names its caller fills: an unknown name, a
 * partial, the old {@code ${name}} form, or (in JSON) a tag that would put a value in unescaped, is
 * refused there with the line, so a typo stops the start instead of sending a mail with a hole in it.
 * A value is only ever written out, never read as a template: a subject or a name that contains
 * {@code {{…}}} reaches the text as those characters.
 */
public final class MustacheTemplate {

    /** What the output is, which decides how a value is written into it. */
    public enum Kind {
        /** Plain text (a mail, an SMS): values as they are, no HTML escaping; a used name must have a value. */
        PLAIN_TEXT,
        /** A JSON document: each value escaped for a JSON string; a name without a value is written empty. */
        JSON
    }

    /**
     * The names a template may use: plain values, and lists whose items (maps) have the given fields.
     * Inside a list, a template may use the item's fields and the plain values.
     */
    public record Names(Set<String> values, Map<String, Set<String>> lists) {

        public static Names of(String... values) {
            return new Names(new LinkedHashSet<>(Arrays.asList(values)), new LinkedHashMap<>());
        }

        public static Names of(Collection<String> values) {
            return new Names(new LinkedHashSet<>(values), new LinkedHashMap<>());
        }

        /** These names and more plain values. */
        public Names and(String... more) {
            Set<String> v = new LinkedHashSet<>(values);
            v.addAll(Arrays.asList(more));
            return new Names(v, lists);
        }

        /** These names and a list whose items have {@code fields}. */
        public Names list(String name, String... fields) {
            Map<String, Set<String>> l = new LinkedHashMap<>(lists);
            l.put(name, new LinkedHashSet<>(Arrays.asList(fields)));
            return new Names(values, l);
        }

        Set<String> all() {
            Set<String> out = new TreeSet<>(values);
            out.addAll(lists.keySet());
            return out;
        }
    }

    /** A template that cannot be used: where ({@code source:line}) and why. */
    public static final class Problem extends kz.dsr.config.ConfigurationError {

        private final int line;
        private final String reason;

        Problem(String source, int line, String reason) {
            super(source + ":" + line + ": " + reason);
            this.line = line;
            this.reason = reason;
        }

        /** The line in the template, counted from 1. */
        public int line() {
            return line;
        }

        public String reason() {
            return reason;
        }
    }

    /** One use of a name: a value, or a section with what is used inside it. */
    private record Use(String name, int line, boolean section, boolean inverted, String list, List<Use> inside) {
    }

    private static final Pattern OLD_PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z0-9_.]+)}");
    private static final Pattern PARSER_WHERE = Pattern.compile("\\s*@\\[(.*):(\\d+)]\\s*$");
    private static final ObjectHandler OBJECTS = new ReflectionObjectHandler();

    private final String source;
    private final Kind kind;
    private final Mustache mustache;
    private final List<Use> uses;

    private MustacheTemplate(String source, Kind kind, Mustache mustache, List<Use> uses) {
        this.source = source;
        this.kind = kind;
        this.mustache = mustache;
        this.uses = uses;
    }

    /**
     * Compiles and checks {@code text}.
     *
     * @param source where the text is (a file name), for the errors
     * @throws Problem when the template cannot be used as it is
     */
    public static MustacheTemplate compile(String text, String source, Kind kind, Names names) {
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            Matcher old = OLD_PLACEHOLDER.matcher(lines[i]);
            if (old.find()) {
                throw new Problem(source, i + 1, "${" + old.group(1) + "} is the old placeholder form, which is"
                        + " no longer filled in: write {{" + old.group(1) + "}}");
            }
        }
        Mustache compiled;
        try {
            compiled = new Factory(kind).compile(new StringReader(text), source);
        } catch (Problem p) {
            throw p;
        } catch (MustacheException e) {
            String message = String.valueOf(e.getMessage());
            Matcher where = PARSER_WHERE.matcher(message);
            int line = 0;
            if (where.find()) {
                line = Integer.parseInt(where.group(2));
                message = message.substring(0, where.start());
            }
            throw new Problem(source, line, message);
        }
        List<Use> uses = new ArrayList<>();
        check(compiled.getCodes(), null, source, kind, names, uses);
        return new MustacheTemplate(source, kind, compiled, List.copyOf(uses));
    }

    /** Walks the compiled tags: every name must be one the caller fills, at the place it is used. */
    private static void check(Code[] codes, String list, String source, Kind kind, Names names, List<Use> out) {
        if (codes == null) {
            return;
        }
        for (Code code : codes) {
            if (code instanceof Value v) {
                if (kind == Kind.JSON && !v.escaped()) {
                    throw new Problem(source, v.line(), "{{{" + v.getName() + "}}} / {{&" + v.getName() + "}} would"
                            + " put the value into the JSON unescaped, where it could change the JSON; write {{"
                            + v.getName() + "}}");
                }
                if (list == null && names.lists().containsKey(v.getName())) {
                    throw new Problem(source, v.line(), "{{" + v.getName() + "}} is a list: write {{#" + v.getName()
                            + "}}…{{/" + v.getName() + "}} (and {{^" + v.getName() + "}}…{{/" + v.getName()
                            + "}} for when it is empty)");
                }
                known(v.getName(), v.line(), list, source, names);
                out.add(new Use(v.getName(), v.line(), false, false, list, List.of()));
            } else if (code instanceof IterableCode && code instanceof Tag s) {
                String name = code.getName();
                boolean inverted = code instanceof Inverted;
                List<Use> inside = new ArrayList<>();
                if (list == null && names.lists().containsKey(name)) {
                    // what {{^list}} holds is written when there are no items: it sees no item's fields
                    check(code.getCodes(), inverted ? null : name, source, kind, names, inside);
                    out.add(new Use(name, s.line(), true, inverted, null, inside));
                } else {
                    if (names.lists().containsKey(name)) {
                        throw new Problem(source, s.line(), "the list " + name + " is inside the list " + list
                                + ": lists do not nest");
                    }
                    known(name, s.line(), list, source, names);
                    check(code.getCodes(), list, source, kind, names, inside);
                    out.add(new Use(name, s.line(), true, inverted, list, inside));
                }
            } else if (code.getCodes() != null) {
                check(code.getCodes(), list, source, kind, names, out);
            }
        }
    }

    private static void known(String name, int line, String list, String source, Names names) {
        Set<String> fields = list == null ? Set.of() : names.lists().get(list);
        if (fields.contains(name) || names.values().contains(name)) {
            return;
        }
        Set<String> candidates = new TreeSet<>(names.values());
        candidates.addAll(fields);
        throw new Problem(source, line, "{{" + name + "}} is not a name this template can use"
                + DidYouMean.hint(name, list == null ? names.all() : candidates)
                + (list == null ? "; it may use " + names.all()
                        : "; inside {{#" + list + "}} it may use " + fields + " and " + new TreeSet<>(names.values())));
    }

    /**
     * The template filled with {@code values} (strings, numbers, booleans; a list as a list of maps).
     *
     * @throws Problem in plain text, when a name the template uses has no value: the caller and the
     *                 template disagree, and a mail with a hole in it must not go out
     */
    public String render(Map<String, ?> values) {
        if (kind == Kind.PLAIN_TEXT) {
            present(uses, values, null);
        }
        StringWriter out = new StringWriter();
        mustache.execute(out, values);
        return out.toString();
    }

    private void present(List<Use> uses, Map<String, ?> values, Map<?, ?> item) {
        for (Use u : uses) {
            Object v = item != null && item.containsKey(u.name()) ? item.get(u.name()) : values.get(u.name());
            if (v == null) {
                throw new Problem(source, u.line(), "{{" + u.name() + "}} has no value here"
                        + (item == null ? "; the template is given " + new TreeSet<>(values.keySet())
                                : " (an item of " + u.list() + " has " + new TreeSet<>(keys(item)) + ")"));
            }
            if (u.section() && !u.inverted() && u.list() == null && v instanceof Iterable<?> items) {
                for (Object one : items) {
                    if (!(one instanceof Map<?, ?> m)) {
                        throw new Problem(source, u.line(), "an item of " + u.name() + " is not a set of fields");
                    }
                    present(u.inside(), values, m);
                }
            } else if (u.section()) {
                present(u.inside(), values, item);
            }
        }
    }

    private static Set<String> keys(Map<?, ?> m) {
        Set<String> out = new LinkedHashSet<>();
        m.keySet().forEach(k -> out.add(String.valueOf(k)));
        return out;
    }

    /** Builds the codes below, with a visitor that refuses what a template here must not do. */
    private static final class Factory extends DefaultMustacheFactory {

        private final Kind kind;

        Factory(Kind kind) {
            this.kind = kind;
            setObjectHandler(OBJECTS);
        }

        @Override
        public void encode(String value, Writer writer) {
            try {
                writer.write(kind == Kind.JSON ? new String(JsonStringEncoder.getInstance().quoteAsString(value))
                        : value);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public MustacheVisitor createMustacheVisitor() {
            return new DefaultMustacheVisitor(this) {
                @Override
                public void value(TemplateContext tc, String variable, boolean encoded) {
                    list.add(new Value(tc, df, variable, encoded));
                }

                @Override
                public void iterable(TemplateContext tc, String variable, Mustache inside) {
                    list.add(new Section(tc, df, inside, variable));
                }

                @Override
                public void notIterable(TemplateContext tc, String variable, Mustache inside) {
                    list.add(new Inverted(tc, df, inside, variable));
                }

                @Override
                public void partial(TemplateContext tc, String variable, String indent) {
                    throw refused(tc, "{{>" + variable + "}}: a template is one file, partials are not read");
                }

                @Override
                public void dynamicPartial(TemplateContext tc, String variable, String indent) {
                    throw refused(tc, "{{>*" + variable + "}}: a template is one file, partials are not read");
                }

                @Override
                public void extend(TemplateContext tc, String variable, Mustache inside) {
                    throw refused(tc, "{{<" + variable + "}}: a template is one file, it extends no other");
                }

                @Override
                public void name(TemplateContext tc, String variable, Mustache inside) {
                    throw refused(tc, "{{$" + variable + "}}: blocks belong to template inheritance, not used here");
                }

                @Override
                public void pragma(TemplateContext tc, String pragma, String args) {
                    throw refused(tc, "{{%" + pragma + "}}: pragmas are not used here");
                }
            };
        }

        private static Problem refused(TemplateContext tc, String reason) {
            return new Problem(tc.file(), tc.line(), reason);
        }
    }

    /** {@code {{name}}} (escaped) or {@code {{{name}}}} / {@code {{&name}}}, with its line. */
    private static final class Value extends ValueCode implements Tag {

        Value(TemplateContext tc, DefaultMustacheFactory df, String variable, boolean encoded) {
            super(tc, df, variable, encoded);
        }

        @Override
        public int line() {
            return tc.line();
        }

        boolean escaped() {
            return encoded;
        }
    }

    /** A tag that knows its line in the template. */
    private interface Tag {
        int line();
    }

    /** {@code {{#name}}…{{/name}}}: the list's items, or the text when the value is there and not false. */
    private static final class Section extends IterableCode implements Tag {

        Section(TemplateContext tc, DefaultMustacheFactory df, Mustache inside, String variable) {
            super(tc, df, inside, variable);
        }

        @Override
        public int line() {
            return tc.line();
        }
    }

    /** {@code {{^name}}…{{/name}}}: the text when the list is empty or the value missing or false. */
    private static final class Inverted extends NotIterableCode implements Tag {

        Inverted(TemplateContext tc, DefaultMustacheFactory df, Mustache inside, String variable) {
            super(tc, df, inside, variable);
        }

        @Override
        public int line() {
            return tc.line();
        }
    }
}
