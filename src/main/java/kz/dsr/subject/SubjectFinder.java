package kz.dsr.subject;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import kz.dsr.datamap.DataMap;
import kz.dsr.datamap.Sql;
import kz.dsr.execute.AppDatabase;

/**
 * Finds data subjects by the identities the data map declares (email, phone…): the value is
 * normalised as the map says, then compared with the identity column. Returns every key found, so
 * the caller can tell "nobody", "exactly one" and "several" apart.
 */
public final class SubjectFinder {

    private final DataMap map;
    private final Sql sql;
    private final AppDatabase db;

    public SubjectFinder(DataMap map, AppDatabase db) {
        this.map = map;
        this.sql = new Sql(map);
        this.db = db;
    }

    /** Subject keys whose identity {@code identity} (a name from the map) equals {@code rawValue}. */
    public Set<Object> find(String identity, String rawValue) {
        DataMap.Identity id = map.subject().identities().get(identity);
        if (id == null) {
            throw new IllegalArgumentException("the data map " + map.file() + " has no identity '" + identity
                    + "' (it has " + map.subject().identities().keySet() + ")");
        }
        Optional<String> normal = id.normaliser().apply(rawValue);
        if (normal.isEmpty()) {
            return Set.of();
        }
        List<Object> keys = db.readOnly(c -> kz.dsr.execute.AppDatabase.column(c, sql.findSubject(id, normal.get())));
        return new LinkedHashSet<>(keys);
    }

    /** The subject's registered e-mail and phone (the identities named "email" and "phone"), normalised. */
    public Verification.Registered registered(Object subjectKey) {
        return new Verification.Registered(identityValue("email", subjectKey), identityValue("phone", subjectKey));
    }

    private Optional<String> identityValue(String name, Object subjectKey) {
        DataMap.Identity id = map.subject().identities().get(name);
        if (id == null) {
            return Optional.empty();
        }
        List<Object> values = db.readOnly(c -> AppDatabase.column(c, sql.identities(List.of(id.column()), subjectKey)));
        if (values.isEmpty() || values.get(0) == null) {
            return Optional.empty();
        }
        // An anonymised (hashed) identity is nobody's address any more.
        return id.normaliser().apply(values.get(0).toString());
    }
}
