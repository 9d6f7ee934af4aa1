package kz.dsr.subject;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import kz.dsr.request.Lifecycle;
import kz.dsr.request.RequestStatus;
import kz.dsr.store.RequestStore;
import kz.dsr.store.RequestStore.Request;

/**
 * Finds the data subject of a CLASSIFIED request through the data map's identities: the sender's
 * address and the e-mail addresses and phone numbers written in the mail. One subject: MATCHED and
 * on to verification. None, or several: the request waits for a code like any other, though none was
 * sent (several: an operator is asked to name the account), so the person writing learns nothing about
 * which accounts exist. A type whose risk tier is review goes to an operator before matching says
 * anything, whatever the application database holds.
 */
public final class Matching {

    private static final String ACTOR = "matching";

    private final SubjectFinder finder;
    private final boolean hasEmail;
    private final boolean hasPhone;
    private final RequestStore requests;
    private final Lifecycle lifecycle;
    private final Verification verification;
    private final Verification.Messages messages;

    public Matching(SubjectFinder finder, Set<String> identityNames, RequestStore requests, Lifecycle lifecycle,
            Verification verification, Verification.Messages messages) {
        this.finder = finder;
        this.hasEmail = identityNames.contains("email");
        this.hasPhone = identityNames.contains("phone");
        this.requests = requests;
        this.lifecycle = lifecycle;
        this.verification = verification;
        this.messages = messages;
    }

    public void match(Request r) {
        JsonNode ids = requests.classification(r.id()).path("identifiers");
        Set<Object> keys = new LinkedHashSet<>();
        if (hasEmail) {
            if (r.requesterEmail() != null) {
                keys.addAll(finder.find("email", r.requesterEmail()));
            }
            ids.path("emails").forEach(e -> keys.addAll(finder.find("email", e.asText())));
        }
        if (hasPhone) {
            ids.path("phones").forEach(p -> keys.addAll(finder.find("phone", p.asText())));
        }
        if (verification.tier(r.type()) == Verification.Tier.REVIEW) {
            if (keys.size() == 1) {
                requests.setSubjectRef(r.id(), String.valueOf(keys.iterator().next()));
            }
            lifecycle.move(r.id(), RequestStatus.CLASSIFIED, RequestStatus.NEEDS_REVIEW, "risk tier review ("
                    + keys.size() + " account(s) match)", ACTOR, Map.of("accounts", keys.size()));
            messages.askOperator(r, "the " + r.type() + " tier is set to review; " + keys.size()
                    + " account(s) match the sender and the details in the mail");
            return;
        }
        if (keys.isEmpty()) {
            verification.withoutCode(r, RequestStatus.CLASSIFIED,
                    "no account matches the sender or the details in the mail", false);
            return;
        }
        if (keys.size() > 1) {
            verification.withoutCode(r, RequestStatus.CLASSIFIED,
                    keys.size() + " accounts match the sender and the details in the mail", true);
            return;
        }
        Object key = keys.iterator().next();
        requests.setSubjectRef(r.id(), String.valueOf(key));
        lifecycle.move(r.id(), RequestStatus.CLASSIFIED, RequestStatus.MATCHED, "one account matches", ACTOR);
        verification.start(requests.byId(r.id()).orElseThrow(), finder.registered(key), false);
    }

    /**
     * A MATCHED request whose subject an operator named (or approved after review): on to verification
     * with that account, the review tier and the per-account limits behind it.
     */
    public void verifyNamed(Request r) {
        Object key = requests.subjectRef(r.id()).orElseThrow(() -> new IllegalStateException(
                "request " + r.reference() + " is MATCHED without a subject"));
        verification.start(r, finder.registered(key), true);
    }
}
