package kz.dsr.processors;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import kz.dsr.request.RequestType;

/** The processors of {@code config/processors.yaml}, by name. */
public final class Processors {

    private final Map<String, DataProcessor> byName = new LinkedHashMap<>();

    public Processors(List<DataProcessor> processors) {
        processors.forEach(p -> byName.put(p.name(), p));
    }

    public List<DataProcessor> all() {
        return List.copyOf(byName.values());
    }

    public Optional<DataProcessor> byName(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /**
     * The OpenDSR processor allow-listed under this domain (its X-…-Processor-Domain), if any: only these
     * are ever asked for a certificate, so a caller cannot make us fetch from a host of its choosing.
     */
    public Optional<DataProcessor> byDomain(String domain) {
        if (domain == null) {
            return Optional.empty();
        }
        String d = domain.strip().toLowerCase(java.util.Locale.ROOT).replaceAll("\\.$", "");
        return byName.values().stream().filter(p -> p.openDsr().isPresent()
                && p.openDsr().get().domain().equals(d)).findFirst();
    }

    /** The email processor whose privacy address this is, if any. */
    public Optional<DataProcessor> byAddress(String address) {
        if (address == null) {
            return Optional.empty();
        }
        String a = address.strip().toLowerCase(java.util.Locale.ROOT);
        return byName.values().stream().filter(p -> p.email().isPresent()
                && p.email().get().address().equals(a)).findFirst();
    }

    /** Who must act on a request of this type (for a correction: of a field in these categories). */
    public List<DataProcessor> receiving(RequestType type, Set<String> fieldCategories) {
        return byName.values().stream().filter(p -> p.receives(type, fieldCategories)).toList();
    }
}
