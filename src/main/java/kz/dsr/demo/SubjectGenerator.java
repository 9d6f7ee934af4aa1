package kz.dsr.demo;

import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.SplittableRandom;

/**
 * Writes one sample's random subjects into its tables through a {@link CopyLoader}, one subject at
 * a time from that subject's own random stream; times are relative to a reference time.
 */
abstract class SubjectGenerator {

    protected final CopyLoader copy;
    protected final Instant now;

    SubjectGenerator(CopyLoader copy, Instant now) {
        this.copy = copy;
        this.now = now;
    }

    /**
     * Called once the fixtures are in: reads the values of theirs that random subjects must not
     * repeat (unique phones and e-mails), so that a fixture's phone or e-mail names one user.
     */
    abstract void avoidFixtureValues(Statement s) throws SQLException;

    /** Writes the rows of user {@code userId}, drawing only from {@code r}. */
    abstract void subject(long userId, SplittableRandom r);
}
