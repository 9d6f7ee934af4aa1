package kz.dsr.operator;

import java.io.PrintStream;
import java.sql.Date;
import java.time.LocalDate;
import java.util.Locale;
import java.util.Map;
import kz.dsr.request.RequestStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code requests extend REF --days N}: the only way a request's due date moves. */
@Command(name = "extend", mixinStandardHelpOptions = true,
        description = "Move an open request's due date later by N days, with a reason (the only way a due date moves).")
final class ExtendDueDate extends Decision {

    @Option(names = "--days", required = true, description = "calendar days to add to the due date (1 to 60)")
    int days;

    /** The due date before and after. */
    private record Moved(LocalDate from, LocalDate to) {
    }

    @Override
    String name() {
        return "extend";
    }

    @Override
    String past() {
        return "extended";
    }

    @Override
    void check() {
        super.check();
        if (days < 1 || days > 60) {
            throw new IllegalArgumentException("--days must be 1 to 60");
        }
    }

    @Override
    void run(OperatorStore store, PrintStream out) {
        Moved moved = store.transaction.execute(tx -> {
            RequestRow row = locked(store.jdbc);
            if (row.status().isClosed() || row.status() == RequestStatus.EXPIRED) {
                throw new Refused(row.reference() + " is " + row.status() + ": a closed request has no due date to"
                        + " move");
            }
            LocalDate later = row.dueDate().plusDays(days);
            store.jdbc.update("update request set due_date = ?, updated_at = now() where id = ?",
                    Date.valueOf(later), row.id());
            Map<String, Object> d = details("extend");
            d.put("from", row.dueDate().toString());
            d.put("to", later.toString());
            d.put("days", days);
            store.events().append(row.id(), "DUE_DATE_EXTENDED", actor(), d);
            return new Moved(row.dueDate(), later);
        });
        out.printf("%s: due date moved by %s from %s to %s (%d day(s)): %s%n", reference.toUpperCase(Locale.ROOT),
                actor(), moved.from(), moved.to(), days, reason());
    }
}
