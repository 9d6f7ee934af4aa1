package kz.dsr.demo;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.postgresql.PGConnection;

/**
 * Builds a company's application database for the executor to work on: the schema of a {@link Sample},
 * a few fixed subjects (fixtures) that tests and the demo address by id, and any number of random
 * subjects with realistic Kazakh data, so that erasure, export and retention run against tables that
 * look like production — names in two alphabets, E.164 phones, IINs with valid check digits, GPS
 * tracks, composite keys, records that legally block an erasure.
 *
 * <p>Everything but the logic is a resource under {@code demo/samples/}: each sample's
 * {@code schema.sql}, its {@code fixtures.sql} (the fixed users, documented there), the lists its
 * random subjects are drawn from ({@code reference.yaml}, and {@code reference/*.yaml} for both) and
 * {@code heavy-subject.sql}. {@link InjiGenerator} and {@link InserviceGenerator} draw the random
 * subjects; {@link CopyLoader} loads them.
 *
 * <p>Rows go in in one transaction, ahead of the keys and indexes, which are put back (and checked)
 * once the rows are in; then the id sequences are moved past the loaded ids and the tables analysed.
 * 10,000 subjects take seconds. The data depends only on the seed and the reference time: times are
 * relative to it, and {@link #create(DataSource, Sample, int, long)} takes the start of the current
 * UTC day, so two loads on the same day are identical.
 *
 * <p>In every table ids below {@value #FIRST_RANDOM_ID} belong to fixtures; random rows start there.
 * E-mail addresses are under {@code example} domains so that nothing can ever write to a real
 * mailbox. Table {@code suppressed_identities} starts empty: it is the executor's to fill.
 */
public final class SampleDatabase {

    /** In every table, ids below this belong to fixtures; random subjects and their rows start here. */
    public static final long FIRST_RANDOM_ID = 1001;

    /** Bulk-loaded ids bypass the sequences, so each one is moved past the highest id in its table. */
    private static final String RESET_SEQUENCES = """
            do $$
            declare c record;
            begin
              for c in select table_name, column_name from information_schema.columns
                       where table_schema = 'public' and column_default like 'nextval(%' loop
                execute format('select setval(pg_get_serial_sequence(%L, %L), coalesce(max(%I), 0) + 1, false) from %I',
                               c.table_name, c.column_name, c.column_name, c.table_name);
              end loop;
            end $$""";

    /**
     * Keys (primary, unique, then foreign) and the plain indexes of schema public, each with the statement
     * that drops it and the one that recreates it exactly (same name, same definition), in the order
     * they can be recreated: a foreign key needs the referenced primary key.
     */
    private static final String CONSTRAINTS_AND_INDEXES = """
            select 'alter table ' || conrelid::regclass || ' drop constraint ' || quote_ident(conname),
                   'alter table ' || conrelid::regclass || ' add constraint ' || quote_ident(conname) || ' '
                     || pg_get_constraintdef(oid),
                   case contype when 'f' then 3 else 1 end
            from pg_constraint
            where contype in ('p', 'u', 'f') and connamespace = 'public'::regnamespace
            union all
            select 'drop index ' || i.indexrelid::regclass, pg_get_indexdef(i.indexrelid), 2
            from pg_index i join pg_class t on t.oid = i.indrelid
            where t.relnamespace = 'public'::regnamespace
              and not exists (select 1 from pg_constraint k where k.conindid = i.indexrelid)
            order by 3, 2""";

    /** A psql-style variable in a sample's SQL file: {@code :now}, not the cast in {@code x::text}. */
    private static final Pattern VARIABLE = Pattern.compile("(?<![:\\w]):([a-z_]+)\\b");

    private SampleDatabase() {
    }

    /** {@link #create(DataSource, Sample, int, long, Instant)} relative to the start of the current UTC day. */
    public static void create(DataSource ds, Sample sample, int subjects, long seed) {
        create(ds, sample, subjects, seed, Instant.now().truncatedTo(ChronoUnit.DAYS));
    }

