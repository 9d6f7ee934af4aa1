package kz.dsr.operator;

import java.io.PrintStream;
import java.util.Map;
import kz.dsr.notify.Replies;
import kz.dsr.request.RequestStatus;
import kz.dsr.store.RequestStore;
import picocli.CommandLine.Command;

/** {@code requests reject REF}: a request waiting for an operator is rejected and the requester told why. */
@Command(name = "reject", mixinStandardHelpOptions = true,
        description = "A NEEDS_REVIEW request is REJECTED and the requester is told why (the reply is queued in the"
                + " outbox and sent by the running pipeline).")
final class RejectRequest extends Decision {

    @Override
    String name() {
        return "reject";
    }

    @Override
    String past() {
        return "rejected";
    }

    @Override
    void run(OperatorStore store, PrintStream out) {
        // Built before the transaction: a configuration error stops here with nothing changed.
        Replies replies = store.replies();
        RequestStore requests = store.requests();
        RequestRow r = store.transaction.execute(tx -> {
            RequestRow row = waitingForReview(store.jdbc);
            Map<String, Object> d = details("reject");
            d.put("reply", row.requester() == null ? "none: no requester address" : "queued");
            move(store, row, RequestStatus.NEEDS_REVIEW, RequestStatus.REJECTED, d);
            // The reply goes in the same transaction: rejected and told, or neither.
            replies.rejected(requests.byId(row.id()).orElseThrow(), reason());
            return row;
        });
        out.printf("%s rejected by %s: NEEDS_REVIEW → REJECTED. %s%n", r.reference(), actor(),
                r.requester() == null ? "The request has no requester address: no reply was queued."
                        : "The reply to " + Shown.mask(r.requester()) + " (in '" + r.language()
                                + "') is queued in the outbox; the running pipeline sends it.");
    }
}
