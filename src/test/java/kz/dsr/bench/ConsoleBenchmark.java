package kz.dsr.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import kz.dsr.console.Operators;
import kz.dsr.console.Role;
import kz.dsr.metrics.StoreFigures;
import kz.dsr.operator.RequestRow;
import kz.dsr.testing.RunningPipeline;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/**
 * Console benchmark: with 200,000 requests and 2,000,000 events in the store (bulk-inserted, as in
 * {@link MetricsBenchmark}), the dashboard, the first page of the requests list and one request's page,
 * each fetched over HTTP by a signed-in operator, against the bare SELECTs of the same rows on one open
 * connection in the same run. Prints a table of medians and ratios.
 *
 * <p>Run: {@code mvn test -Pbenchmark -Dtest=ConsoleBenchmark} ({@code -Dbench.requests=N},
 * {@code -Dbench.events-per-request=N}, {@code -Dbench.runs=N}, {@code -Dbench.warmup=N}).
 */
@Tag("benchmark")
class ConsoleBenchmark {

    private static final int REQUESTS = Integer.getInteger("bench.requests", 200_000);
    private static final int EVENTS_PER_REQUEST = Integer.getInteger("bench.events-per-request", 10);
    private static final int RUNS = Integer.getInteger("bench.runs", 200);
    private static final int WARMUP = Integer.getInteger("bench.warmup", 2000);
    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

    @Test
    void pagesAgainstTheBareSelects() throws Exception {
        Path dir = Files.createTempDirectory("dsr-console-bench");
        new Operators(dir.resolve("operators.yaml")).put(new Operators.Account("bench", Role.OPERATOR, "en",
                Operators.hash("bench password", 4)));
        try (RunningPipeline pipeline = RunningPipeline.prepare(Map.of("dsr.console.operators-file",
                dir.resolve("operators.yaml").toString()))) {
            JdbcTemplate store = pipeline.store();
            long t0 = System.nanoTime();
            MetricsBenchmark.fill(store, REQUESTS);
            // References as the pipeline writes them (DSR-YYYY-NNNNNN), the only ones a console URL takes.
            store.update("update request set reference = 'DSR-2025-' || lpad(id::text, 6, '0')");
            store.update("insert into request_event (request_id, kind, actor, details) select r.id,"
                    + " (array['RECEIVED','CLASSIFIED','ACKNOWLEDGEMENT_QUEUED','STATUS_MATCHED','CODE_SENT',"
                    + "'STATUS_VERIFIED','STATUS_EXECUTING','EXECUTED','REPLY_QUEUED','STATUS_COMPLETED'])[1 + (g - 1) % 10],"
                    + " 'bench', '{\"inboundId\": 1, \"sizeBytes\": 2048}' from request r, generate_series(1, ?) g",
                    EVENTS_PER_REQUEST);
            store.execute("vacuum analyze");
            double fillSeconds = (System.nanoTime() - t0) / 1e9;
            long events = store.queryForObject("select count(*) from request_event", Long.class);
            pipeline.startCamel();

            String base = "http://127.0.0.1:" + pipeline.httpPort() + "/console";
            String cookie = signIn(base);
            // A request in the middle of the table, with its events, outbox message and processor task.
            String reference = store.queryForObject("select reference from request where type = 'ERASURE' order by id"
                    + " offset ? limit 1", String.class, REQUESTS / 12);
            long id = store.queryForObject("select id from request where reference = ?", Long.class, reference);

            Map<String, String> pages = Map.of("dashboard", base + "/", "first list page", base + "/requests",
                    "request page", base + "/requests/" + reference, "stylesheet (no store, no template)",
                    base + "/static/console.css");
            Map<String, List<Double>> page = new java.util.LinkedHashMap<>();
            Map<String, List<Double>> bare = new java.util.LinkedHashMap<>();
            try (Connection c = store.getDataSource().getConnection()) {
                JdbcTemplate one = new JdbcTemplate(new SingleConnectionDataSource(c, true));
                StoreFigures figures = new StoreFigures(one, List.of(), List.of());
                LocalDate today = LocalDate.now();
                // The rows each page shows, read with plain SELECTs on one open connection.
                Map<String, Supplier<?>> selects = Map.of(
                        "dashboard", () -> List.of(figures.read(today, today.plusDays(1)),
                                one.queryForList("select count(*) from inbound_message where disposition = 'FOR_SUPPORT'")),
                        "first list page", () -> one.query("select " + RequestRow.COLUMNS + " from request where"
                                + " status not in ('COMPLETED', 'REJECTED', 'EXPIRED') order by due_date, id limit 51",
                                RequestRow.MAPPER),
                        "request page", () -> List.of(
                                one.queryForList("select * from request where reference = ?", reference),
                                one.queryForList("select * from request_event where request_id = ? order by id", id),
                                one.queryForList("select * from inbound_message where request_id = ?", id),
                                one.queryForList("select * from outbox where request_id = ?", id),
                                one.queryForList("select * from processor_task where request_id = ?", id)),
                        "stylesheet (no store, no template)", () -> List.of());
                // Page and bare SELECTs alternate, so both see the same machine: a background timer or the JIT
                // at work slows both, not one of them. A long warm-up first, as a server that has run for a while: the
                // JIT compiles both paths (the HTTP round trip alone drops from ~1 ms to ~0.45 ms over the first
                // thousands of requests).
                List<String> names = List.of("dashboard", "first list page", "request page",
                        "stylesheet (no store, no template)");
                for (int i = 0; i < WARMUP; i++) {
                    for (String name : names) {
                        get(pages.get(name), cookie);
                        selects.get(name).get();
                    }
                }
                for (String name : names) {
                    page.put(name, new ArrayList<>());
                    bare.put(name, new ArrayList<>());
                }
                for (int i = 0; i < RUNS; i++) {
                    for (String name : names) {
                        page.get(name).add(millis(() -> get(pages.get(name), cookie)));
                        bare.get(name).add(millis(selects.get(name)));
                    }
                }
            }
            bare.remove("stylesheet (no store, no template)");
            System.out.printf("%nConsole benchmark: %,d requests, %,d events (filled in %.0f s), %d runs each%n",
                    REQUESTS, events, fillSeconds, RUNS);
            System.out.println("| page | console median ms | p90 ms | bare SELECT median ms | ratio |");
            System.out.println("|---|---:|---:|---:|---:|");
            for (String name : bare.keySet()) {
                double m = median(page.get(name));
                double b = median(bare.get(name));
                System.out.printf("| %s | %.1f | %.1f | %.1f | %.1f× |%n", name, m, percentile(page.get(name), 0.9), b,
                        m / b);
            }
            // What an HTTP round trip through the same route costs with no store and no template: the floor.
            String floor = "stylesheet (no store, no template)";
            System.out.printf("| %s | %.1f | %.1f | | |%n", floor, median(page.get(floor)), percentile(page.get(floor), 0.9));
        }
    }

