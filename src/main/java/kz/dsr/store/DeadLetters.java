package kz.dsr.store;

import org.springframework.jdbc.core.JdbcTemplate;

/** What could not be processed, kept with its error (and raw bytes for mail) for an operator. */
public final class DeadLetters {

    private final JdbcTemplate jdbc;

    public DeadLetters(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public void record(String source, String itemKey, String error, byte[] raw) {
        jdbc.update("insert into dead_letter (source, item_key, error, raw) values (?, ?, ?, ?)",
                source, itemKey, error, raw);
    }

    public int countUnresolved(String source) {
        Integer n = jdbc.queryForObject(
                "select count(*) from dead_letter where source = ? and resolved_at is null", Integer.class, source);
        return n == null ? 0 : n;
    }
}
