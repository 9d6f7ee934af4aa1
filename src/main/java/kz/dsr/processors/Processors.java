package kz.dsr.processors;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import kz.dsr.request.RequestType;

/** The processors of {@code config/processors.yaml}, by name. */
public final class Processors {

    private final Map<String, Processor> byName = new LinkedHashMap<>();

    public Processors(List<Processor> processors) {
        processors.forEach(p -> byName.put(p.name(), p));
    }

    /**
     * Demo and tests: the same processors with every URL's scheme, host and port replaced by
     * {@code base} (its path kept), so the shipped samples can be run against a local receiver.
     */
    public Processors redirectedTo(String base) {
        if (base == null || base.isBlank()) {
            return this;
        }
        java.net.URI to = java.net.URI.create(base.strip());
        return new Processors(byName.values().stream().map(p -> p.http().isEmpty() ? p : new Processor(p.name(),
                p.description(), p.kind(), p.types(), p.categories(), p.confirmWithin(), p.identities(),
                java.util.Optional.of(redirect(p.http().get(), to)), p.email(), p.callback(), p.pollEvery(), p.line()))
                .toList());
    }

    private static Processor.Http redirect(Processor.Http h, java.net.URI to) {
        java.net.URI u = h.url();
        java.net.URI moved = java.net.URI.create(to.getScheme() + "://" + to.getRawAuthority()
                + (u.getRawPath() == null ? "" : u.getRawPath()) + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery()));
        return new Processor.Http(moved, h.method(), h.templates(), h.auth(), h.connectTimeout(), h.responseTimeout(),
                h.regulation());
    }

    public List<Processor> all() {
        return List.copyOf(byName.values());
    }

    public Optional<Processor> byName(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** The processor that calls back under this domain (X-OpenDSR-Processor-Domain), if any. */
    public Optional<Processor> byCallbackDomain(String domain) {
        if (domain == null) {
            return Optional.empty();
        }
        String d = domain.strip().toLowerCase(java.util.Locale.ROOT);
        return byName.values().stream().filter(p -> p.callback().isPresent()
                && p.callback().get().domain().equals(d)).findFirst();
    }

    /** The email processor whose privacy address this is, if any. */
    public Optional<Processor> byAddress(String address) {
        if (address == null) {
            return Optional.empty();
        }
        String a = address.strip().toLowerCase(java.util.Locale.ROOT);
        return byName.values().stream().filter(p -> p.email().isPresent()
                && p.email().get().address().equals(a)).findFirst();
    }

    /** Who must act on a request of this type (for a correction: of a field in these categories). */
    public List<Processor> receiving(RequestType type, Set<String> fieldCategories) {
        return byName.values().stream().filter(p -> p.receives(type, fieldCategories)).toList();
    }
}
