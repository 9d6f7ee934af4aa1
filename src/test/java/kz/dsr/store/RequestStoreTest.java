package kz.dsr.store;

import static kz.dsr.testing.RunningPipeline.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import kz.dsr.request.RequestStatus;
import kz.dsr.request.RequestType;
import kz.dsr.store.RequestStore.Request;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The public reference (DSR-YYYY-NNNNNN) is what a requester quotes and an operator files under: per
 * year, without gaps and never given twice, whether two nodes open requests at once or one of them
 * rolls back.
 */
class RequestStoreTest {

    private static final Instant IN_2026 = Instant.parse("2026-03-10T08:00:00Z");

    private JdbcTemplate jdbc;
    private RequestStore store;

    @BeforeEach
    void freshStore() {
        jdbc = FreshStore.create();
        store = new RequestStore(jdbc);
    }

    private static Request open(RequestStore store, String email, Instant receivedAt) {
        return store.open(RequestType.ERASURE, RequestStatus.CLASSIFIED, "ru", email, receivedAt,
                LocalDate.of(2026, 3, 31), 0.9, false, Map.of("evidence", List.of("удалите")));
    }

    private static String reference(int year, int n) {
        return String.format("DSR-%d-%06d", year, n);
    }

    @Test
    void referencesCountUpPerYearOfReceipt() {
        assertEquals(reference(2026, 1), open(store, "a@example.kz", IN_2026).reference());
        assertEquals(reference(2026, 2), open(store, "b@example.kz", IN_2026).reference());
        assertEquals(reference(2025, 1), open(store, "c@example.kz", Instant.parse("2025-12-30T10:00:00Z")).reference(),
                "each year starts at 1");
        assertEquals(reference(2026, 3), open(store, "d@example.kz", IN_2026).reference());
    }

    @Test
    void twoThreadsOpeningAtOnceGetGaplessUniqueReferences() throws Exception {
        int perThread = 40;
        ExecutorService threads = Executors.newFixedThreadPool(2);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<List<String>>> results = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                String who = "thread" + t;
                results.add(threads.submit(() -> {
                    // Each thread its own store, as on two nodes: every open on its own connection.
                    RequestStore mine = new RequestStore(jdbc);
                    start.await();
                    List<String> refs = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        refs.add(open(mine, who + "-" + i + "@example.kz", IN_2026).reference());
                    }
                    return refs;
                }));
            }
            start.countDown();
            List<String> all = new ArrayList<>();
            for (Future<List<String>> r : results) {
                all.addAll(r.get(60, TimeUnit.SECONDS));
            }
            Set<String> expected = new TreeSet<>();
            for (int n = 1; n <= 2 * perThread; n++) {
                expected.add(reference(2026, n));
            }
            assertEquals(2 * perThread, all.size());
            assertEquals(expected, new TreeSet<>(all), "1 to " + 2 * perThread + ", each once");
            assertEquals(2 * perThread, jdbc.queryForObject("select count(distinct reference) from request", Integer.class));
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void aRolledBackOpeningLeavesNoGapAndHoldsTheNextOpeningUntilItEnds() throws Exception {
        open(store, "first@example.kz", IN_2026);
        CompletableFuture<Request> other;
        try (FreshStore.OpenTransaction node = new FreshStore.OpenTransaction(jdbc)) {
            Request abandoned = open(new RequestStore(node.jdbc), "abandoned@example.kz", IN_2026);
            assertEquals(reference(2026, 2), abandoned.reference());

            other = CompletableFuture.supplyAsync(() -> open(store, "other@example.kz", IN_2026));
            await("the other opening waits for the counter", Duration.ofSeconds(20),
                    () -> FreshStore.waitingForALock(jdbc) == 1);
            assertTrue(!other.isDone(), "no number is handed out while the one before may still be used");
            node.rollback();
        }
        assertEquals(reference(2026, 2), other.get(20, TimeUnit.SECONDS).reference(),
                "the number of the rolled-back opening is given to the next one");
        assertEquals(List.of(reference(2026, 1), reference(2026, 2)),
                jdbc.queryForList("select reference from request order by reference", String.class));
        assertEquals(0, jdbc.queryForObject("select count(*) from request where requester_email = 'abandoned@example.kz'",
                Integer.class));
    }

    @Test
    void aRequestReadsBackAsItWasOpened() {
        Request opened = store.open(RequestType.ACCESS, RequestStatus.NEEDS_REVIEW, "kk", "Aigerim@Example.kz", IN_2026,
                LocalDate.of(2026, 3, 20), 0.42, true, Map.of("evidence", List.of("деректерім")));
        Request read = store.byReference(opened.reference()).orElseThrow();
        assertEquals(opened, read);
        assertEquals(opened, store.byId(opened.id()).orElseThrow());
        assertEquals("деректерім", store.classification(opened.id()).path("evidence").get(0).asText());
        assertTrue(store.byReference("DSR-2026-999999").isEmpty());
    }

    @Test
    void theLatestOpenRequestOfARequesterSkipsClosedOnes() {
        Request older = open(store, "same@example.kz", IN_2026);
        Request newer = open(store, "same@example.kz", IN_2026);
        assertEquals(newer.id(), store.latestOpen("same@example.kz").orElseThrow().id());
        store.setStatus(newer.id(), RequestStatus.COMPLETED);
        assertEquals(older.id(), store.latestOpen("same@example.kz").orElseThrow().id());
        store.setStatus(older.id(), RequestStatus.REJECTED);
        assertTrue(store.latestOpen("same@example.kz").isEmpty());
        assertTrue(store.latestOpen("nobody@example.kz").isEmpty());
    }

    @Test
    void floodMergesAreCountedOnTheRequest() {
        Request r = open(store, "flood@example.kz", IN_2026);
        store.countFloodMerge(r.id());
        store.countFloodMerge(r.id());
        assertEquals(2, store.byId(r.id()).orElseThrow().floodMerged());
        assertEquals(1, store.countOpenedSince("flood@example.kz", Instant.now().minus(Duration.ofHours(1))));
        assertEquals(0, store.countOpenedSince("flood@example.kz", Instant.now().plus(Duration.ofHours(1))));
    }
}
