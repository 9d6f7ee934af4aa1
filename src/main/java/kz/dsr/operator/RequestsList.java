package kz.dsr.operator;

import static kz.dsr.operator.Shown.HIDDEN;
import static kz.dsr.operator.Shown.mask;
import static kz.dsr.operator.Shown.orDash;

import java.io.PrintStream;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import kz.dsr.request.RequestStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code requests list}: the open requests, the most urgent first. */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "Open requests, overdue first, then by due date (COMPLETED, REJECTED and EXPIRED are hidden"
                + " unless asked for with --status).")
final class RequestsList extends StoreCommand {

    @Option(names = "--status", paramLabel = "S", description = "only these statuses (repeatable): ${COMPLETION-CANDIDATES}")
    List<RequestStatus> statuses = new ArrayList<>();

    @Override
    String name() {
        return "list";
    }

    @Override
    void run(OperatorStore store, PrintStream out) {
        EnumSet<RequestStatus> shown = statuses.isEmpty() ? EnumSet.complementOf(HIDDEN) : EnumSet.copyOf(statuses);
        List<String> names = shown.stream().map(Enum::name).toList();
        // Overdue first is earliest due date first; the id keeps requests due the same day in arrival order.
        List<RequestRow> rows = store.jdbc.query("select " + RequestRow.COLUMNS + " from request where status in ("
                + String.join(", ", Collections.nCopies(names.size(), "?")) + ") order by due_date, id",
                RequestRow.MAPPER, names.toArray());
        LocalDate today = store.today();
        if (rows.isEmpty()) {
            out.println("No requests with status " + (statuses.isEmpty() ? "open" : names) + ".");
            return;
        }
        String fmt = "%-16s  %-18s  %-21s  %-5s  %-10s  %9s  %-22s  %s%n";
        out.printf(fmt, "reference", "type", "status", "lang", "due", "days left", "requester", "status reason");
        int overdue = 0;
        for (RequestRow r : rows) {
            long left = ChronoUnit.DAYS.between(today, r.dueDate());
            if (left < 0 && !HIDDEN.contains(r.status())) {
                overdue++;
            }
            out.printf(fmt, r.reference(), r.type(), r.status(), r.language(), r.dueDate(), left,
                    mask(r.requester()), orDash(r.statusReason()));
        }
        out.printf("%d request(s), %d overdue (today is %s in %s; negative days left = overdue)%n",
                rows.size(), overdue, today, store.zone);
    }
}
