package kz.dsr.request;

import com.zaxxer.hikari.HikariDataSource;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import kz.dsr.app.Components;
import kz.dsr.app.Settings;
import kz.dsr.datamap.DataMapLoader;
import kz.dsr.intake.MailIntake;
import kz.dsr.notify.MailComposer;
import kz.dsr.notify.Replies;
import kz.dsr.notify.Templates;
import kz.dsr.secrets.Secrets;
import kz.dsr.store.DeadLetters;
import kz.dsr.store.ErrorText;
import kz.dsr.store.EventLog;
import kz.dsr.store.InboundStore;
import kz.dsr.store.Json;
import kz.dsr.store.Outbox;
import kz.dsr.store.RequestStore;
import kz.dsr.store.StoreDatabase;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code requests list|show|approve|reclassify|reject}: what an operator needs to look at the
 * requests in the store and decide the ones waiting for a person (NEEDS_REVIEW).
 *
 * <p>Every decision is one store transaction: the request row is locked, its status checked, moved
 * through {@link Lifecycle} (so the move is a checked transition and an event) and, for a rejection,
 * the reply queued in the outbox, all or nothing. The actor of every event is {@code operator:NAME}.
 * The running pipeline takes it from there (matching, verification, the outbox relay sends the mail).
 *
 * <p>Exit codes: 0 done, 1 refused (unknown reference, wrong status; nothing changed), 2 configuration
 * or database error (nothing changed).
 */
@Command(name = "requests", mixinStandardHelpOptions = true,
        description = "Look at the requests in the store and decide the ones waiting for an operator (NEEDS_REVIEW).",
        subcommands = {RequestsCommand.ListRequests.class, RequestsCommand.Show.class, RequestsCommand.Approve.class, RequestsCommand.Extend.class, RequestsCommand.Close.class,
            RequestsCommand.Reclassify.class, RequestsCommand.Reject.class})
public final class RequestsCommand implements Runnable {

    static final int OK = 0;
    static final int REFUSED = 1;
    static final int ERROR = 2;

