package kz.dsr.execute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import kz.dsr.DsrPipeline;
import kz.dsr.demo.Sample;
import kz.dsr.testing.OperatorCommands;
import kz.dsr.testing.SampleApps;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;
import picocli.CommandLine;

/** {@code plan}: table by table, with row counts and holds, and nothing changed. */
class PlanCommandTest {

    private static SampleApps inservice;
    private static OperatorCommands commands;

    @BeforeAll
    static void setUp(@TempDir Path dir) throws Exception {
        inservice = SampleApps.create(Sample.INSERVICE, 10);
        commands = OperatorCommands.configured(dir.resolve("application.properties"), null, inservice.url());
    }

    private static OperatorCommands.Run plan(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "plan";
        System.arraycopy(args, 0, all, 1, args.length);
        return commands.run(all);
    }


    @Test
    void erasurePlanListsEveryTableWithItsRowsAndChangesNothing() {
        JdbcTemplate sql = new JdbcTemplate(inservice.dataSource());
        OperatorCommands.Run r = plan("--type", "ERASURE", "--email", "Aigerim.Nurlanova@example.kz");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("Plan: ERASURE for users.id = 1 (inService"), r.out());
        assertTrue(r.out().contains("Legal holds: none apply"), r.out());
        assertTrue(r.out().matches("(?s).*trip_points\\s+would delete\\s+14.*"), r.out());
        assertTrue(r.out().matches("(?s).*invoices\\s+would keep\\s+1\\s+accounting documents.*"), r.out());
        assertTrue(r.out().matches("(?s).*users\\s+would anonymise\\s+1\\s+hash: email; null: full_name.*"), r.out());
        assertEquals(1, sql.queryForObject("select count(*) from vehicles where user_id = 1", Integer.class));
    }

    @Test
    void aHoldIsShownFirst() {
        OperatorCommands.Run r = plan("--type", "ERASURE", "--phone", "8 701 222 02 02");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("LEGAL HOLD unpaid-debt"), r.out());
    }

    @Test
    void unknownSubjectAndBadTypeAreClearAnswers() {
        OperatorCommands.Run none = plan("--type", "ACCESS", "--email", "nobody@example.kz");
        assertEquals(1, none.exit());
        assertTrue(none.err().contains("no subject with this email"), none.err());
        OperatorCommands.Run bad = plan("--type", "DELETE", "--email", "a@b.kz");
        assertEquals(2, bad.exit());
        assertTrue(bad.err().contains("Invalid value for option '--type'"), bad.err());
    }

    @Test
    void otherTypesHavePlansToo() {
        OperatorCommands.Run access = plan("--type", "ACCESS", "--email", "aigerim.nurlanova@example.kz");
        assertTrue(access.out().matches("(?s).*trip_points\\s+exported\\s+14\\s+location.gps.*"), access.out());
        OperatorCommands.Run consent = plan("--type", "CONSENT_WITHDRAWAL", "--email", "aigerim.nurlanova@example.kz");
        assertTrue(consent.out().matches("(?s).*consents\\s+would set\\s+1\\s+analytics: granted = false where.*"), consent.out());
    }
}
