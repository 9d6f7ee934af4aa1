package kz.dsr.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import kz.dsr.request.RequestStatus;
import kz.dsr.request.RequestType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;

/** A request's timeline is evidence for a regulator: entries are added, in order, and never changed. */
class EventLogTest {

    private JdbcTemplate jdbc;
    private EventLog log;
    private long requestId;

    @BeforeEach
    void freshStore() {
        jdbc = FreshStore.create();
        log = new EventLog(jdbc);
        requestId = new RequestStore(jdbc).open(RequestType.ERASURE, RequestStatus.RECEIVED, "ru", "a@example.kz",
                Instant.now(), LocalDate.now().plusDays(30), 1.0, false, Map.of()).id();
    }

    @Test
    void theTimelineHoldsTheEntriesInTheOrderTheyWereAppended() throws Exception {
        log.append(requestId, "RECEIVED", "intake", Map.of("inbound", 7));
        log.append(List.of(new EventLog.New(requestId, "CLASSIFIED", "classifier", Map.of("type", "ERASURE")),
                new EventLog.New(requestId, "ACKNOWLEDGEMENT_QUEUED", "intake", Map.of())));
        List<EventLog.Event> timeline = log.timeline(requestId);
        assertEquals(List.of("RECEIVED", "CLASSIFIED", "ACKNOWLEDGEMENT_QUEUED"),
                timeline.stream().map(EventLog.Event::kind).toList());
        assertEquals(List.of("intake", "classifier", "intake"), timeline.stream().map(EventLog.Event::actor).toList());
        assertEquals(7, Json.mapper().readTree(timeline.get(0).details()).path("inbound").asInt());
        assertEquals("ERASURE", Json.mapper().readTree(timeline.get(1).details()).path("type").asText());
        assertEquals("{}", timeline.get(2).details());
        assertTrue(!timeline.get(0).at().isAfter(timeline.get(2).at()), "times in order");
        assertEquals(List.of(), log.timeline(requestId + 1), "another request's timeline is its own");
    }

    @Test
    void anUpdateOfAnEntryIsRefusedAndTheEntryStaysAsWritten() {
        log.append(requestId, "VERIFIED", "subject", Map.of("tier", "code"));
        DataAccessException refused = assertThrows(DataAccessException.class,
                () -> jdbc.update("update request_event set kind = 'REJECTED', details = '{}' where request_id = ?",
                        requestId));
        assertTrue(refused.getMessage().contains("append-only: UPDATE refused"), refused.getMessage());
        EventLog.Event entry = log.timeline(requestId).get(0);
        assertEquals("VERIFIED", entry.kind());
        assertEquals("{\"tier\":\"code\"}", entry.details());
    }

    @Test
    void aDeleteOfAnEntryIsRefusedAndTheTimelineStaysWhole() {
        log.append(requestId, "RECEIVED", "intake", Map.of());
        log.append(requestId, "ERASED", "executor", Map.of("rows", 3));
        DataAccessException refused = assertThrows(DataAccessException.class,
                () -> jdbc.update("delete from request_event where kind = 'ERASED'"));
        assertTrue(refused.getMessage().contains("append-only: DELETE refused"), refused.getMessage());
        assertEquals(List.of("RECEIVED", "ERASED"), log.timeline(requestId).stream().map(EventLog.Event::kind).toList());
    }

    @Test
    void aRequestWithATimelineCannotBeDeletedFromUnderIt() {
        log.append(requestId, "RECEIVED", "intake", Map.of());
        assertThrows(DataAccessException.class, () -> jdbc.update("delete from request where id = ?", requestId));
        assertEquals(1, log.timeline(requestId).size());
    }
}
