package kz.dsr.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;

/** What could not be processed, kept with its error (and raw bytes for mail) for an operator. */
public final class DeadLetters {

    private final JdbcTemplate jdbc;

    public DeadLetters(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Records the failed item; returns the dead letter's id, for the operator's log line. */
    public long record(String source, String itemKey, String error, byte[] raw) {
        Long id = jdbc.queryForObject("insert into dead_letter (source, item_key, error, raw) values (?, ?, ?, ?)"
                + " returning id", Long.class, source, itemKey, error, raw);
        return id == null ? 0 : id;
    }

    public int countUnresolved(String source) {
        Integer n = jdbc.queryForObject(
                "select count(*) from dead_letter where source = ? and resolved_at is null", Integer.class, source);
        return n == null ? 0 : n;
    }

    /** A dead letter as an operator sees it (its raw bytes apart: only whether it has them). */
    public record Letter(long id, String source, String itemKey, String error, long rawBytes, Instant createdAt,
                         Instant resolvedAt, String resolution) {
    }

    private static final RowMapper<Letter> LETTER = (rs, n) -> new Letter(rs.getLong("id"), rs.getString("source"),
            rs.getString("item_key"), rs.getString("error"), rs.getLong("raw_bytes"),
            rs.getTimestamp("created_at").toInstant(),
            rs.getTimestamp("resolved_at") == null ? null : rs.getTimestamp("resolved_at").toInstant(),
            rs.getString("resolution"));

    private static final String LETTER_COLUMNS = "id, source, item_key, error, coalesce(octet_length(raw), 0) as"
            + " raw_bytes, created_at, resolved_at, resolution";

    /** The unresolved ones, oldest first, then the most recently resolved; at most {@code limit}. */
    public List<Letter> recent(int limit) {
        return jdbc.query("select " + LETTER_COLUMNS + " from dead_letter order by resolved_at is not null,"
                + " case when resolved_at is null then id end, resolved_at desc limit ?", LETTER, limit);
    }

    /** The letter, locked until the caller's transaction ends when {@code lock}. */
    public Optional<Letter> find(long id, boolean lock) {
        return jdbc.query("select " + LETTER_COLUMNS + " from dead_letter where id = ?" + (lock ? " for update" : ""),
                LETTER, id).stream().findFirst();
    }

    public Optional<byte[]> raw(long id) {
        return jdbc.query("select raw from dead_letter where id = ? and raw is not null", (rs, n) -> rs.getBytes(1), id)
                .stream().findFirst();
    }

    /** Settles an unresolved letter with what became of it; false when it was settled already. */
    public boolean resolve(long id, String resolution) {
        return jdbc.update("update dead_letter set resolved_at = now(), resolution = ? where id = ? and resolved_at"
                + " is null", resolution, id) == 1;
    }
}
