package kz.dsr.console;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import com.github.mustachejava.MustacheFactory;
import java.io.StringWriter;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.ResourceBundle;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The console's pages: Mustache templates (src/main/resources/console/templates) filled with a model and
 * the operator's language's texts (console/messages*.properties).
 *
 * <p>Mustache (mustache.java) because the pipeline already renders its reply mails with it, so there is no
 * second template engine to learn or keep, and because it has no logic in templates and escapes every
 * {@code {{value}}} for HTML by default: a template cannot run code, and only the triple-mustache form would
 * write a value unescaped, which no console template uses (a test renders markup in a subject as text).
 */
public final class Pages {

    private final MustacheFactory templates = new DefaultMustacheFactory("console/templates");
    private final Map<String, Map<String, String>> texts = new ConcurrentHashMap<>();

    /** The page {@code name} for {@code model}, in {@code language} (ru or en). */
    public String render(String name, String language, Map<String, Object> model) {
        Map<String, Object> all = new HashMap<>(model);
        all.put("t", texts(language));
        all.put("lang", language);
        Mustache page = templates.compile(name + ".mustache");
        StringWriter out = new StringWriter();
        page.execute(out, all);
        return out.toString();
    }

    /** The texts of a language (ru or en; anything else reads as ru, the team's language). */
    public Map<String, String> texts(String language) {
        String lang = "en".equals(language) ? "en" : "ru";
        return texts.computeIfAbsent(lang, l -> {
            ResourceBundle bundle = ResourceBundle.getBundle("console.messages", Locale.forLanguageTag(l),
                    ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES));
            Map<String, String> m = new HashMap<>();
            Enumeration<String> keys = bundle.getKeys();
            while (keys.hasMoreElements()) {
                String k = keys.nextElement();
                m.put(k, bundle.getString(k));
            }
            return Map.copyOf(m);
        });
    }

    public String text(String language, String key) {
        return texts(language).getOrDefault(key, key);
    }
}
