package kz.dsr.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import kz.dsr.datamap.DataMapLoader;
import kz.dsr.datamap.SchemaCheck;
import kz.dsr.testing.ChildJvm;
import kz.dsr.testing.TestServers;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * {@code samples create}, as a new user runs it to get an application database for a first run: in a
 * JVM of its own, the password in the environment. What it makes fits the shipped data map; a database
 * that is not empty, or not there, is refused in one line and left as it was.
 */
class SamplesCommandTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final Map<String, String> PASSWORD = Map.of("DSR_APP_DB_PASSWORD", "app-password-of-the-test");

    /** A new empty database on the embedded server, its URL without the user the embedded server puts in it. */
    private static String emptyDatabase(String prefix) {
        String url = TestServers.get().newDatabase(prefix);
        return url.substring(0, url.indexOf('?'));
    }

    private static ChildJvm.Result samples(String... args) {
        return ChildJvm.run(Map.of(), PASSWORD, TIMEOUT, args);
    }

    private static JdbcTemplate jdbc(String url) {
        return new JdbcTemplate(TestServers.get().dataSource(url));
    }

    @Test
    void createsTheInServiceSampleThatTheShippedDataMapDescribes() {
        String url = emptyDatabase("samples_inservice");
        ChildJvm.Result run = samples("samples", "create", "inservice", "--url", url, "--user", "postgres",
                "--subjects", "25", "--seed", "7");
        assertEquals(0, run.exitCode(), run.output());
        assertTrue(run.output().contains("Created the inservice sample in " + url + ": its fixtures and 25 random"
                + " subjects (seed 7). The data map that describes it: config/datamap.yaml"), run.output());
        JdbcTemplate db = jdbc(url);
        assertEquals(List.of(6, 25), List.of(
                db.queryForObject("select count(*) from users where id < 1001", Integer.class),
                db.queryForObject("select count(*) from users where id >= 1001", Integer.class)));
        // What the pipeline checks at start: the shipped data map against the live schema.
        SchemaCheck.check(DataMapLoader.load(Path.of("config/datamap.yaml")), TestServers.get().dataSource(url));
    }

    @Test
    void createsTheInjiSampleForItsOwnDataMap() {
        String url = emptyDatabase("samples_inji");
        ChildJvm.Result run = samples("samples", "create", "INJI", "--url", url, "--user", "postgres", "--subjects", "5");
        assertEquals(0, run.exitCode(), run.output());
        assertEquals(3 + 5, jdbc(url).queryForObject("select count(*) from users", Integer.class));
        SchemaCheck.check(DataMapLoader.load(Path.of("config/datamap-inji.yaml")), TestServers.get().dataSource(url));
    }

    @Test
    void aDatabaseWithTablesIsRefusedInOneLineAndLeftAsItWas() {
        String url = emptyDatabase("samples_twice");
        assertEquals(0, samples("samples", "create", "inservice", "--url", url, "--user", "postgres", "--subjects", "3")
                .exitCode());
        String before = jdbc(url).queryForObject("select md5(string_agg(u::text, ',' order by id)) from users u", String.class);
        ChildJvm.Result again = samples("samples", "create", "inji", "--url", url, "--user", "postgres");
        assertEquals(2, again.exitCode(), again.output());
        assertEquals(List.of("samples create: " + url + " already has 18 table(s) in schema public (bans, call_logs,"
                + " consents, debts, devices, ...): give an empty database (createdb), or drop them first."
                + " Nothing was changed."), again.output().lines().toList());
        assertEquals(before, jdbc(url).queryForObject("select md5(string_agg(u::text, ',' order by id)) from users u",
                String.class));
    }

    @Test
    void anUnreachableDatabaseIsRefusedInOneLineNamingWhatToCheck() {
        ChildJvm.Result run = samples("samples", "create", "inservice", "--url", "jdbc:postgresql://127.0.0.1:1/app",
                "--user", "dsr");
        assertEquals(2, run.exitCode(), run.output());
        assertEquals(List.of("samples create: cannot connect to jdbc:postgresql://127.0.0.1:1/app as user 'dsr':"
                + " Connection to 127.0.0.1:1 refused. Check that the hostname and port are correct and that the"
                + " postmaster is accepting TCP/IP connections. Check --url, --user and DSR_APP_DB_PASSWORD"
                + " (and that the database exists: createdb)"), run.output().lines().toList());
    }

    @Test
    void aSampleThatDoesNotExistIsRefusedInOneLine() {
        ChildJvm.Result run = samples("samples", "create", "acme", "--url", "jdbc:postgresql://127.0.0.1:1/app");
        assertEquals(2, run.exitCode(), run.output());
        assertEquals(List.of("samples create: 'acme' is not a sample: inservice or inji"), run.output().lines().toList());
    }
}
