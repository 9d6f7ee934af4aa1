package kz.dsr.bench;

import static kz.dsr.testing.RunningPipeline.await;
import static kz.dsr.testing.TestMail.mail;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import kz.dsr.metrics.ClosedRequests;
import kz.dsr.metrics.DsrMetrics;
import kz.dsr.metrics.StoreFigures;
import kz.dsr.testing.RunningPipeline;
import kz.dsr.timers.StorePurge;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/**
 * Metrics benchmark. (1) GET /observe/metrics of a running pipeline with 200,000 requests in the store
 * (bulk-inserted with generate_series, with their outbox messages and processor tasks), against the bare
 * SELECT of the same figures on one open connection, in the same run: "cold" scrapes come more than
 * dsr.metrics.cache-seconds apart, so each one reads the store; "cached" scrapes come back to back.
 * (2) Intake throughput with metrics on (scraped every second) and off, alternating runs.
 *
 * <p>Run: {@code mvn test -Pbenchmark -Dtest=MetricsBenchmark} ({@code -Dbench.requests=N},
 * {@code -Dbench.mails=N}, {@code -Dbench.rounds=N}).
 */
@Tag("benchmark")
class MetricsBenchmark {

    private static final int REQUESTS = Integer.getInteger("bench.requests", 200_000);
    private static final int MAILS = Integer.getInteger("bench.mails", 300);
    private static final int ROUNDS = Integer.getInteger("bench.rounds", 3);
    private static final Duration LIMIT = Duration.ofMinutes(10);

    @Test
    void endpointWithTwoHundredThousandRequestsAgainstTheBareSelect() throws Exception {
        try (RunningPipeline pipeline = RunningPipeline.prepare(Map.of("dsr.metrics.cache-seconds", "1"))) {
            JdbcTemplate store = pipeline.store();
            long t0 = System.nanoTime();
            fill(store, REQUESTS);
            double fillSeconds = (System.nanoTime() - t0) / 1e9;
            pipeline.startCamel();

            // The closed-requests count (a full pass, in the background) done once before measuring.
            await("closed requests counted", LIMIT, () -> !Double.isNaN(pipeline.scrapeMetrics()
                    .value("dsr_requests", Map.of("status", "COMPLETED", "type", "ERASURE")).orElse(Double.NaN)));
            for (int i = 0; i < 10; i++) {
                pipeline.scrapeMetrics();
            }
            List<Double> cold = new ArrayList<>();
            List<Double> cached = new ArrayList<>();
            int bytes = 0;
            for (int i = 0; i < 40; i++) {
                Thread.sleep(1050); // past dsr.metrics.cache-seconds: this scrape reads the store
                cold.add(millis(() -> pipeline.scrapeMetrics()));
                cached.add(millis(() -> pipeline.scrapeMetrics()));
            }
            for (int i = 0; i < 160; i++) {
                cached.add(millis(() -> pipeline.scrapeMetrics()));
            }
            bytes = pipeline.scrapeMetrics().text().length();

            List<Double> bare = new ArrayList<>();
            List<Double> closed = new ArrayList<>();
            try (Connection c = store.getDataSource().getConnection()) {
                JdbcTemplate one = new JdbcTemplate(new SingleConnectionDataSource(c, true));
                Map<String, String> rules = new HashMap<>();
                StorePurge.RULES.forEach(r -> rules.put(r, "delete"));
                StoreFigures figures = new StoreFigures(one, DsrMetrics.TIMER_JOBS, List.copyOf(rules.keySet()));
                LocalDate today = LocalDate.now();
                for (int i = 0; i < 10; i++) {
                    figures.read(today, today.plusDays(1));
                }
                for (int i = 0; i < 200; i++) {
                    bare.add(millis(() -> figures.read(today, today.plusDays(1))));
                }
                ClosedRequests full = new ClosedRequests(one);
                for (int i = 0; i < 5; i++) {
                    closed.add(millis(full::read));
                }
            }
            System.out.println();
            System.out.printf("store: %,d requests (%.1f s to insert); /observe/metrics answer: %,d bytes, %d dsr_ series%n",
                    REQUESTS, fillSeconds, bytes, pipeline.scrapeMetrics().samples().stream()
                            .filter(s -> s.name().startsWith("dsr_")).count());
            System.out.println("| what | runs | median ms | p90 ms | max ms |");
            System.out.println("|---|---:|---:|---:|---:|");
            row("GET /observe/metrics, store read in the scrape (cold)", cold);
            row("GET /observe/metrics, figures cached (back to back)", cached);
            row("bare SELECT of the same figures (one connection)", bare);
            row("closed requests by status and type (background, every 300 s)", closed);
            System.out.println("load average: " + loadAverage());
            assertTrue(median(cold) <= 50, "median of a scrape that reads the store: " + median(cold) + " ms");
        }
    }

    @Test
    void intakeThroughputWithMetricsOnAndOff() throws Exception {
        byte[][] mails = new byte[MAILS][];
        for (int i = 0; i < MAILS; i++) {
            mails[i] = mail().from("bench" + i + "@example.kz").subject("Удалите аккаунт " + i)
                    .body("Здравствуйте!\n\nПрошу удалить мой аккаунт и все мои данные. Номер " + i).bytes();
        }
        // One run first, not counted: the JVM's first pipeline run compiles what the later ones reuse.
        double warmUp = intake(mails, false);
        Map<String, List<Double>> rates = new HashMap<>();
        for (int round = 0; round < ROUNDS; round++) {
            for (boolean on : round % 2 == 0 ? new boolean[] {false, true} : new boolean[] {true, false}) {
                rates.computeIfAbsent(on ? "on" : "off", k -> new ArrayList<>()).add(intake(mails, on));
            }
        }
        double off = median(rates.get("off"));
        double on = median(rates.get("on"));
        System.out.println();
        System.out.printf("intake: %d mails per run, delivered up front; runs alternate off/on after a warm-up run"
                + " (%.1f mails/s, not counted)%n", MAILS, warmUp);
        System.out.println("| metrics | runs (mails/s, request committed + ack sent) | median mails/s |");
        System.out.println("|---|---|---:|");
        System.out.printf("| off | %s | %.1f |%n", format(rates.get("off")), off);
        System.out.printf("| on, scraped every second | %s | %.1f |%n", format(rates.get("on")), on);
        System.out.printf("| on / off | | %.3f |%n", on / off);
        System.out.println("load average: " + loadAverage());
    }