    /** Closed for good: hidden by {@code list} unless asked for with --status. */
    static final EnumSet<RequestStatus> HIDDEN =
            EnumSet.of(RequestStatus.COMPLETED, RequestStatus.REJECTED, RequestStatus.EXPIRED);

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "Missing subcommand: list, show, approve, reclassify, reject, extend or close");
    }

    /** An operator action that cannot be done as asked: nothing is changed (exit 1). */
    static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message);
        }
    }

    /** The store, its transactions and the settings, opened from the configuration file as the pipeline does. */
    static final class Store implements AutoCloseable {
        final Components parts;
        final Settings settings;
        final JdbcTemplate jdbc;
        final TransactionTemplate transaction;
        final ZoneId zone;

        private Store(Components parts) {
            this.parts = parts;
            this.settings = parts.settings();
            this.jdbc = parts.store();
            this.transaction = parts.transaction();
            // The time zone of due dates is the calendar's (config/calendar.yaml, key zone).
            this.zone = parts.calendar().zone();
        }

        static Store open(Path config) {
            Components parts = Components.fromFile(config);
            try {
                return new Store(parts);
            } catch (RuntimeException e) {
                parts.close();
                throw e;
            }
        }

        LocalDate today() {
            return LocalDate.now(parts.clock().withZone(zone));
        }

        /** The replies of the running pipeline (same templates, sender, threading and event keys). */
        Replies replies() {
            return parts.replies();
        }

        /** The processor tasks as the store keeps them, for closing a request (no processor is called). */
        kz.dsr.processors.ProcessorTasks processorTasks() {
            return parts.processorTasksInStore();
        }

        @Override
        public void close() {
            parts.close();
        }
    }

    /** A request as an operator sees it: no personal data beyond the masked requester address. */
    record Row(long id, String reference, RequestType type, RequestStatus status, String statusReason,
               String language, String requester, java.time.Instant receivedAt, LocalDate dueDate, String subjectRef) {
    }

    private static final String ROW_COLUMNS = "id, reference, type, status, status_reason, language, requester_email,"
            + " received_at, due_date, subject_ref";

    private static final org.springframework.jdbc.core.RowMapper<Row> ROW = (rs, n) -> new Row(rs.getLong("id"),
            rs.getString("reference"), RequestType.valueOf(rs.getString("type")),
            RequestStatus.valueOf(rs.getString("status")), rs.getString("status_reason"), rs.getString("language"),
            rs.getString("requester_email"), rs.getTimestamp("received_at").toInstant(),
            rs.getDate("due_date").toLocalDate(), rs.getString("subject_ref"));

    static String normalise(String reference) {
        return reference.strip().toUpperCase(java.util.Locale.ROOT);
    }

    static Optional<Row> find(JdbcTemplate jdbc, String reference, boolean lock) {
        return jdbc.query("select " + ROW_COLUMNS + " from request where reference = ?" + (lock ? " for update" : ""),
                ROW, normalise(reference)).stream().findFirst();
    }

    static Refused unknown(String reference) {
        return new Refused("no request " + normalise(reference) + " in the store (references look like"
                + " DSR-2026-000123; `requests list` shows the open ones)");
    }

    /** a***@example.kz: enough to recognise a requester, not to read their address. */
    static String mask(String address) {
        if (address == null || address.isBlank()) {
            return "-";
        }
        int at = address.lastIndexOf('@');
        if (at <= 0) {
            return "***";
        }
        return address.charAt(0) + "***" + address.substring(at);
    }

    static String orDash(String s) {
        return s == null || s.isBlank() ? "-" : s;
    }

    /** What every subcommand shares: the configuration file, the streams and the exit codes. */
    abstract static class StoreCommand implements Callable<Integer> {

        @Option(names = "--config", defaultValue = "config/application.properties",
                description = "Configuration file (default: ${DEFAULT-VALUE}).")
        Path config;

        abstract String name();

        abstract void run(Store store, PrintStream out);

        /** Checks of the command line that need no store (exit 2 when wrong). */
        void check() {
        }

        @Override
        public Integer call() {
            PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
            PrintStream err = new PrintStream(System.err, true, StandardCharsets.UTF_8);
            try {
                check();
            } catch (IllegalArgumentException e) {
                err.println("requests " + name() + ": " + e.getMessage());
                return ERROR;
            }
            try (Store store = Store.open(config)) {
                run(store, out);
                return OK;
            } catch (Refused | Lifecycle.IllegalTransition e) {
                err.println(Secrets.mask("requests " + name() + ": " + e.getMessage() + ". Nothing was changed."));
                return REFUSED;
            } catch (IllegalArgumentException | IllegalStateException e) {
                err.println(Secrets.mask("requests " + name() + ": " + e.getMessage() + " — nothing was changed."));
                return ERROR;
            } catch (RuntimeException e) {
                err.println(Secrets.mask("requests " + name() + ": " + ErrorText.full(e)
                        + " — nothing was changed. Check the store (dsr.store.url) and the configuration, then retry."));
                return ERROR;
            }
        }
    }

    /** An operator decision: who and why, both kept in the request's timeline. */
    abstract static class Decision extends StoreCommand {

        @Parameters(index = "0", paramLabel = "REF", description = "the request's reference, e.g. DSR-2026-000123")
        String reference;

        @Option(names = "--operator", required = true, description = "who decides (kept in the timeline as operator:NAME)")
        String operator;

        @Option(names = "--reason", required = true, description = "why (kept in the timeline and as the status reason)")
        String reason;

        String actor() {
            return "operator:" + operator.strip();
        }

        @Override
        void check() {
            if (operator.isBlank() || actor().length() > 100) {
                throw new IllegalArgumentException("--operator must be a name of 1 to 91 characters");
            }
            if (reason.isBlank()) {
                throw new IllegalArgumentException("--reason must say why (it is kept in the request's timeline)");
            }
        }

        /** The request, locked for this transaction, and waiting for review; refused otherwise. */
        Row waitingForReview(JdbcTemplate jdbc) {
            Row r = find(jdbc, reference, true).orElseThrow(() -> unknown(reference));
            if (r.status() != RequestStatus.NEEDS_REVIEW) {
                throw new Refused(r.reference() + " is " + r.status() + ", not NEEDS_REVIEW: only a request waiting"
                        + " for an operator can be " + past() + " (`requests show " + r.reference()
                        + "` shows where it stands)");
            }
            return r;
        }

        abstract String past();

        Map<String, Object> details(String decision) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("operator", operator.strip());
            d.put("decision", decision);
            return d;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Open requests, overdue first, then by due date (COMPLETED, REJECTED and EXPIRED are hidden"
                    + " unless asked for with --status).")
    static final class ListRequests extends StoreCommand {

        @Option(names = "--status", paramLabel = "S", description = "only these statuses (repeatable): ${COMPLETION-CANDIDATES}")
        List<RequestStatus> statuses = new ArrayList<>();

        @Override
        String name() {
            return "list";
        }

        @Override
        void run(Store store, PrintStream out) {
            EnumSet<RequestStatus> shown = statuses.isEmpty() ? EnumSet.complementOf(HIDDEN) : EnumSet.copyOf(statuses);
            List<String> names = shown.stream().map(Enum::name).toList();
            // Overdue first is earliest due date first; the id keeps requests due the same day in arrival order.
            List<Row> rows = store.jdbc.query("select " + ROW_COLUMNS + " from request where status in ("
                    + String.join(", ", java.util.Collections.nCopies(names.size(), "?")) + ") order by due_date, id",
                    ROW, names.toArray());
            LocalDate today = store.today();
            if (rows.isEmpty()) {
                out.println("No requests with status " + (statuses.isEmpty() ? "open" : names) + ".");
                return;
            }
            String fmt = "%-16s  %-18s  %-21s  %-5s  %-10s  %9s  %-22s  %s%n";
            out.printf(fmt, "reference", "type", "status", "lang", "due", "days left", "requester", "status reason");
            int overdue = 0;
            for (Row r : rows) {
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

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "One request and its timeline (every event, in order, with who caused it).")
    static final class Show extends StoreCommand {

        @Parameters(index = "0", paramLabel = "REF", description = "the request's reference, e.g. DSR-2026-000123")
        String reference;

        @Override
        String name() {
            return "show";
        }

        @Override
        void run(Store store, PrintStream out) {
            Row r = find(store.jdbc, reference, false).orElseThrow(() -> unknown(reference));
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
            List<Map<String, Object>> tasks = store.jdbc.queryForList("select processor, kind, status, due_at,"
                    + " subject_request_id from processor_task where request_id = ? order by id", r.id());
            if (!tasks.isEmpty()) {
                out.println();
                out.println("Processors (" + tasks.size() + "):");
                for (Map<String, Object> t : tasks) {
                    out.printf("  %-20s %-8s %-12s due %s  id %s%n", t.get("processor"), t.get("kind"), t.get("status"),
                            TIME.format(((java.sql.Timestamp) t.get("due_at")).toInstant().atZone(store.zone)),
                            t.get("subject_request_id"));
                }
            }
            out.println();
            List<EventLog.Event> timeline = new EventLog(store.jdbc).timeline(r.id());
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

    @Command(name = "approve", mixinStandardHelpOptions = true,
            description = "A NEEDS_REVIEW request goes on: to matching (CLASSIFIED), or, when its account is known or"
                    + " named with --subject, to a one-time code for that account (MATCHED). Also sends the code to a"
                    + " request held without one (AWAITING_VERIFICATION: several accounts, or too many codes).")
    static final class Approve extends Decision {

        @Option(names = "--subject", paramLabel = "KEY", description = "the account the request is about (its key in"
                + " the application database), when several matched: the request goes on to verification with it")
        String subject;

        @Override
        String name() {
            return "approve";
        }

        @Override
        String past() {
            return "approved";
        }

        @Override
        void run(Store store, PrintStream out) {
            Lifecycle lifecycle = new Lifecycle(store.jdbc, new EventLog(store.jdbc));
            RequestStatus[] moved = new RequestStatus[2];
            Row r = store.transaction.execute(tx -> {
                Row row = find(store.jdbc, reference, true).orElseThrow(() -> unknown(reference));
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
                    row = waitingForReview(store.jdbc);
                }
                // A request whose account is known goes on to its code; one without is matched again.
                boolean known = subject != null || row.subjectRef() != null;
                RequestStatus next = known ? RequestStatus.MATCHED : RequestStatus.CLASSIFIED;
                if (subject != null) {
                    // The operator names the account; a one-time code to its registered address still decides.
                    store.jdbc.update("update request set subject_ref = ? where id = ?", subject.strip(), row.id());
                }
                if (!lifecycle.move(row.id(), from, next, reason.strip(), actor(), details("approve"))) {
                    throw new Refused(row.reference() + " was moved by someone else meanwhile");
                }
                moved[0] = from;
                moved[1] = next;
                return row;
            });
            RequestStatus next = moved[1];
            out.printf("%s approved by %s: %s → %s (%s). The running pipeline now %s.%n", r.reference(),
                    actor(), moved[0], next, r.type(), next == RequestStatus.CLASSIFIED
                            ? "matches the subject and asks for verification"
                            : "sends a one-time code to that account's registered address");
            String came = next == RequestStatus.CLASSIFIED ? cameFrom(store.jdbc, r.id()) : null;
            if (came != null) {
                out.printf("Note: %s came to review from %s; if the same cause holds (several accounts match, risk"
                        + " tier review), it comes back to NEEDS_REVIEW — name the account with --subject.%n",
                        r.reference(), came);
            }
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
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                return null;
            }
        }
    }

    @Command(name = "reclassify", mixinStandardHelpOptions = true,
            description = "A NEEDS_REVIEW request gets another type and goes on as CLASSIFIED; its due date stays.")
    static final class Reclassify extends Decision {

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
        void run(Store store, PrintStream out) {
            EventLog events = new EventLog(store.jdbc);
            Lifecycle lifecycle = new Lifecycle(store.jdbc, events);
            Row r = store.transaction.execute(tx -> {
                Row row = waitingForReview(store.jdbc);
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
                d.put("reason", reason.strip());
                d.put("dueDate", row.dueDate().toString());
                events.append(row.id(), "RECLASSIFIED", actor(), d);
                Map<String, Object> move = details("reclassify");
                move.put("type", type.name());
                if (!lifecycle.move(row.id(), RequestStatus.NEEDS_REVIEW, RequestStatus.CLASSIFIED, reason.strip(),
                        actor(), move)) {
                    throw new Refused(row.reference() + " was moved by someone else meanwhile");
                }
                return row;
            });
            out.printf("%s reclassified by %s: %s → %s, NEEDS_REVIEW → CLASSIFIED; due date stays %s. The running"
                    + " pipeline now matches the subject and asks for verification.%n", r.reference(), actor(),
                    r.type(), type, r.dueDate());
        }
    }

    @Command(name = "reject", mixinStandardHelpOptions = true,
            description = "A NEEDS_REVIEW request is REJECTED and the requester is told why (the reply is queued in the"
                    + " outbox and sent by the running pipeline).")
    static final class Reject extends Decision {

        @Override
        String name() {
            return "reject";
        }

        @Override
        String past() {
            return "rejected";
        }

        @Override
        void run(Store store, PrintStream out) {
            Lifecycle lifecycle = new Lifecycle(store.jdbc, new EventLog(store.jdbc));
            // Built before the transaction: a configuration error stops here with nothing changed.
            Replies replies = store.replies();
            RequestStore requests = new RequestStore(store.jdbc);
            Row r = store.transaction.execute(tx -> {
                Row row = waitingForReview(store.jdbc);
                Map<String, Object> d = details("reject");
                d.put("reply", row.requester() == null ? "none: no requester address" : "queued");
                if (!lifecycle.move(row.id(), RequestStatus.NEEDS_REVIEW, RequestStatus.REJECTED, reason.strip(),
                        actor(), d)) {
                    throw new Refused(row.reference() + " was moved by someone else meanwhile");
                }
                // The reply goes in the same transaction: rejected and told, or neither.
                replies.rejected(requests.byId(row.id()).orElseThrow(), reason.strip());
                return row;
            });
            out.printf("%s rejected by %s: NEEDS_REVIEW → REJECTED. %s%n", r.reference(), actor(),
                    r.requester() == null ? "The request has no requester address: no reply was queued."
                            : "The reply to " + mask(r.requester()) + " (in '" + r.language()
                                    + "') is queued in the outbox; the running pipeline sends it.");
        }
    }

    @Command(name = "close", mixinStandardHelpOptions = true,
            description = "A request waiting for its processors (AWAITING_PROCESSORS) is COMPLETED without the"
                    + " confirmations still missing, with a reason (e.g. the processor confirmed by phone); its final"
                    + " reply, held until now, is sent by the running pipeline.")
    static final class Close extends Decision {

        @Override
        String name() {
            return "close";
        }

        @Override
        String past() {
            return "closed";
        }

        @Override
        void run(Store store, PrintStream out) {
            kz.dsr.processors.ProcessorTasks tasks = store.processorTasks();
            Row r = store.transaction.execute(tx -> {
                Row row = find(store.jdbc, reference, true).orElseThrow(() -> unknown(reference));
                if (row.status() != RequestStatus.AWAITING_PROCESSORS) {
                    throw new Refused(row.reference() + " is " + row.status() + ", not AWAITING_PROCESSORS: only a"
                            + " request waiting for its processors can be closed");
                }
                tasks.close(row.id(), reason.strip(), actor());
                return row;
            });
            out.printf("%s closed by %s: AWAITING_PROCESSORS → COMPLETED (%s). The final reply is released; the"
                    + " running pipeline sends it.%n", r.reference(), actor(), reason.strip());
        }
    }

    @Command(name = "extend", mixinStandardHelpOptions = true,
            description = "Move an open request's due date later by N days, with a reason (the only way a due date moves).")
    static final class Extend extends Decision {

        @Option(names = "--days", required = true, description = "calendar days to add to the due date (1 to 60)")
        int days;

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
        void run(Store store, PrintStream out) {
            EventLog events = new EventLog(store.jdbc);
            LocalDate[] dates = store.transaction.execute(tx -> {
                Row row = find(store.jdbc, reference, true).orElseThrow(() -> unknown(reference));
                if (row.status().isClosed() || row.status() == RequestStatus.EXPIRED) {
                    throw new Refused(row.reference() + " is " + row.status() + ": a closed request has no due date to"
                            + " move");
                }
                LocalDate moved = row.dueDate().plusDays(days);
                store.jdbc.update("update request set due_date = ?, updated_at = now() where id = ?",
                        java.sql.Date.valueOf(moved), row.id());
                Map<String, Object> d = details("extend");
                d.put("from", row.dueDate().toString());
                d.put("to", moved.toString());
                d.put("days", days);
                events.append(row.id(), "DUE_DATE_EXTENDED", actor(), d);
                return new LocalDate[] {row.dueDate(), moved};
            });
            out.printf("%s: due date moved by %s from %s to %s (%d day(s)): %s%n", reference.toUpperCase(java.util.Locale.ROOT),
                    actor(), dates[0], dates[1], days, reason.strip());
        }
    }
}
