package kz.dsr.store;

import kz.dsr.execute.ProcessingBlock;
import org.springframework.jdbc.core.JdbcTemplate;

/** Blocked subjects kept in the store, when the company's database has no column for it. */
public final class SubjectBlocks implements ProcessingBlock.BlockList {

    private final JdbcTemplate jdbc;

    public SubjectBlocks(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public boolean block(String company, String subjectKey) {
        return jdbc.update("insert into subject_block (company, subject_key) values (?, ?) on conflict do nothing",
                company, subjectKey) == 1;
    }

    @Override
    public boolean unblock(String company, String subjectKey) {
        return jdbc.update("delete from subject_block where company = ? and subject_key = ?", company, subjectKey) == 1;
    }

    @Override
    public boolean isBlocked(String company, String subjectKey) {
        return Boolean.TRUE.equals(jdbc.queryForObject(
                "select exists (select 1 from subject_block where company = ? and subject_key = ?)", Boolean.class,
                company, subjectKey));
    }
}