    /** Mails per second from the first delivery until every request is committed and its acknowledgement sent. */
    private static double intake(byte[][] mails, boolean metrics) throws Exception {
        Map<String, String> settings = new HashMap<>(Map.of("dsr.mail.max-per-poll", "200",
                "dsr.intake.flood.max-requests-per-hour", "100000"));
        if (metrics) {
            settings.put("dsr.metrics.cache-seconds", "1");
        } else {
            settings.putAll(Map.of("camel.metrics.enabled", "false", "camel.management.metrics-enabled", "false",
                    "camel.management.enabled", "false"));
        }
        try (RunningPipeline pipeline = RunningPipeline.prepare(settings)) {
            pipeline.startCamel();
            AtomicBoolean running = new AtomicBoolean(true);
            Thread prometheus = new Thread(() -> {
                while (running.get()) {
                    pipeline.scrapeMetrics();
                    try {
                        Thread.sleep(1000);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "bench-scraper");
            long start = System.nanoTime();
            for (byte[] m : mails) {
                pipeline.deliver(m);
            }
            if (metrics) {
                prometheus.start();
            }
            await("every request committed and acknowledged", LIMIT, () ->
                    pipeline.count("select count(*) from outbox where status = 'SENT'") >= mails.length);
            double seconds = (System.nanoTime() - start) / 1e9;
            running.set(false);
            prometheus.interrupt();
            return mails.length / seconds;
        }
    }

    /** Requests spread like a store in use for years: 99.8 % closed; an acknowledgement each; erasures told to a processor. */
    static void fill(JdbcTemplate store, int requests) {
        store.update("""
                insert into request (reference, type, status, language, requester_email, received_at, due_date,
                                     confidence, review, classification)
                select 'DSR-B-' || lpad(g::text, 9, '0'),
                       (array['ERASURE','ACCESS','RECTIFICATION','BLOCKING','CONSENT_WITHDRAWAL','MARKETING_OPT_OUT'])[1 + g % 6],
                       case when g % 1000 < 2 then (array['CLASSIFIED','NEEDS_REVIEW','MATCHED','AWAITING_VERIFICATION',
                                 'VERIFIED','ON_HOLD','EXECUTING','AWAITING_PROCESSORS','RECEIVED'])[1 + g % 9]
                            when g % 100 < 85 then 'COMPLETED' when g % 100 < 92 then 'REJECTED'
                            when g % 100 < 98 then 'EXPIRED' else 'FAILED' end,
                       (array['ru','kk','en','ru-kk'])[1 + g % 4],
                       'person' || g || '@example.kz',
                       now() - make_interval(mins => g),
                       (now() - make_interval(mins => g))::date + 21,
                       0.9, g % 10 = 0,
                       '{"evidence": ["rule erasure.delete-account matched"], "identifiers": {"emails": [], "phones": []}}'
                  from generate_series(1, ?) g
                """, requests);
        store.update("""
                insert into outbox (channel, event_key, request_id, recipient, subject, body, message_id, status,
                                    created_at, sent_at)
                select 'MAIL', 'ack:' || r.reference, r.id, r.requester_email, 'Re: request', repeat('Здравствуйте! ', 40),
                       '<bench-' || r.id || '@dsr.test>', 'SENT', r.received_at, r.received_at
                  from request r
                """);
        store.update("""
                insert into processor_task (request_id, processor, kind, subject_request_id, status, due_at)
                select r.id, 'paybox', 'OPENDSR', gen_random_uuid(),
                       case when r.status in ('COMPLETED', 'REJECTED', 'EXPIRED', 'FAILED') then 'COMPLETED' else 'SENT' end,
                       r.received_at + interval '14 days'
                  from request r where r.type = 'ERASURE'
                """);
        store.update("""
                insert into timer_run (job, scheduled_for, fired_at, node)
                select 'deadline-watch', now() - make_interval(mins => 15 * g), now() - make_interval(mins => 15 * g), 'bench'
                  from generate_series(1, 35000) g
                """);
        store.execute("vacuum analyze");
    }

    private static double millis(Supplier<?> work) {
        long t = System.nanoTime();
        work.get();
        return (System.nanoTime() - t) / 1e6;
    }

    private static double millis(Runnable work) {
        return millis(() -> {
            work.run();
            return null;
        });
    }

    private static void row(String what, List<Double> ms) {
        double[] sorted = ms.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        System.out.printf("| %s | %d | %.1f | %.1f | %.1f |%n", what, sorted.length, median(ms),
                sorted[(int) Math.ceil(0.9 * sorted.length) - 1], sorted[sorted.length - 1]);
    }

    private static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static String format(List<Double> values) {
        return String.join(", ", values.stream().map(v -> String.format("%.1f", v)).toList());
    }

    private static String loadAverage() {
        try {
            return Arrays.toString(java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ", 4))
                    .replaceAll(", [^,]*]$", "]");
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }
}
