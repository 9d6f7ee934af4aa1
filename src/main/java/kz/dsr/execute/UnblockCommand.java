package kz.dsr.execute;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import kz.dsr.store.StoreDatabase;
import kz.dsr.store.SubjectBlocks;
import org.springframework.jdbc.core.JdbcTemplate;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code unblock --email a@b.kz --reason "..."}: an operator lifts a BLOCKING of processing. */
@Command(name = "unblock", mixinStandardHelpOptions = true,
        description = "Lift the processing block of a subject (set by a BLOCKING request).")
public final class UnblockCommand implements Callable<Integer> {

    @ArgGroup(exclusive = true, multiplicity = "1")
    PlanCommand.Who who;

    @Option(names = "--reason", required = true, description = "why the block is lifted (kept in the log)")
    String reason;

    @Option(names = "--operator", required = true, description = "who lifts it")
    String operator;

    @Option(names = "--config", defaultValue = "config/application.properties",
            description = "Configuration file (default: ${DEFAULT-VALUE}).")
    Path config;

    @Override
    public Integer call() {
        try (kz.dsr.app.Components company = kz.dsr.app.Components.fromFile(config)) {
            java.util.Optional<Object> subject = who.subject(company, "unblock");
            if (subject.isEmpty()) {
                return 1;
            }
            JdbcTemplate jdbc = company.store();
            Object key = subject.get();
            Execution e = new ProcessingBlock(company.dataMap(), company.appDatabase(), company.subjectBlocks())
                    .unblock(key);
            // The proof goes on the timeline of the BLOCKING request that set the block, when there is one.
            var request = jdbc.queryForList("select id from request where subject_ref = ? and type = 'BLOCKING'"
                    + " order by id desc limit 1", Long.class, String.valueOf(key));
            request.forEach(id -> company.events().append(id, "UNBLOCKED", "operator:" + operator,
                    java.util.Map.of("reason", reason, "rows", e.tables().get(0).rows())));
            System.out.printf("Unblocked by %s (reason: %s): %s row(s) changed%s%n", operator, reason,
                    e.tables().get(0).rows(), request.isEmpty() ? "" : "; event on request id " + request.get(0));
            return 0;
        } catch (RuntimeException e) {
            System.err.println(kz.dsr.secrets.Secrets.mask("unblock: " + kz.dsr.store.ErrorText.full(e)
                    + " — nothing was changed"));
            return 2;
        }
    }
}
