package kz.dsr.execute;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.Callable;
import kz.dsr.request.RequestType;
import kz.dsr.subject.SubjectFinder;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code plan --type ERASURE --email a@b.kz}: what a request would do to the application database,
 * table by table and to how many rows, without changing anything. For operators checking a data map
 * and deciding on a request.
 */
@Command(name = "plan", mixinStandardHelpOptions = true,
        description = "Show what a request would do in the application database, table by table; changes nothing.")
public final class PlanCommand implements Callable<Integer> {

    @Option(names = "--type", required = true, description = "ERASURE, ACCESS, RECTIFICATION, BLOCKING,"
            + " CONSENT_WITHDRAWAL or MARKETING_OPT_OUT")
    RequestType type;

    /** Which subject: exactly one identity. */
    static final class Who {
        @Option(names = "--email", description = "the subject's e-mail address") String email;
        @Option(names = "--phone", description = "the subject's phone number, any usual writing") String phone;

        String identity() {
            return email != null ? "email" : "phone";
        }

        /**
         * The one subject with this identity; empty (and the reason on stderr, for {@code command}) when
         * there is none or more than one.
         */
        java.util.Optional<Object> subject(kz.dsr.app.Components company, String command) {
            Set<Object> keys = company.subjects().find(identity(), email != null ? email : phone);
            if (keys.size() != 1) {
                System.err.println(command + ": " + (keys.isEmpty() ? "no subject" : keys.size() + " subjects")
                        + " with this " + identity() + " in " + company.dataMap().company() + "'s database"
                        + (keys.isEmpty() ? "" : " (keys " + keys + "): an operator must decide which") + "; nothing done");
                return java.util.Optional.empty();
            }
            return java.util.Optional.of(keys.iterator().next());
        }
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Who who;

    @Option(names = "--config", defaultValue = "config/application.properties",
            description = "Configuration file (default: ${DEFAULT-VALUE}).")
    Path config;

    @Override
    public Integer call() {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        if (type == RequestType.NOT_DSR || type == RequestType.UNKNOWN) {
            System.err.println("plan: " + type + " is not a request to carry out");
            return 2;
        }
        try (kz.dsr.app.Components company = kz.dsr.app.Components.fromFile(config)) {
            java.util.Optional<Object> subject = who.subject(company, "plan");
            if (subject.isEmpty()) {
                return 1;
            }
            Object key = subject.get();
            print(out, company.dataMap(), key, new Planner(company.dataMap(), company.appDatabase()).plan(type, key));
            return 0;
        } catch (RuntimeException e) {
            System.err.println(kz.dsr.secrets.Secrets.mask("plan: " + (e instanceof IllegalArgumentException
                    || e instanceof IllegalStateException ? e.getMessage() : kz.dsr.store.ErrorText.full(e))));
            return 2;
        }
    }

    static void print(PrintStream out, kz.dsr.datamap.DataMap map, Object key, Planner.Plan plan) {
        out.printf("Plan: %s for %s.%s = %s (%s, data map %s) — nothing has been changed%n", plan.type(),
                map.subject().table(), map.subject().key(), key, map.company(), map.file());
        if (plan.holds().isEmpty()) {
            out.println("Legal holds: none apply");
        } else {
            plan.holds().forEach(h -> out.println("LEGAL HOLD " + h));
            out.println("→ the request would be put ON HOLD and nothing below would happen until the hold is cleared");
        }
        print(out, plan.tables());
    }

    /** A plain table: table, action, rows, details. */
    public static void print(PrintStream out, java.util.List<TableOutcome> rows) {
        int w = Math.max(5, rows.stream().mapToInt(r -> r.table().length()).max().orElse(5));
        String fmt = "%-" + w + "s  %-16s %10s  %s%n";
        out.printf(fmt, "table", "action", "rows", "details");
        for (TableOutcome r : rows) {
            out.printf(fmt, r.table(), r.action().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '),
                    String.format("%,d", r.rows()), r.reason() == null ? "" : r.reason());
        }
    }
}