    private static String signIn(String base) throws IOException {
        HttpURLConnection login = (HttpURLConnection) URI.create(base + "/login").toURL().openConnection();
        String page;
        try (InputStream in = login.getInputStream()) {
            page = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String cookie = login.getHeaderField("Set-Cookie").split(";")[0];
        Matcher m = CSRF.matcher(page);
        m.find();
        HttpURLConnection in = (HttpURLConnection) URI.create(base + "/login").toURL().openConnection();
        in.setInstanceFollowRedirects(false);
        in.setDoOutput(true);
        in.setRequestProperty("Cookie", cookie);
        in.setRequestProperty("Content-Type", "application/x-www-form-urlencoded");
        try (var out = in.getOutputStream()) {
            out.write(("csrf=" + m.group(1) + "&name=bench&password=bench+password").getBytes(StandardCharsets.UTF_8));
        }
        assertEquals(303, in.getResponseCode());
        return in.getHeaderField("Set-Cookie").split(";")[0];
    }

    /**
     * One GET on a kept-alive connection with {@link HttpURLConnection}: it reads the answer on the calling
     * thread. The JDK's {@code HttpClient} hands each exchange between its own threads, which on this
     * machine adds 2–3 ms to every request (HTTP/2 upgrade attempt included): that is the client's time,
     * not the console's, and would hide the page's own cost.
     */
    private static String get(String url, String cookie) {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
            c.setRequestProperty("Cookie", cookie);
            c.setConnectTimeout(30_000);
            c.setReadTimeout(30_000);
            assertEquals(200, c.getResponseCode(), url);
            try (InputStream in = c.getInputStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static double millis(Supplier<?> work) {
        long t = System.nanoTime();
        work.get();
        return (System.nanoTime() - t) / 1e6;
    }

    private static double median(List<Double> values) {
        return percentile(values, 0.5);
    }

    private static double percentile(List<Double> values, double p) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.floor(p * sorted.size())));
    }
}
