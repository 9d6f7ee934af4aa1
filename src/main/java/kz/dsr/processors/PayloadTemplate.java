package kz.dsr.processors;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JSON body a custom-HTTP processor is sent: a template from {@code config/processors.yaml} with
 * {@code ${name}} placeholders. Values are JSON-escaped where they are put (inside the template's own
 * quotes), so a value can never change the shape of the JSON.
 */
public final class PayloadTemplate {

    /** The placeholders a template may use. */
    public static final List<String> NAMES = List.of("subject_request_id", "reference", "type", "submitted_time",
            "email", "email_sha256", "phone", "phone_sha256", "subject", "field", "new_value");

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([a-z0-9_]+)}");

    private PayloadTemplate() {
    }

    /** The placeholders used in {@code template} that are not known, in order. */
    public static Set<String> unknown(String template) {
        Set<String> out = new LinkedHashSet<>();
        Matcher m = PLACEHOLDER.matcher(template);
        while (m.find()) {
            if (!NAMES.contains(m.group(1))) {
                out.add(m.group(1));
            }
        }
        return out;
    }

    /** The template with each placeholder replaced by its JSON-escaped value (empty when there is none). */
    public static String render(String template, Map<String, String> values) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String v = values.getOrDefault(m.group(1), "");
            m.appendReplacement(out, Matcher.quoteReplacement(
                    new String(JsonStringEncoder.getInstance().quoteAsString(v == null ? "" : v))));
        }
        m.appendTail(out);
        return out.toString();
    }
}
