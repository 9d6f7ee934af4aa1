package kz.dsr.demo;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import kz.dsr.config.ConfigurationError;
import org.postgresql.ds.PGSimpleDataSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code samples create inservice|inji --url JDBC_URL}: a sample company's application database
 * ({@link SampleDatabase}) in a real PostgreSQL, for a first run of the pipeline before it meets the
 * company's own. The password comes from the environment, never the command line (other users of the
 * host can read that).
 */
@Command(name = "samples", mixinStandardHelpOptions = true,
        description = "Sample application databases to run the pipeline against.",
        subcommands = SamplesCommand.Create.class)
public final class SamplesCommand implements Runnable {

    /** The variable the password is read from: the same the pipeline reads for the application database. */
    static final String PASSWORD_VARIABLE = "DSR_APP_DB_PASSWORD";

    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = {"Create a sample company's tables in an empty database and fill them: the fixtures"
                    + " (fixed accounts the docs and tests use) and N random subjects. The password is read from"
                    + " the environment variable " + PASSWORD_VARIABLE + " (none when it is not set).",
                "inservice is what config/datamap.yaml describes; inji goes with config/datamap-inji.yaml."})
    public static final class Create implements Callable<Integer> {

        @Parameters(index = "0", paramLabel = "SAMPLE", description = "inservice or inji.")
        String sample;

        @Option(names = "--url", required = true, paramLabel = "JDBC_URL",
                description = "The empty database, e.g. jdbc:postgresql://localhost:5432/app.")
        String url;

        @Option(names = "--user", paramLabel = "USER", defaultValue = "${sys:user.name}",
                description = "Database user that will own the tables (default: the operating-system user, as psql).")
        String user;

        @Option(names = "--subjects", paramLabel = "N", defaultValue = "1000",
                description = "Random subjects besides the fixtures (default: ${DEFAULT-VALUE}).")
        int subjects;

        @Option(names = "--seed", paramLabel = "S", defaultValue = "1",
                description = "Seed of the random subjects: the same seed gives the same data on the same day"
                        + " (default: ${DEFAULT-VALUE}).")
        long seed;

        @Override
        public Integer call() {
            PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
            Sample which = sample();
            if (subjects < 0) {
                throw new ConfigurationError("samples create: --subjects " + subjects + " is negative: give 0 or more");
            }
            if (!url.startsWith("jdbc:postgresql:")) {
                throw new ConfigurationError("samples create: --url " + url + " is not a PostgreSQL JDBC URL"
                        + " (jdbc:postgresql://HOST:PORT/DATABASE)");
            }
            PGSimpleDataSource ds = new PGSimpleDataSource();
            try {
                ds.setUrl(url);
            } catch (IllegalArgumentException e) {
                throw new ConfigurationError("samples create: --url " + url + " is not a JDBC URL the driver"
                        + " understands: " + e.getMessage());
            }
            ds.setUser(user);
            String password = System.getenv(PASSWORD_VARIABLE);
            if (password != null && !password.isEmpty()) {
                kz.dsr.secrets.Secrets.add(password);
                ds.setPassword(password);
            }
            // Not wait for ever on a host that drops packets.
            ds.setConnectTimeout(10);
            refuseTables(ds);
            try {
                SampleDatabase.create(ds, which, subjects, seed);
            } catch (IllegalStateException e) {
                if (!(e.getCause() instanceof SQLException)) {
                    throw e;
                }
                // The database said no (no right to create tables, a connection cut): all or nothing, so nothing is left.
                throw new ConfigurationError("samples create: " + firstLine(e.getMessage()) + ". Nothing was kept:"
                        + " check that user '" + user + "' may create tables in " + url, e);
            }
            out.printf("Created the %s sample in %s: its fixtures and %,d random subjects (seed %d)."
                    + " The data map that describes it: %s%n", which.id(), url, subjects, seed,
                    which == Sample.INSERVICE ? "config/datamap.yaml" : "config/datamap-inji.yaml");
            return 0;
        }

        private Sample sample() {
            try {
                return Sample.valueOf(sample.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new ConfigurationError("samples create: '" + sample + "' is not a sample: inservice or inji");
            }
        }

        /** A database that has tables already is left alone: the sample's would mix with them, or collide. */
        private void refuseTables(PGSimpleDataSource ds) {
            List<String> tables = new ArrayList<>();
            try (Connection c = ds.getConnection(); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("select table_name from information_schema.tables"
                            + " where table_schema = 'public' order by table_name")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            } catch (SQLException e) {
                throw new ConfigurationError("samples create: cannot connect to " + url + " as user '" + user + "': "
                        + firstLine(e.getMessage()) + ". Check --url, --user and " + PASSWORD_VARIABLE
                        + " (and that the database exists: createdb)", e);
            }
            if (!tables.isEmpty()) {
                throw new ConfigurationError("samples create: " + url + " already has " + tables.size()
                        + " table(s) in schema public (" + String.join(", ", tables.subList(0, Math.min(5, tables.size())))
                        + (tables.size() > 5 ? ", ..." : "") + "): give an empty database (createdb), or drop them"
                        + " first. Nothing was changed.");
            }
        }

        private static String firstLine(String message) {
            return message == null ? "no message" : message.strip().lines().findFirst().orElse("").strip().replaceAll("\\.+$", "");
        }
    }
}
