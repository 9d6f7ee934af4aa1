package kz.dsr.processors;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import kz.dsr.notify.MailComposer;
import kz.dsr.notify.OutgoingMail;
import kz.dsr.request.RequestType;
import kz.dsr.store.Json;
import kz.dsr.store.RequestStore.Request;

/**
 * What a processor is sent about one request, composed when the request is executed: the OpenDSR
 * request, the custom JSON of the processor's template, or the mail to its privacy address.
 */
public final class Notices {

    /** The outbox description of an OpenDSR cancellation (DELETE {url}{request path}/{id}, no body). */
    public static final String OPENDSR_CANCEL = "OpenDSR CANCEL";

    private final MailComposer composer;
    private final String callbackUrl;

    /** @param callbackUrl our public {@code /opendsr/callback} URL, sent in status_callback_urls */
    public Notices(MailComposer composer, String callbackUrl) {
        this.composer = composer;
        this.callbackUrl = callbackUrl;
    }

    /** The OpenDSR {@code POST {base}{request path}} body (§7.1). */
    public String openDsr(DataProcessor p, UUID id, Request r, Instant submitted, SubjectIdentities who) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("regulation", p.http().orElseThrow().regulation());
        body.put("subject_request_id", id.toString());
        body.put("subject_request_type", r.type() == RequestType.ACCESS ? "access" : "erasure");
        body.put("submitted_time", DateTimeFormatter.ISO_INSTANT.format(submitted));
        body.put("subject_identities", identities(p, who));
        body.put("api_version", p.openDsr().orElseThrow().apiVersion());
        if (p.openDsr().get().callbacks() && !callbackUrl.isBlank()) {
            body.put("status_callback_urls", List.of(callbackUrl));
        }
        return Json.write(body);
    }

    private static List<Map<String, String>> identities(DataProcessor p, SubjectIdentities who) {
        List<Map<String, String>> out = new ArrayList<>();
        for (DataProcessor.IdentitySpec spec : p.identities()) {
            who.value(spec.from()).ifPresent(v -> {
                Map<String, String> one = new LinkedHashMap<>();
                one.put("identity_type", spec.type());
                one.put("identity_value", spec.sha256() ? SubjectIdentities.sha256(v) : v);
                one.put("identity_format", spec.sha256() ? "sha256" : "raw");
                out.add(one);
            });
        }
        return out;
    }

    /** The custom processor's template for the request type, filled in. */
    public String custom(DataProcessor p, UUID id, Request r, Instant submitted, SubjectIdentities who,
            Map<String, String> correction) {
        return p.http().orElseThrow().templates().get(r.type()).render(values(id, r, submitted, who, correction));
    }

    /** The mail to an email processor's privacy address; its answer must carry {@code id}. */
    public OutgoingMail mail(DataProcessor p, UUID id, Request r, Instant submitted, SubjectIdentities who,
            Map<String, String> correction) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("subjectRequestId", id.toString());
        v.put("type", r.type().name().toLowerCase(Locale.ROOT));
        v.put("submittedTime", DateTimeFormatter.ISO_INSTANT.format(submitted));
        // lists the template lays out: {{#identities}}…{{/identities}}, {{#correction}}…{{/correction}}
        List<Map<String, Object>> identities = new ArrayList<>();
        for (DataProcessor.IdentitySpec spec : p.identities()) {
            who.value(spec.from()).ifPresent(value -> identities.add(Map.of("type", spec.type(),
                    "value", spec.sha256() ? SubjectIdentities.sha256(value) : value, "hashed", spec.sha256())));
        }
        v.put("identities", identities);
        v.put("processor", p.name());
        v.put("correction", correction.isEmpty() ? List.of() : List.of(Map.of(
                "field", correction.getOrDefault("field", ""), "newValue", correction.getOrDefault("new_value", ""))));
        return composer.notice("processor-request", p.email().orElseThrow().language(), v,
                p.email().get().address(), r.reference(), null);
    }

    private static Map<String, String> values(UUID id, Request r, Instant submitted,
            SubjectIdentities who, Map<String, String> correction) {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("subject_request_id", id.toString());
        v.put("reference", r.reference());
        v.put("type", r.type().name().toLowerCase(Locale.ROOT));
        v.put("submitted_time", DateTimeFormatter.ISO_INSTANT.format(submitted));
        who.email().ifPresent(e -> {
            v.put("email", e.toLowerCase(Locale.ROOT));
            v.put("email_sha256", SubjectIdentities.sha256(e.toLowerCase(Locale.ROOT)));
        });
        who.phone().ifPresent(ph -> {
            v.put("phone", ph);
            v.put("phone_sha256", SubjectIdentities.sha256(ph));
        });
        who.subject().ifPresent(s -> v.put("subject", s));
        v.put("field", correction.getOrDefault("field", ""));
        v.put("new_value", correction.getOrDefault("new_value", ""));
        return v;
    }
}
