package kz.dsr.intake;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.parser.Parser;
import org.jsoup.parser.StreamParser;
import org.jsoup.select.NodeFilter;
import org.jsoup.select.NodeTraversor;

/**
 * Plain text of an HTML body: blocks become line breaks, blockquotes '>' lines; scripts, styles dropped.
 *
 * <p>HTML is attacker-shaped, and small HTML can become large: a '> ' per blockquote level on every line,
 * and a parser that builds a tree node per tag (or thirteen, re-opening formatting elements per paragraph)
 * and an open element per nesting level. So every bound holds while the text is built, never afterwards:
 * the tree stops growing at {@link #MAX_NODES} nodes or {@link #MAX_DEPTH} levels (the rest of the HTML is
 * not read), quote prefixes stop at {@link #MAX_QUOTE_DEPTH} levels, and the text stops at the character
 * budget. Each bound reached is reported, for the limit reason.
 */
final class HtmlText {

    /** Far more than any mail client writes: a parse tree this large is the mail's payload, not its text. */
    static final int MAX_NODES = 100_000;
    /** Deeper than any mail client nests (browsers stop nesting at 512); each open level costs memory. */
    static final int MAX_DEPTH = 1_000;
    /** Deeper quotes keep this many '>' marks: their lines still read as quoted, at a bounded length. */
    static final int MAX_QUOTE_DEPTH = 20;

    /** How often the tree is looked at while parsing: every this many characters fed to the parser. */
    private static final int CHUNK_CHARS = 1024;
    /** At least this many characters between two node counts (each count walks the whole tree). */
    private static final int MIN_CHARS_BETWEEN_COUNTS = 8192;
    /** Nodes one character of HTML can add at most, about ("{@code <p>x}" re-opens 12 formatting elements). */
    private static final int NODES_PER_CHAR = 4;

    /** The elements after which text goes on a new line, and those that make a paragraph. */
    private static final Set<String> LINE_BLOCKS = Set.of("div", "li", "tr", "dt", "dd", "section", "article",
            "header", "footer", "address", "center", "hr");
    private static final Set<String> PARAGRAPH_BLOCKS = Set.of("p", "h1", "h2", "h3", "h4", "h5", "h6",
            "blockquote", "table", "ul", "ol", "pre");
    private static final Set<String> NOT_TEXT = Set.of("script", "style", "noscript", "template", "title",
            "iframe", "object", "svg");

    /**
     * @param text      the text, at most the budget's characters
     * @param truncated true when there was more text than the budget
     * @param limits    the other bounds reached, worded for an operator
     */
    record Result(String text, boolean truncated, List<String> limits) {
    }

    private HtmlText() {
    }

    static Result convert(Reader html, int maxChars) throws IOException {
        WatchedReader input = new WatchedReader(html);
        Document document;
        try (StreamParser parser = new StreamParser(Parser.htmlParser())) {
            parser.parse(input, "");
            input.watch(parser);
            document = parser.complete();
        }
        List<String> limits = new ArrayList<>();
        if (input.stopReason != null) {
            limits.add(input.stopReason);
        }
        TextBuilder text = new TextBuilder(Math.max(0, maxChars));
        NodeTraversor.filter(text, document.body());
        if (text.quotesCut) {
            limits.add("quotes nested deeper than " + MAX_QUOTE_DEPTH + " levels, shown as " + MAX_QUOTE_DEPTH);
        }
        return new Result(text.out.toString().strip(), text.truncated, List.copyOf(limits));
    }

    /**
     * Feeds the HTML to the parser in small chunks and, between chunks, measures the tree built so far;
     * ends the input (the parser then closes what is open, as at the end of any document) once the tree
     * is over a bound. The parser reads ahead at most a couple of chunks, so a bound is overshot by at
     * most a few thousand nodes.
     */
    private static final class WatchedReader extends Reader {
        private final Reader in;
        private StreamParser parser;
        private long fed;
        private long nextCount;
        String stopReason;

        WatchedReader(Reader in) {
            this.in = in;
        }

        void watch(StreamParser parser) {
            this.parser = parser;
        }

        @Override
        public int read(char[] buffer, int offset, int length) throws IOException {
            if (stopReason == null && parser != null) {
                measure(parser.document());
            }
            if (stopReason != null) {
                return -1;
            }
            int n = in.read(buffer, offset, Math.min(length, CHUNK_CHARS));
            if (n > 0) {
                fed += n;
            }
            return n;
        }

