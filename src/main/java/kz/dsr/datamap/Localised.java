package kz.dsr.datamap;

import java.util.Map;

/** A text of the data map given once for every language, or per language (ru, kk, en). */
public record Localised(Map<String, String> byLanguage) {

    public static Localised of(String text) {
        return new Localised(Map.of("", text));
    }

    /** The text in {@code language}, else in English, else in any language given. */
    public String in(String language) {
        String s = byLanguage.get(language);
        if (s == null) {
            s = byLanguage.get("");
        }
        if (s == null) {
            s = byLanguage.get("en");
        }
        return s != null ? s : byLanguage.values().iterator().next();
    }
}
