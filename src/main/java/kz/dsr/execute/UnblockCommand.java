package kz.dsr.execute;

import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.Callable;
import kz.dsr.store.StoreDatabase;
import kz.dsr.store.SubjectBlocks;
import kz.dsr.subject.SubjectFinder;
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
        try (CompanyDatabase company = CompanyDatabase.open(config)) {
            String identity = who.email != null ? "email" : "phone";
            Set<Object> keys = new SubjectFinder(company.map(), company.db())
                    .find(identity, who.email != null ? who.email : who.phone);
            if (keys.size() != 1) {
                System.err.println("unblock: " + keys.size() + " subjects with this " + identity + "; nothing done");
                return 1;
            }
            var s = company.settings();
            try (var store = StoreDatabase.open(s.string("dsr.store.url"), s.string("dsr.store.username"),
                    s.string("dsr.store.password"), 1)) {
                Execution e = new ProcessingBlock(company.map(), company.db(), new SubjectBlocks(new JdbcTemplate(store)))
                        .unblock(keys.iterator().next());
                System.out.printf("Unblocked by %s (reason: %s): %s%n", operator, reason, e.tables());
            }
            return 0;
        } catch (IllegalArgumentException | IllegalStateException e) {
            System.err.println("unblock: " + e.getMessage());
            return 2;
        }
    }
}
