package kz.dsr.demo;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.postgresql.copy.CopyManager;

/**
 * Bulk loading through PostgreSQL {@code COPY}: rows are buffered per table in COPY text format
 * and sent in batches, tables in the order they were declared (parents first), so a child row
 * always finds its parent whatever the batch boundaries.
 */
final class CopyLoader {

    /** Flushing in batches keeps memory flat however many subjects are asked for. */
    private static final int FLUSH_AT_CHARS = 8 << 20;

    private final CopyManager api;
    private final long firstId;
    private final List<Table> tables = new ArrayList<>();

    /** {@code firstId}: where the ids handed out by {@link Table#newId()} start in every table. */
    CopyLoader(CopyManager api, long firstId) {
        this.api = api;
        this.firstId = firstId;
    }

    /** Declares a table with the columns its rows give, in that order. */
    Table table(String name, String columnList) {
        Table t = new Table(name, columnList, firstId);
        tables.add(t);
        return t;
    }

    void flushIfFull() throws SQLException, IOException {
        long pending = 0;
        for (Table t : tables) {
            pending += t.rows.length();
        }
        if (pending >= FLUSH_AT_CHARS) {
            flush();
        }
    }

    void flush() throws SQLException, IOException {
        for (Table t : tables) {
            t.flush(api);
        }
    }

    /** One table's pending rows in COPY text format, and the next id for its rows. */
    static final class Table {
        private final String copySql;
        private final int columns;
        private final StringBuilder rows = new StringBuilder(1 << 16);
        private long nextId;

        private Table(String name, String columnList, long firstId) {
            this.copySql = "copy " + name + " (" + columnList + ") from stdin";
            this.columns = columnList.split(",").length;
            this.nextId = firstId;
        }

        long newId() {
            return nextId++;
        }

        /** Values in column order: null, String (escaped), or anything whose toString PostgreSQL parses. */
        void row(Object... values) {
            if (values.length != columns) {
                throw new IllegalArgumentException(copySql + ": " + values.length + " values for " + columns + " columns");
            }
            for (int i = 0; i < values.length; i++) {
                if (i > 0) {
                    rows.append('\t');
                }
                Object v = values[i];
                if (v == null) {
                    rows.append("\\N");
                } else if (v instanceof String s) {
                    escape(s);
                } else {
                    rows.append(v); // numbers, booleans, LocalDate, Instant (ISO-8601 UTC): nothing to escape
                }
            }
            rows.append('\n');
        }

        private void escape(String s) {
            for (int i = 0; i < s.length(); i++) {
                char ch = s.charAt(i);
                switch (ch) {
                    case '\\' -> rows.append("\\\\");
                    case '\t' -> rows.append("\\t");
                    case '\n' -> rows.append("\\n");
                    case '\r' -> rows.append("\\r");
                    default -> rows.append(ch);
                }
            }
        }

        private void flush(CopyManager api) throws SQLException, IOException {
            if (rows.length() > 0) {
                api.copyIn(copySql, new ByteArrayInputStream(rows.toString().getBytes(UTF_8)));
                rows.setLength(0);
            }
        }
    }
}
