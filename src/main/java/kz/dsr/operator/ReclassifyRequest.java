package kz.dsr.operator;

import java.io.PrintStream;
import java.util.Map;
import kz.dsr.request.RequestStatus;
import kz.dsr.request.RequestType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code requests reclassify REF --type T}: a request waiting for an operator gets another type and goes on. */
@Command(name = "reclassify", mixinStandardHelpOptions = true,
        description = "A NEEDS_REVIEW request gets another type and goes on as CLASSIFIED; its due date stays.")
final class ReclassifyRequest extends Decision {

    @Option(names = "--type", required = true, paramLabel = "TYPE", description = "ERASURE, ACCESS, RECTIFICATION,"
            + " BLOCKING, CONSENT_WITHDRAWAL or MARKETING_OPT_OUT")
    RequestType type;

    @Override
    String name() {
        return "reclassify";
    }

    @Override
    String past() {
        return "reclassified";
    }

    @Override
    void check() {
        super.check();
        if (type == RequestType.NOT_DSR || type == RequestType.UNKNOWN) {
            throw new IllegalArgumentException(type + " is not a request to carry out: use `requests reject`"
                    + " for a mail that is not a data-subject request");
        }
    }

    @Override
    void run(OperatorStore store, PrintStream out) {
        RequestRow r = store.transaction.execute(tx -> {
            RequestRow row = waitingForReview(store.jdbc);
            if (row.type() == type) {
                throw new Refused(row.reference() + " is already " + type + ": use `requests approve` to let it go on");
            }
            // Only the type changes. The due date stays as fixed at receipt: the person's deadline runs
            // from the day their mail arrived, whatever we first took it for, and it moves only by an
            // explicit, recorded extension — never as a side effect of correcting our classification.
            store.jdbc.update("update request set type = ?, updated_at = now() where id = ?", type.name(), row.id());
            Map<String, Object> d = details("reclassify");
            d.put("from", row.type().name());
            d.put("to", type.name());
            d.put("reason", reason());
            d.put("dueDate", row.dueDate().toString());
            store.events().append(row.id(), "RECLASSIFIED", actor(), d);
            Map<String, Object> move = details("reclassify");
            move.put("type", type.name());
            move(store, row, RequestStatus.NEEDS_REVIEW, RequestStatus.CLASSIFIED, move);
            return row;
        });
        out.printf("%s reclassified by %s: %s → %s, NEEDS_REVIEW → CLASSIFIED; due date stays %s. The running"
                + " pipeline now matches the subject and asks for verification.%n", r.reference(), actor(),
                r.type(), type, r.dueDate());
    }
}