        private void measure(Document document) {
            // Open elements are the last child of the last child ...: cheap to follow on every chunk.
            int depth = 0;
            for (Node node = document.lastChild(); node instanceof Element; node = node.lastChild()) {
                depth++;
            }
            if (depth > MAX_DEPTH) {
                stopReason = "HTML nested deeper than " + MAX_DEPTH + " elements, read up to there";
                return;
            }
            if (fed >= nextCount) {
                // The whole tree, also what the parser moved out of that line (misnested tables, formatting).
                int[] nodes = {0};
                NodeTraversor.traverse((node, level) -> nodes[0]++, document);
                if (nodes[0] > MAX_NODES) {
                    stopReason = "HTML of more than " + MAX_NODES + " elements and texts, read up to there";
                    return;
                }
                nextCount = fed + Math.max(MIN_CHARS_BETWEEN_COUNTS, (MAX_NODES - nodes[0]) / NODES_PER_CHAR);
            }
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    /**
     * Walks the tree into text, normalising as it goes (no spaces before a line break, at most one blank
     * line in a row) so that the budget is spent on text; stops the walk when the budget is spent.
     */
    private static final class TextBuilder implements NodeFilter {
        private final int maxChars;
        final StringBuilder out = new StringBuilder();
        private int quoteDepth;
        boolean quotesCut;
        boolean truncated;

        TextBuilder(int maxChars) {
            this.maxChars = maxChars;
        }

        @Override
        public FilterResult head(Node node, int depth) {
            if (node instanceof TextNode textNode) {
                String text = clean(textNode.text());
                if (atLineStart()) {
                    text = text.stripLeading();
                    if (!text.isEmpty()) {
                        if (quoteDepth > MAX_QUOTE_DEPTH) {
                            quotesCut = true;
                        }
                        append("> ".repeat(Math.min(quoteDepth, MAX_QUOTE_DEPTH)));
                    }
                }
                append(text);
            } else if (node instanceof Element element) {
                String name = element.normalName();
                if (NOT_TEXT.contains(name)) {
                    return FilterResult.SKIP_ENTIRELY;
                }
                if (name.equals("br")) {
                    newLine();
                } else if (LINE_BLOCKS.contains(name) || PARAGRAPH_BLOCKS.contains(name)) {
                    endLine();
                }
                if (name.equals("blockquote")) {
                    quoteDepth++;
                }
            }
            return truncated ? FilterResult.STOP : FilterResult.CONTINUE;
        }

        @Override
        public FilterResult tail(Node node, int depth) {
            if (node instanceof Element element) {
                String name = element.normalName();
                if (name.equals("blockquote")) {
                    quoteDepth--;
                }
                if (PARAGRAPH_BLOCKS.contains(name)) {
                    endLine();
                    newLine();
                } else if (LINE_BLOCKS.contains(name)) {
                    endLine();
                }
            }
            return truncated ? FilterResult.STOP : FilterResult.CONTINUE;
        }

        /** No-break spaces as spaces, no control characters. */
        private static String clean(String text) {
            StringBuilder out = new StringBuilder(text.length());
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (!SafeText.unsafeInBody(c)) {
                    out.append(c == '\u00A0' ? ' ' : c);
                }
            }
            return out.toString();
        }

        private boolean atLineStart() {
            return out.length() == 0 || out.charAt(out.length() - 1) == '\n';
        }

        private void endLine() {
            if (!atLineStart()) {
                newLine();
            }
        }

        /** A line break, without the spaces before it; none at the start, none after a blank line. */
        private void newLine() {
            int end = out.length();
            while (end > 0 && (out.charAt(end - 1) == ' ' || out.charAt(end - 1) == '\t')) {
                end--;
            }
            out.setLength(end);
            if (end == 0 || end >= 2 && out.charAt(end - 1) == '\n' && out.charAt(end - 2) == '\n') {
                return;
            }
            append("\n");
        }

        /** Appends what fits the budget; text (not mere whitespace) beyond it marks the result truncated. */
        private void append(String text) {
            int room = maxChars - out.length();
            if (text.length() <= room) {
                out.append(text);
                return;
            }
            int end = Math.max(0, room);
            if (end > 0 && Character.isHighSurrogate(text.charAt(end - 1))) {
                end--;
            }
            out.append(text, 0, end);
            if (!text.substring(end).isBlank()) {
                truncated = true;
            }
        }
    }
}
