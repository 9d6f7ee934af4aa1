package kz.dsr.subject;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Optional;
import kz.dsr.datamap.DataMap;
import kz.dsr.request.RequestType;
import kz.dsr.store.RequestStore;
import kz.dsr.store.RequestStore.Request;

/**
 * Which address a request must prove with a code of its own once the account holder has confirmed it.
 * Two cases give an outsider something worth stealing: a correction of the registered e-mail or phone
 * (from then on codes would go to the new one), and the export of a phone-only account (the data would
 * go to whatever address wrote to us). The new address, or the requester's, gets a code; the request
 * goes on only when that code comes back too.
 */
public final class AddressProof implements Verification.ProofNeeded {

    private final DataMap map;
    private final RequestStore requests;
    private final SubjectFinder subjects;

    public AddressProof(DataMap map, RequestStore requests, SubjectFinder subjects) {
        this.map = map;
        this.requests = requests;
        this.subjects = subjects;
    }

    @Override
    public Optional<Verification.Target> after(Request r) {
        if (r.type() == RequestType.RECTIFICATION) {
            return identityChange(r).flatMap(change -> change.identity().normaliser().apply(change.newValue())
                    .map(value -> new Verification.Target(change.identity().name().equals("phone")
                            ? Verification.Channel.SMS : Verification.Channel.MAIL, value,
                            "that is to become the account's " + change.identity().name())));
        }
        if (r.type() == RequestType.ACCESS && r.requesterEmail() != null) {
            Optional<String> subject = requests.subjectRef(r.id());
            if (subject.isPresent() && subjects.registered(subject.get()).email().isEmpty()) {
                return Optional.of(new Verification.Target(Verification.Channel.MAIL, r.requesterEmail(),
                        "the export would go to (the account has no registered e-mail)"));
            }
        }
        return Optional.empty();
    }

    @Override
    public boolean changesIdentity(Request r) {
        return r.type() == RequestType.RECTIFICATION && identityChange(r).isPresent();
    }

    /** A correction of an identity column (e-mail, phone) of the subject table, and its new value. */
    public record IdentityChange(DataMap.Identity identity, String newValue) {
    }

    /** The identity a RECTIFICATION would rewrite, if it rewrites one. */
    public Optional<IdentityChange> identityChange(Request r) {
        if (r.type() != RequestType.RECTIFICATION) {
            return Optional.empty();
        }
        JsonNode rect = requests.classification(r.id()).path("identifiers").path("rectification");
        if (rect.isMissingNode() || rect.isNull()) {
            return Optional.empty();
        }
        String field = rect.path("field").asText("");
        for (Map.Entry<DataMap.MappedTable, DataMap.MappedColumn> target : map.rectifiable(field)) {
            if (!target.getKey().name().equals(map.subject().table())) {
                continue;
            }
            for (DataMap.Identity identity : map.subject().identities().values()) {
                if (identity.column().equals(target.getValue().name())) {
                    return Optional.of(new IdentityChange(identity, rect.path("newValue").asText("")));
                }
            }
        }
        return Optional.empty();
    }
}
