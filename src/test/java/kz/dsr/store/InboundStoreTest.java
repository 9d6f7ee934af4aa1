package kz.dsr.store;

import static kz.dsr.testing.RunningPipeline.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import kz.dsr.intake.ParsedMail;
import kz.dsr.request.RequestStatus;
import kz.dsr.request.RequestType;
import kz.dsr.store.InboundStore.Disposition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Claiming a mail is what makes intake exactly-once: a mail read again (after a crash, or by a second
 * node) is recognised by its key and not recorded twice; of two nodes claiming at once, the one that
 * commits owns it, and a node that rolls back leaves it to the other.
 */
class InboundStoreTest {

    private static final Instant KEEP_RAW_UNTIL = Instant.parse("2026-06-01T00:00:00Z");

    private JdbcTemplate jdbc;
    private InboundStore inbound;

    @BeforeEach
    void freshStore() {
        jdbc = FreshStore.create();
        inbound = new InboundStore(jdbc);
    }

    private static ParsedMail mail(String messageId, String subject) {
        return new ParsedMail(messageId, messageId, "aigerim@example.kz", "Айгерим", subject,
                Instant.parse("2026-03-10T08:00:00Z"), null, List.of(), Map.of(), "Удалите мой аккаунт.",
                "Удалите мой аккаунт.", "", "", List.of(new ParsedMail.Attachment("scan.pdf", "application/pdf", 1200)),
                2048, false, null, List.of());
    }

    private static byte[] raw(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private int count(String sql, Object... args) {
        return jdbc.queryForObject(sql, Integer.class, args);
    }

    @Test
    void aMailIsRecordedWithItsRawBytesOnce() {
        Long id = inbound.claim(mail("m1@example.kz", "Удаление"), raw("raw one"), KEEP_RAW_UNTIL);
        assertNotNull(id);
        assertNull(inbound.claim(mail("m1@example.kz", "Changed on the second read"), raw("raw two"), KEEP_RAW_UNTIL),
                "the same message key again: already recorded");

        assertEquals(1, count("select count(*) from inbound_message"));
        assertEquals(1, count("select count(*) from inbound_raw"));
        Map<String, Object> row = jdbc.queryForMap("select subject, sender, disposition, attachments, size_bytes"
                + " from inbound_message where id = ?", id);
        assertEquals("Удаление", row.get("subject"), "the first record stands");
        assertEquals("aigerim@example.kz", row.get("sender"));
        assertEquals("PENDING", row.get("disposition"));
        assertTrue(((String) row.get("attachments")).contains("scan.pdf"), (String) row.get("attachments"));
        assertEquals(2048L, row.get("size_bytes"));
        assertArrayEquals(raw("raw one"), jdbc.queryForObject("select raw from inbound_raw where inbound_id = ?",
                byte[].class, id));
        assertEquals(KEEP_RAW_UNTIL, jdbc.queryForObject("select keep_until from inbound_raw where inbound_id = ?",
                java.sql.Timestamp.class, id).toInstant());
    }

    @Test
    void ofTwoNodesClaimingTheSameMailTheOneThatCommitsOwnsIt() throws Exception {
        CompletableFuture<Long> second;
        Long first;
        try (FreshStore.OpenTransaction node = new FreshStore.OpenTransaction(jdbc)) {
            first = new InboundStore(node.jdbc).claim(mail("both@example.kz", "Delete"), raw("a"), KEEP_RAW_UNTIL);
            assertNotNull(first);
            second = CompletableFuture.supplyAsync(() -> inbound.claim(mail("both@example.kz", "Delete"), raw("b"),
                    KEEP_RAW_UNTIL));
            await("the second claim waits for the first", Duration.ofSeconds(20),
                    () -> FreshStore.waitingForALock(jdbc) == 1);
            node.commit();
        }
        assertNull(second.get(20, TimeUnit.SECONDS), "the mail is already owned");
        assertEquals(List.of(first), jdbc.queryForList("select id from inbound_message", Long.class));
        assertArrayEquals(raw("a"), jdbc.queryForObject("select raw from inbound_raw", byte[].class));
    }

    @Test
    void aNodeThatRollsBackItsClaimLeavesTheMailToTheOther() throws Exception {
        CompletableFuture<Long> second;
        try (FreshStore.OpenTransaction node = new FreshStore.OpenTransaction(jdbc)) {
            assertNotNull(new InboundStore(node.jdbc).claim(mail("crash@example.kz", "Delete"), raw("a"), KEEP_RAW_UNTIL));
            second = CompletableFuture.supplyAsync(() -> inbound.claim(mail("crash@example.kz", "Delete"), raw("b"),
                    KEEP_RAW_UNTIL));
            await("the second claim waits for the first", Duration.ofSeconds(20),
                    () -> FreshStore.waitingForALock(jdbc) == 1);
            node.rollback();
        }
        Long id = second.get(20, TimeUnit.SECONDS);
        assertNotNull(id, "the other node records the mail");
        assertEquals(List.of(id), jdbc.queryForList("select id from inbound_message", Long.class));
        assertArrayEquals(raw("b"), jdbc.queryForObject("select raw from inbound_raw", byte[].class));
    }

    @Test
    void aSettledMailNamesItsRequestAndTheFirstMailIsWhatRepliesThreadOnto() {
        long request = new RequestStore(jdbc).open(RequestType.ERASURE, RequestStatus.CLASSIFIED, "ru",
                "aigerim@example.kz", Instant.now(), LocalDate.now().plusDays(30), 0.9, false, Map.of()).id();
        long opening = inbound.claim(mail("open@example.kz", "Удаление"), raw("1"), KEEP_RAW_UNTIL);
        long reply = inbound.claim(mail("reply@example.kz", "Re: Удаление"), raw("2"), KEEP_RAW_UNTIL);
        long noise = inbound.claim(mail("away@example.kz", "Out of office"), raw("3"), KEEP_RAW_UNTIL);
        inbound.settle(opening, Disposition.NEW_REQUEST, null, request);
        inbound.settle(reply, Disposition.THREAD_REPLY, null, request);
        inbound.settle(noise, Disposition.NOISE, "AUTO_REPLY", null);

        assertEquals(new InboundStore.Opening("Удаление", "open@example.kz"), inbound.opening(request).orElseThrow());
        assertEquals(Map.of("disposition", "NOISE", "noise_kind", "AUTO_REPLY"), jdbc.queryForMap(
                "select disposition, noise_kind from inbound_message where id = ?", noise));
        assertNull(jdbc.queryForObject("select request_id from inbound_message where id = ?", Long.class, noise));
        assertTrue(inbound.opening(request + 1).isEmpty());
    }
}
