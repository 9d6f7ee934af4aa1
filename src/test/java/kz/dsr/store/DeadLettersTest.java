package kz.dsr.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/** What could not be processed waits for an operator with its error and, for a mail, its exact bytes. */
class DeadLettersTest {

    private JdbcTemplate jdbc;
    private DeadLetters letters;

    @BeforeEach
    void freshStore() {
        jdbc = FreshStore.create();
        letters = new DeadLetters(jdbc);
    }

    @Test
    void aDeadLetterKeepsItsErrorAndTheExactRawBytes() {
        // Not UTF-8, with a NUL: the mail as it came, not as text.
        byte[] raw = {'F', 'r', 'o', 'm', ':', ' ', (byte) 0xC7, (byte) 0xE4, 0, (byte) 0xFF, '\r', '\n'};
        letters.record("intake", "m1@example.kz", "PSQLException: ERROR: value too long", raw);
        letters.record("outbox", "42", "SMTPSendFailedException: 550 rejected", null);

        Map<String, Object> mail = jdbc.queryForMap("select item_key, error, raw, resolved_at from dead_letter"
                + " where source = 'intake'");
        assertEquals("m1@example.kz", mail.get("item_key"));
        assertEquals("PSQLException: ERROR: value too long", mail.get("error"));
        assertArrayEquals(raw, (byte[]) mail.get("raw"));
        assertNull(mail.get("resolved_at"));
        assertNull(jdbc.queryForObject("select raw from dead_letter where source = 'outbox'", byte[].class));
    }

    @Test
    void onlyUnresolvedLettersOfTheSourceAreCounted() {
        letters.record("intake", "a", "error a", new byte[] {1});
        letters.record("intake", "b", "error b", new byte[] {2});
        letters.record("outbox", "7", "error 7", null);
        assertEquals(2, letters.countUnresolved("intake"));
        assertEquals(1, letters.countUnresolved("outbox"));
        assertEquals(0, letters.countUnresolved("callbacks"));

        jdbc.update("update dead_letter set resolved_at = now() where item_key = 'a'"); // an operator dealt with it
        assertEquals(1, letters.countUnresolved("intake"));
        assertEquals(1, letters.countUnresolved("outbox"));
    }
}
