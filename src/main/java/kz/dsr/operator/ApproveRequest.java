package kz.dsr.operator;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.PrintStream;
import java.util.List;
import kz.dsr.request.RequestStatus;
import kz.dsr.store.Json;
import org.springframework.jdbc.core.JdbcTemplate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code requests approve REF}: a request waiting for an operator goes on — to matching, or, when its
 * account is known or named, to a one-time code for that account.
 */
@Command(name = "approve", mixinStandardHelpOptions = true,
        description = "A NEEDS_REVIEW request goes on: to matching (CLASSIFIED), or, when its account is known or"
                + " named with --subject, to a one-time code for that account (MATCHED). Also sends the code to a"
                + " request held without one (AWAITING_VERIFICATION: several accounts, or too many codes).")
final class ApproveRequest extends Decision {

    @Option(names = "--subject", paramLabel = "KEY", description = "the account the request is about (its key in"
            + " the application database), when several matched: the request goes on to verification with it")
    String subject;

    /** The request as it was, and the move the approval made. */
    private record Approval(RequestRow row, RequestStatus from, RequestStatus to) {
    }

    @Override
    String name() {
        return "approve";
    }

    @Override
    String past() {
        return "approved";
    }

    @Override
    void run(OperatorStore store, PrintStream out) {
        Approval a = store.transaction.execute(tx -> approve(store));
        out.printf("%s approved by %s: %s → %s (%s). The running pipeline now %s.%n", a.row().reference(),
                actor(), a.from(), a.to(), a.row().type(), a.to() == RequestStatus.CLASSIFIED
                        ? "matches the subject and asks for verification"
                        : "sends a one-time code to that account's registered address");
        String came = a.to() == RequestStatus.CLASSIFIED ? cameFrom(store.jdbc, a.row().id()) : null;
        if (came != null) {
            out.printf("Note: %s came to review from %s; if the same cause holds (several accounts match, risk"
                    + " tier review), it comes back to NEEDS_REVIEW — name the account with --subject.%n",
                    a.row().reference(), came);
        }
    }

    /** Within the decision's transaction. */
    private Approval approve(OperatorStore store) {
        RequestRow row = locked(store.jdbc);
        RequestStatus from = row.status();
        if (from == RequestStatus.AWAITING_VERIFICATION && waitsForUnsentCode(store.jdbc, row.id())) {
            // Held without a code (several accounts, no contact, too many codes): the operator
            // names the account and a code goes to it, whatever the per-account limits say.
            if (subject == null && row.subjectRef() == null) {
                throw new Refused(row.reference() + " waits for a code that was never sent because no single"
                        + " account could be chosen: name the account with --subject KEY");
            }
            store.jdbc.update("update verification_code set used_at = now() where request_id = ? and"
                    + " purpose = 'DECOY' and used_at is null", row.id());
        } else {
            waitingForReview(row);
        }
        // A request whose account is known goes on to its code; one without is matched again.
        boolean known = subject != null || row.subjectRef() != null;
        RequestStatus next = known ? RequestStatus.MATCHED : RequestStatus.CLASSIFIED;
        if (subject != null) {
            // The operator names the account; a one-time code to its registered address still decides.
            store.jdbc.update("update request set subject_ref = ? where id = ?", subject.strip(), row.id());
        }
        move(store, row, from, next, details("approve"));
        return new Approval(row, from, next);
    }

    /** True when the request's live code is one that was never sent (it waits for an operator or expiry). */
    private static boolean waitsForUnsentCode(JdbcTemplate jdbc, long id) {
        List<String> purpose = jdbc.queryForList("select purpose from verification_code where request_id = ?"
                + " order by id desc limit 1", String.class, id);
        return !purpose.isEmpty() && purpose.get(0).equals("DECOY");
    }

    /** The status the request was in before its last move to review, when that was after matching. */
    private static String cameFrom(JdbcTemplate jdbc, long id) {
        List<String> details = jdbc.queryForList("select details from request_event where request_id = ? and"
                + " kind = 'STATUS_NEEDS_REVIEW' order by id desc limit 1", String.class, id);
        if (details.isEmpty()) {
            return null;
        }
        try {
            String from = Json.mapper().readTree(details.get(0)).path("from").asText("");
            return from.equals("MATCHED") || from.equals("EXECUTING") ? from : null;
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