    /**
     * Creates the sample's tables in schema public of an empty database, then loads the fixtures and
     * {@code subjects} random subjects (users.id {@value #FIRST_RANDOM_ID} onwards); all or nothing.
     * The same seed and {@code now} give the same rows.
     */
    public static void create(DataSource ds, Sample sample, int subjects, long seed, Instant now) {
        if (subjects < 0) {
            throw new IllegalArgumentException("subjects must not be negative: " + subjects);
        }
        Instant at = now.truncatedTo(ChronoUnit.SECONDS);
        Kazakhstan kz = Kazakhstan.load();
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            CopyLoader copy = new CopyLoader(c.unwrap(PGConnection.class).getCopyAPI(), FIRST_RANDOM_ID);
            SubjectGenerator generator = sample == Sample.INJI
                    ? new InjiGenerator(copy, at, kz)
                    : new InserviceGenerator(copy, at, kz);
            List<String> recreate;
            try (Statement s = c.createStatement()) {
                s.execute(resource(sample, "schema.sql"));
                recreate = dropConstraintsAndIndexes(s);
                // The fixtures count whole days back from :now; in a zone with summer time a day can be 23 hours.
                s.execute("set local timezone to 'UTC'");
                s.execute(bind(resource(sample, "fixtures.sql"), Map.of("now", "timestamptz '" + at + "'")));
                generator.avoidFixtureValues(s);
            }
            // One stream per subject: a subject's rows do not depend on how many values the previous one drew.
            SplittableRandom seeds = new SplittableRandom(seed);
            for (int i = 0; i < subjects; i++) {
                generator.subject(FIRST_RANDOM_ID + i, seeds.split());
                copy.flushIfFull();
            }
            copy.flush();
            try (Statement s = c.createStatement()) {
                for (String sql : recreate) {
                    s.execute(sql);
                }
                s.execute(RESET_SEQUENCES);
            }
            c.commit();
            // Fresh tables have no statistics: without them the executor's first queries get poor plans.
            c.setAutoCommit(true);
            try (Statement s = c.createStatement()) {
                s.execute("analyze");
            }
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("Cannot create the " + sample.id() + " sample database: " + e.getMessage(), e);
        }
    }

    /**
     * Gives an existing subject {@code rowsPerTable} more rows in each of five child tables, with
     * consistent foreign keys, for benchmarks of erasure and export on one very large subject: the
     * sample's {@code heavy-subject.sql} says which. Set-based SQL, one transaction.
     */
    public static void addHeavySubject(DataSource ds, Sample sample, long userId, int rowsPerTable) {
        if (rowsPerTable < 0) {
            throw new IllegalArgumentException("rowsPerTable must not be negative: " + rowsPerTable);
        }
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("select 1 from users where id = ?")) {
                ps.setLong(1, userId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new IllegalArgumentException("No user " + userId + " in the " + sample.id() + " sample");
                    }
                }
            }
            try (Statement s = c.createStatement()) {
                // Both values are numbers, so writing them into the SQL cannot change its meaning.
                s.execute(bind(resource(sample, "heavy-subject.sql"),
                        Map.of("user_id", Long.toString(userId), "rows", Integer.toString(rowsPerTable))));
            }
            c.commit();
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("Cannot add a heavy subject to the " + sample.id() + " sample: " + e.getMessage(), e);
        }
    }

    /**
     * Drops the keys and indexes the schema just created and returns the statements that put them back.
     * Loading first and constraining after is what pg_restore does: checked and indexed row by row
     * during COPY they took more than half of the load time, while adding one back builds its index
     * with one sort and checks a foreign key with one join (in the same transaction, so a bad row
     * still fails the load).
     */
    private static List<String> dropConstraintsAndIndexes(Statement s) throws SQLException {
        List<String> drop = new ArrayList<>();
        List<String> recreate = new ArrayList<>();
        try (ResultSet rs = s.executeQuery(CONSTRAINTS_AND_INDEXES)) {
            while (rs.next()) {
                drop.add(rs.getString(1));
                recreate.add(rs.getString(2));
            }
        }
        Collections.reverse(drop); // foreign keys go before the keys they reference
        for (String sql : drop) {
            s.execute(sql);
        }
        return recreate;
    }

    /** {@code demo/samples/<sample>/<file>} from the classpath. */
    private static String resource(Sample sample, String file) throws IOException {
        String path = "demo/samples/" + sample.id() + "/" + file;
        try (InputStream in = SampleDatabase.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("Resource " + path + " is missing from the classpath");
            }
            return new String(in.readAllBytes(), UTF_8);
        }
    }

    /**
     * Replaces the variables of a sample's SQL file with SQL expressions, as {@code psql -v} would, so
     * the same file also loads by hand; a variable that is not given is left as written.
     */
    private static String bind(String sql, Map<String, String> values) {
        Matcher m = VARIABLE.matcher(sql);
        StringBuilder out = new StringBuilder(sql.length());
        while (m.find()) {
            String value = values.get(m.group(1));
            m.appendReplacement(out, Matcher.quoteReplacement(value != null ? value : m.group()));
        }
        return m.appendTail(out).toString();
    }
}
