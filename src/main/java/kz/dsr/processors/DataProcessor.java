package kz.dsr.processors;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import kz.dsr.request.RequestType;

/**
 * A company that receives personal data from us (payment provider, analytics provider) and so must
 * act on a request too, as configured in {@code config/processors.yaml}.
 *
 * @param types       the request types it receives
 * @param categories  the data categories (of the data map) it receives; a RECTIFICATION goes to it
 *                    only when the corrected field is in one of them
 * @param confirmWithin how long it has to confirm; silent past that, the operator is told
 * @param identities  which of the subject's identities it is sent, under which name, raw or hashed
 * @param pollEvery   how often its status URL is asked (OpenDSR); {@link Duration#ZERO}: never
 * @param line        where it is defined, for errors
 */
public record DataProcessor(String name, String description, Kind kind, Set<RequestType> types, List<String> categories,
        Duration confirmWithin, List<IdentitySpec> identities, Optional<Http> http, Optional<Email> email,
        Optional<OpenDsr> openDsr, Duration pollEvery, int line) {

    /** How the processor is told. */
    public enum Kind {
        /**
         * OpenDSR (OpenCompliance 1.0, formerly OpenGDPR): POST {base}{request path}, status by
         * GET {base}{request path}/{id}, cancellation by DELETE, signed callbacks; every answer and callback
         * signed with the processor's certificate, found through GET {base}/discovery.
         */
        OPENDSR,
        /**
         * The provider's own HTTP API (not OpenDSR): a JSON template per request type; a 2xx answer is its
         * confirmation. Our calls may be signed with a shared secret (auth scheme hmac) if its API asks so.
         */
        HTTP,
        /** A mail to the provider's privacy address; its answer, carrying our reference, is its confirmation. */
        EMAIL
    }

    /**
     * One identity sent to the processor.
     *
     * @param from   email, phone (the subject's registered ones) or subject (our key of the subject)
     * @param type   the name the processor knows it by (OpenDSR identity_type, e.g. email, phone_number)
     * @param sha256 sent as the lowercase hex SHA-256 of the normalised value instead of the value
     */
    public record IdentitySpec(String from, String type, boolean sha256) {
    }

    /**
     * The HTTP side of an OpenDSR or custom processor.
     *
     * @param url        OpenDSR: the base URL ({base}/requests is called); custom: the endpoint
     * @param method     custom: POST, PUT or DELETE; OpenDSR: POST
     * @param templates  custom: the JSON body per request type, a Mustache template
     * @param regulation OpenDSR: the regulation named in each request (e.g. gdpr)
     */
    public record Http(URI url, String method, Map<RequestType, PayloadTemplate> templates, Auth auth,
            Duration connectTimeout, Duration responseTimeout, String regulation) {
    }

    /** How our calls authenticate; the secrets are read from the environment when the file is loaded. */
    public record Auth(Scheme scheme, String token, String username, String password, String header) {

        public enum Scheme { NONE, BEARER, BASIC, HMAC }

        public static final Auth NONE = new Auth(Scheme.NONE, null, null, null, null);
    }

    /** A processor without an API: a mail to its privacy address, in its language. */
    public record Email(String address, String language) {
    }

    /**
     * What an OpenDSR processor is to us besides its URL.
     *
     * @param domain      the allow-listed domain it signs as: named in its X-…-Processor-Domain header and in
     *                    its certificate; a message naming another domain is not its
     * @param headers     the header family and request path it speaks (any family is accepted from it)
     * @param requestPath where requests go under its base URL (e.g. /opendsr_requests)
     * @param apiVersion  the api_version we state in each request
     * @param callbacks   whether it is asked to call back (status_callback_urls)
     */
    public record OpenDsr(String domain, OpenDsrHeaders headers, String requestPath, String apiVersion,
            boolean callbacks) {
    }

    /** Whether a request of this type (and, for a correction, of this field's categories) goes to it. */
    public boolean receives(RequestType type, Set<String> fieldCategories) {
        if (!types.contains(type)) {
            return false;
        }
        if (type != RequestType.RECTIFICATION) {
            return true;
        }
        return fieldCategories.stream().anyMatch(c -> categories.stream()
                .anyMatch(mine -> c.equals(mine) || c.startsWith(mine + ".")));
    }
}
