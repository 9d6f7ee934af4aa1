package kz.dsr.processors;

import java.util.List;
import java.util.Map;
import kz.dsr.notify.MustacheTemplate;

/**
 * The JSON body a custom-HTTP processor is sent: a Mustache template from {@code config/processors.yaml}
 * with {@code {{name}}} tags, through the same engine as the reply templates. Each value is escaped for
 * a JSON string where it is put (inside the template's own quotes), so a value can never change the
 * shape of the JSON; {@code {{{name}}}} is refused for that reason. A name without a value (a subject
 * without a phone) is written empty.
 */
public final class PayloadTemplate {

    /** The names a template may use. */
    public static final List<String> NAMES = List.of("subject_request_id", "reference", "type", "submitted_time",
            "email", "email_sha256", "phone", "phone_sha256", "subject", "field", "new_value");

    private static final MustacheTemplate.Names ALLOWED = MustacheTemplate.Names.of(NAMES);

    private final MustacheTemplate template;

    private PayloadTemplate(MustacheTemplate template) {
        this.template = template;
    }

    /**
     * Compiles and checks a template.
     *
     * @param source where it is, for the error
     * @throws MustacheTemplate.Problem an unknown name, an unescaped tag, a syntax error (with the line)
     */
    public static PayloadTemplate compile(String text, String source) {
        return new PayloadTemplate(MustacheTemplate.compile(text, source, MustacheTemplate.Kind.JSON, ALLOWED));
    }

    /** The template with each name replaced by its JSON-escaped value. */
    public String render(Map<String, String> values) {
        return template.render(values);
    }
}
