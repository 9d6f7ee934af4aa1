package kz.dsr.store;

import org.springframework.jdbc.core.JdbcTemplate;

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
}
