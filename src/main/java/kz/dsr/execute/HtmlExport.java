package kz.dsr.execute;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import kz.dsr.store.Json;

/**
 * Renders an {@link AccessExport} JSON as a self-contained HTML page a person can read, streaming
 * from the JSON (so both files say exactly the same, and a million rows need no heap). Every value is
 * HTML-escaped: the data came from people and may contain markup.
 */
public final class HtmlExport {

    private static final Map<String, String[]> LABELS = Map.of(
            "ru", new String[] {"Ваши персональные данные", "Оператор", "Цели обработки", "Источники",
                "Срок хранения", "Получатели", "Сформировано", "записей"},
            "kk", new String[] {"Сіздің дербес деректеріңіз", "Оператор", "Өңдеу мақсаттары", "Дереккөздер",
                "Сақтау мерзімі", "Алушылар", "Жасалған уақыты", "жазба"},
            "en", new String[] {"Your personal data", "Controller", "Purposes", "Sources", "Retention",
                "Recipients", "Generated", "records"});

    private HtmlExport() {
    }

    public static void render(InputStream json, OutputStream html) throws IOException {
        Writer w = new OutputStreamWriter(html, StandardCharsets.UTF_8);
        try (JsonParser p = Json.mapper().getFactory().createParser(json)) {
            expect(p.nextToken(), JsonToken.START_OBJECT);
            String language = "en";
            String[] labels = LABELS.get("en");
            boolean headerDone = false;
            String company = "";
            String controller = "";
            String generated = "";
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                switch (field) {
                    case "company" -> company = p.getText();
                    case "language" -> {
                        language = p.getText();
                        labels = LABELS.getOrDefault(language, LABELS.get("en"));
                    }
                    case "controller" -> controller = p.getText();
                    case "generated_at" -> generated = p.getText();
                    case "categories" -> {
                        if (!headerDone) {
                            header(w, language, labels, company, controller, generated);
                            headerDone = true;
                        }
                        while (p.nextToken() == JsonToken.START_OBJECT) {
                            category(p, w, labels);
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            if (!headerDone) {
                header(w, language, labels, company, controller, generated);
            }
            w.write("</body></html>\n");
        }
        w.flush();
    }

    private static void header(Writer w, String lang, String[] l, String company, String controller, String generated)
            throws IOException {
        w.write("<!DOCTYPE html>\n<html lang=\"" + esc(lang) + "\"><head><meta charset=\"utf-8\"><title>" + esc(l[0])
                + " — " + esc(company) + "</title><style>body{font-family:sans-serif;margin:2em;max-width:70em}"
                + "table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #bbb;padding:.2em .5em;"
                + "text-align:left;vertical-align:top}th{background:#eee}dt{font-weight:bold}</style></head><body>\n");
        w.write("<h1>" + esc(l[0]) + " — " + esc(company) + "</h1>\n<p>" + esc(l[1]) + ": " + esc(controller)
                + "<br>" + esc(l[6]) + ": " + esc(generated) + "</p>\n");
    }

    private static void category(JsonParser p, Writer w, String[] l) throws IOException {
        String category = "";
        String title = "";
        String[] info = new String[4];
        boolean started = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            switch (field) {
                case "category" -> category = p.getText();
                case "title" -> title = p.getText();
                case "purposes" -> info[0] = p.getText();
                case "sources" -> info[1] = p.getText();
                case "retention" -> info[2] = p.getText();
                case "recipients" -> info[3] = p.getText();
                case "tables" -> {
                    if (!started) {
                        w.write("<h2>" + esc(title) + " <small>(" + esc(category) + ")</small></h2>\n<dl>");
                        for (int i = 0; i < 4; i++) {
                            w.write("<dt>" + esc(l[2 + i]) + "</dt><dd>" + esc(info[i]) + "</dd>");
                        }
                        w.write("</dl>\n");
                        started = true;
                    }
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        table(p, w, l);
                    }
                }
                default -> p.skipChildren();
            }
        }
    }

    private static void table(JsonParser p, Writer w, String[] l) throws IOException {
        String name = "";
        List<String> columns = new ArrayList<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            switch (field) {
                case "table" -> name = p.getText();
                case "columns" -> {
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        columns.add(p.getText());
                    }
                }
                case "rows" -> {
                    w.write("<h3>" + esc(name) + "</h3>\n<table><tr>");
                    for (String c : columns) {
                        w.write("<th>" + esc(c) + "</th>");
                    }
                    w.write("</tr>\n");
                    while (p.nextToken() == JsonToken.START_ARRAY) {
                        w.write("<tr>");
                        while (p.nextToken() != JsonToken.END_ARRAY) {
                            w.write("<td>" + (p.currentToken() == JsonToken.VALUE_NULL ? "" : esc(p.getText()))
                                    + "</td>");
                        }
                        w.write("</tr>\n");
                    }
                    w.write("</table>\n");
                }
                case "count" -> w.write("<p>" + p.getLongValue() + " " + esc(l[7]) + "</p>\n");
                default -> p.skipChildren();
            }
        }
    }

    private static void expect(JsonToken got, JsonToken want) throws IOException {
        if (got != want) {
            throw new IOException("not an access export: expected " + want + ", found " + got);
        }
    }

    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
