package kz.dsr.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import kz.dsr.demo.EmbeddedServices;
import kz.dsr.store.EventLog;
import kz.dsr.store.StoreDatabase;
import kz.dsr.testing.TestServers;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The counters kept from the requests' timelines, against a real store and real transactions. */
class EventCountersTest {

    private static JdbcTemplate store;
    private static long requestId;

    @BeforeAll
    static void store() {
        EmbeddedServices servers = TestServers.get();
        String url = servers.newDatabase("dsr_event_counters");
        store = servers.storeJdbc(url);
        StoreDatabase.migrate(store.getDataSource());
        requestId = store.queryForObject("insert into request (reference, type, status, language, received_at, due_date)"
                + " values ('DSR-2026-000001', 'ERASURE', 'CLASSIFIED', 'kk', now(), current_date + 15) returning id",
                Long.class);
    }

    private static double count(MeterRegistry registry, String name, String... tags) {
        return registry.get(name).tags(tags).counter().count();
    }

    @Test
    void aRequestWhoseIntakeIsRolledBackIsNotCountedAndCountedOnceWhenItCommits() {
        MeterRegistry registry = new SimpleMeterRegistry();
        EventLog events = new EventLog(store, new EventCounters(registry));
        TransactionTemplate tx = new TransactionTemplate(new DataSourceTransactionManager(store.getDataSource()));
        Map<String, Object> classified = Map.of("type", "ERASURE", "language", "kk", "confidence", 0.6, "review", true);

        tx.executeWithoutResult(status -> {
            events.append(requestId, "CLASSIFIED", "classifier", classified);
            status.setRollbackOnly();
        });
        assertEquals(0.0, count(registry, "dsr.requests.received", "type", "ERASURE", "language", "kk"), "rolled back");
        assertEquals(0.0, count(registry, "dsr.classifier.reviewed", "type", "ERASURE"));

        tx.executeWithoutResult(status -> events.append(requestId, "CLASSIFIED", "classifier", classified));
        assertEquals(1.0, count(registry, "dsr.requests.received", "type", "ERASURE", "language", "kk"), "committed");
        assertEquals(1.0, count(registry, "dsr.classifier.reviewed", "type", "ERASURE"));
        assertEquals(0.0, count(registry, "dsr.requests.received", "type", "ERASURE", "language", "ru"));
    }

    @Test
    void verificationEventsAreCountedByOutcome() {
        MeterRegistry registry = new SimpleMeterRegistry();
        EventLog events = new EventLog(store, new EventCounters(registry));
        events.append(requestId, "VERIFICATION_FAILED", "verification", Map.of("reason", "wrong code", "triesLeft", 4));
        events.append(requestId, "VERIFICATION_FAILED", "verification", Map.of("reason", "wrong code", "triesLeft", 3));
        events.append(requestId, "VERIFICATION_FAILED", "verification", Map.of("reason", "no active code"));
        events.append(requestId, "REPLY_NOT_COUNTED", "verification", Map.of("why", "sent from another address"));
        events.append(requestId, "REPLY_WITHOUT_CODE", "verification", Map.of());
        events.append(requestId, "STATUS_VERIFIED", "verification", Map.of("from", "AWAITING_VERIFICATION"));
        events.append(requestId, "STATUS_EXPIRED", "verification", Map.of("from", "AWAITING_VERIFICATION"));
        events.append(requestId, "MAIL_IN_THREAD", "intake", Map.of());

        assertEquals(2.0, count(registry, "dsr.verification.outcomes", "outcome", "wrong"));
        assertEquals(3.0, count(registry, "dsr.verification.outcomes", "outcome", "not_counted"));
        assertEquals(1.0, count(registry, "dsr.verification.outcomes", "outcome", "verified"));
        assertEquals(1.0, count(registry, "dsr.verification.outcomes", "outcome", "expired"));
    }
}
