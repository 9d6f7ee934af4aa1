package kz.dsr.operator;

import static kz.dsr.operator.Shown.HIDDEN;
import static kz.dsr.operator.Shown.TIME;
import static kz.dsr.operator.Shown.mask;
import static kz.dsr.operator.Shown.orDash;

import java.io.PrintStream;
import java.sql.Timestamp;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import kz.dsr.store.EventLog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code requests show REF}: one request, its processors and its timeline. */
@Command(name = "show", mixinStandardHelpOptions = true,
        description = "One request and its timeline (every event, in order, with who caused it).")
final class RequestShow extends StoreCommand {

    @Parameters(index = "0", paramLabel = "REF", description = "the request's reference, e.g. DSR-2026-000123")
    String reference;

    @Override
    String name() {
        return "show";
    }

    @Override
    void run(OperatorStore store, PrintStream out) {
        RequestRow r = RequestRow.existing(store.jdbc, reference, false);
        printRequest(store, r, out);
        printProcessors(store, r, out);
        out.println();
        printTimeline(store, r, out);
    }

    private static void printRequest(OperatorStore store, RequestRow r, PrintStream out) {
        long left = ChronoUnit.DAYS.between(store.today(), r.dueDate());
        String fmt = "%-14s %s%n";
        out.printf(fmt, "Reference", r.reference());
        out.printf(fmt, "Type", r.type());
        out.printf(fmt, "Status", r.status());
        out.printf(fmt, "Status reason", orDash(r.statusReason()));
        out.printf(fmt, "Language", r.language());
        out.printf(fmt, "Requester", mask(r.requester()));
        out.printf(fmt, "Received at", TIME.format(r.receivedAt().atZone(store.zone)) + " (" + store.zone + ")");
        out.printf(fmt, "Due date", r.dueDate() + (HIDDEN.contains(r.status()) ? ""
                : left < 0 ? " (" + -left + " day(s) overdue)" : " (" + left + " day(s) left)"));
        out.printf(fmt, "Subject ref", orDash(r.subjectRef()));
    }

    /** The processors told about the request, when there are any. */
    private static void printProcessors(OperatorStore store, RequestRow r, PrintStream out) {
        List<Map<String, Object>> tasks = store.jdbc.queryForList("select processor, kind, status, due_at,"
                + " subject_request_id, results_url, results_count from processor_task where request_id = ? order by id",
                r.id());
        if (tasks.isEmpty()) {
            return;
        }
        out.println();
        out.println("Processors (" + tasks.size() + "):");
        for (Map<String, Object> t : tasks) {
            out.printf("  %-20s %-8s %-12s due %s  id %s%n", t.get("processor"), t.get("kind"), t.get("status"),
                    TIME.format(((Timestamp) t.get("due_at")).toInstant().atZone(store.zone)),
                    t.get("subject_request_id"));
            if (t.get("results_url") != null) {
                // The processor's own page: open it yourself (it is not fetched, and may need the processor's login).
                out.printf("  %-20s results: %s%s%n", "", t.get("results_url"),
                        t.get("results_count") == null ? "" : " (" + t.get("results_count") + " result(s))");
            }
        }
    }

    private static void printTimeline(OperatorStore store, RequestRow r, PrintStream out) {
        List<EventLog.Event> timeline = store.events().timeline(r.id());
        out.println("Timeline (" + timeline.size() + " event(s), times in " + store.zone + "):");
        int kind = Math.max(4, timeline.stream().mapToInt(e -> e.kind().length()).max().orElse(4));
        int actor = Math.max(5, timeline.stream().mapToInt(e -> e.actor().length()).max().orElse(5));
        String line = "%-19s  %-" + kind + "s  %-" + actor + "s  %s%n";
        out.printf(line, "time", "kind", "actor", "details");
        for (EventLog.Event e : timeline) {
            out.printf(line, TIME.format(e.at().atZone(store.zone)), e.kind(), e.actor(), e.details());
        }
    }
}
