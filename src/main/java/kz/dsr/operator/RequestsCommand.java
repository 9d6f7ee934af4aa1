package kz.dsr.operator;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code requests list|show|approve|reclassify|reject|extend|close}: what an operator needs to look at
 * the requests in the store and decide the ones waiting for a person (NEEDS_REVIEW), one class per
 * subcommand.
 *
 * <p>Every decision is one store transaction: the request row is locked, its status checked, moved
 * through the one {@link kz.dsr.request.Lifecycle} (so the move is a checked transition and an event)
 * and, for a rejection, the reply queued in the outbox, all or nothing. The actor of every event is
 * {@code operator:NAME}. The running pipeline takes it from there (matching, verification, the outbox
 * relay sends the mail).
 *
 * <p>Exit codes ({@link StoreCommand}): 0 done, 1 refused (unknown reference, wrong status; nothing
 * changed), 2 configuration or database error (nothing changed).
 */
@Command(name = "requests", mixinStandardHelpOptions = true,
        description = "Look at the requests in the store and decide the ones waiting for an operator (NEEDS_REVIEW).",
        // The order is the order of the help text.
        subcommands = {RequestsList.class, RequestShow.class, ApproveRequest.class, ExtendDueDate.class,
            CloseRequest.class, ReclassifyRequest.class, RejectRequest.class})
public final class RequestsCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "Missing subcommand: list, show, approve, reclassify, reject, extend or close");
    }
}
