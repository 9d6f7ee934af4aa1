package kz.dsr.intake;

import java.util.Optional;
import kz.dsr.request.RequestType;
import kz.dsr.store.DeadLetters;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What an operator does with mail intake could not settle on its own, each in one store transaction: a
 * mail filed for the support team made a request after all, and a dead letter retried through intake
 * (recorded as if it had just arrived, and the letter settled with it) or discarded with a reason. A
 * letter someone settled meanwhile is left as it is.
 */
public final class OperatorIntake {

    /** What became of a dead letter. */
    public enum Settled { RETRIED, DISCARDED, ALREADY_SETTLED, NO_MAIL_TO_RETRY }

    /** {@code result}: intake's record of a retried mail, else null. */
    public record Outcome(Settled settled, MailIntake.Result result) {
    }

    private final MailIntake intake;
    private final MailParser parser;
    private final DeadLetters deadLetters;
    private final TransactionTemplate transaction;

    public OperatorIntake(MailIntake intake, MailParser parser, DeadLetters deadLetters, TransactionTemplate transaction) {
        this.intake = intake;
        this.parser = parser;
        this.deadLetters = deadLetters;
        this.transaction = transaction;
    }

    /** See {@link MailIntake#openFromSupport}: the new request's reference, or empty when no longer a support mail. */
    public Optional<String> requestFromSupport(long inboundId, RequestType type, String operator, String reason) {
        return transaction.execute(tx -> intake.openFromSupport(inboundId, type, "operator:" + operator, reason));
    }

    public Outcome discard(long deadLetterId, String operator, String reason) {
        return transaction.execute(tx -> {
            if (!stillOpen(deadLetterId)) {
                return new Outcome(Settled.ALREADY_SETTLED, null);
            }
            deadLetters.resolve(deadLetterId, "discarded by operator:" + operator + ": " + reason);
            return new Outcome(Settled.DISCARDED, null);
        });
    }

    /** Throws what intake throws when the mail still cannot be recorded: then nothing changed. */
    public Outcome retry(long deadLetterId, String operator) {
        return transaction.execute(tx -> {
            if (!stillOpen(deadLetterId)) {
                return new Outcome(Settled.ALREADY_SETTLED, null);
            }
            Optional<byte[]> raw = deadLetters.raw(deadLetterId);
            if (raw.isEmpty()) {
                return new Outcome(Settled.NO_MAIL_TO_RETRY, null);
            }
            MailIntake.Result result = intake.record(parser.parse(raw.get()), raw.get());
            deadLetters.resolve(deadLetterId, "retried by operator:" + operator + ": " + result);
            return new Outcome(Settled.RETRIED, result);
        });
    }

    /** Locks the letter's row for the rest of the transaction. */
    private boolean stillOpen(long deadLetterId) {
        return deadLetters.find(deadLetterId, true).filter(l -> l.resolvedAt() == null).isPresent();
    }
}
