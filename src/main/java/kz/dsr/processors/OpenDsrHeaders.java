package kz.dsr.processors;

import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * The names the specification has gone by, each with its own headers and request path: OpenCompliance
 * (its 1.0 name), OpenDSR, OpenGDPR. Parties must still honour the older names (§10.1), so whatever we
 * receive — a callback, an answer — is read in any of the three, whichever a processor was set up with.
 */
public enum OpenDsrHeaders {
    OPENCOMPLIANCE("OpenCompliance", "/opencompliance_requests"),
    OPENDSR("OpenDSR", "/opendsr_requests"),
    OPENGDPR("OpenGDPR", "/opengdpr_requests");

    private final String prefix;
    private final String requestPath;

    OpenDsrHeaders(String prefix, String requestPath) {
        this.prefix = prefix;
        this.requestPath = requestPath;
    }

    /** {@code X-<name>-Processor-Domain}: the domain whose certificate signed the message. */
    public String domainHeader() {
        return "X-" + prefix + "-Processor-Domain";
    }

    /** {@code X-<name>-Signature}: the Base64 signature of the raw body. */
    public String signatureHeader() {
        return "X-" + prefix + "-Signature";
    }

    /** Where requests are posted under the processor's base URL, unless its file entry says otherwise. */
    public String defaultRequestPath() {
        return requestPath;
    }

    /** The name as written in the processors file ({@code opencompliance}, {@code opendsr}, {@code opengdpr}). */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<OpenDsrHeaders> byKey(String key) {
        for (OpenDsrHeaders h : values()) {
            if (h.key().equals(key)) {
                return Optional.of(h);
            }
        }
        return Optional.empty();
    }

    /** The domain a message names and its signature, as read from the headers of one family. */
    public record Signed(String domain, String signature, OpenDsrHeaders family) {

        public static final Signed NONE = new Signed(null, null, null);

        public boolean present() {
            return domain != null && !domain.isBlank();
        }
    }

    /**
     * The first family (newest name first) whose domain header the message carries, with that family's
     * signature; {@link Signed#NONE} when it names no domain. A signature is only ever taken from the
     * family of the domain it goes with.
     *
     * @param header a header's value by its name (case-insensitive, as HTTP has it), or null
     */
    public static Signed read(Function<String, String> header) {
        for (OpenDsrHeaders h : values()) {
            String domain = header.apply(h.domainHeader());
            if (domain != null && !domain.isBlank()) {
                return new Signed(domain.strip(), header.apply(h.signatureHeader()), h);
            }
        }
        return Signed.NONE;
    }
}
