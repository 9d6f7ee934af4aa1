package kz.dsr.operator;

import java.io.PrintStream;
import kz.dsr.processors.ProcessorTasks;
import kz.dsr.request.RequestStatus;
import picocli.CommandLine.Command;

/** {@code requests close REF}: a request waiting for its processors is completed without their confirmations. */
@Command(name = "close", mixinStandardHelpOptions = true,
        description = "A request waiting for its processors (AWAITING_PROCESSORS) is COMPLETED without the"
                + " confirmations still missing, with a reason (e.g. the processor confirmed by phone); its final"
                + " reply, held until now, is sent by the running pipeline.")
final class CloseRequest extends Decision {

    @Override
    String name() {
        return "close";
    }

    @Override
    String past() {
        return "closed";
    }

    @Override
    void run(OperatorStore store, PrintStream out) {
        ProcessorTasks tasks = store.processorTasks();
        RequestRow r = store.transaction.execute(tx -> {
            RequestRow row = locked(store.jdbc);
            if (row.status() != RequestStatus.AWAITING_PROCESSORS) {
                throw new Refused(row.reference() + " is " + row.status() + ", not AWAITING_PROCESSORS: only a"
                        + " request waiting for its processors can be closed");
            }
            // The processor tasks own this move: the open tasks CLOSED, the request COMPLETED through the
            // lifecycle and the final reply released, all in this transaction.
            tasks.close(row.id(), reason(), actor());
            return row;
        });
        out.printf("%s closed by %s: AWAITING_PROCESSORS → COMPLETED (%s). The final reply is released; the"
                + " running pipeline sends it.%n", r.reference(), actor(), reason());
    }
}
