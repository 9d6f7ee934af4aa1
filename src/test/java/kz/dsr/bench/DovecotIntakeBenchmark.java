package kz.dsr.bench;

import static kz.dsr.testing.RunningPipeline.await;
import static kz.dsr.testing.TestMail.mail;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import kz.dsr.demo.EmbeddedServices;
import kz.dsr.realservers.MailStack;
import kz.dsr.testing.RunningPipeline;
import kz.dsr.testing.TestServers;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mail.MailMessage;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Intake on a real Dovecot: N request mails waiting in the inbox (delivered by Postfix), read by the
 * pipeline until every one has a committed request and a sent acknowledgement (Postfix took it), against
 * a bare Camel route measured in the same run that fetches each mail, inserts its raw bytes into
 * PostgreSQL, commits, and moves it to Processed. The pipeline runs twice per round, with metrics on and
 * off, for the cost of metrics. Rounds alternate the order, as the machine's load drifts.
 *
 * <p>Run (the mail stack must be up: {@code bash src/test/mailstack/mailstack.sh start}):
 * {@code mvn test -Pbenchmark -Dtest=DovecotIntakeBenchmark} ({@code -Dbench.mails=2000 -Dbench.rounds=2}).
 */
@Tag("benchmark")
class DovecotIntakeBenchmark {

    private static final int MAILS = Integer.getInteger("bench.mails", 2000);
    private static final int ROUNDS = Integer.getInteger("bench.rounds", 2);
    private static final int WARM_UP = 200;
    private static final String MAILBOX = "bench@dsr.test";
    private static final Duration LIMIT = Duration.ofMinutes(10);

    @Test
    void pipelineAgainstBareRouteOnDovecot() throws Exception {
        MailStack.ensureRunning();
        Map<String, List<Double>> seconds = new LinkedHashMap<>();
        for (String run : List.of("bare route: fetch + insert raw + move", "pipeline, metrics on", "pipeline, metrics off")) {
            seconds.put(run, new ArrayList<>());
        }
        // Not counted: the first pipeline in this JVM loads and compiles its classes.
        deliver(WARM_UP);
        pipeline(true, WARM_UP);
        for (int round = 0; round < ROUNDS; round++) {
            List<String> order = new ArrayList<>(seconds.keySet());
            if (round % 2 == 1) {
                java.util.Collections.reverse(order);
            }
            for (String run : order) {
                List<byte[]> mails = deliver(MAILS);
                double s = run.startsWith("bare") ? bare() : pipeline(run.endsWith("on"), mails.size());
                seconds.get(run).add(s);
                System.out.printf("round %d, %s: %.2f s%n", round + 1, run, s);
            }
        }
        double bare = median(seconds.get("bare route: fetch + insert raw + move"));
        double on = median(seconds.get("pipeline, metrics on"));
        double off = median(seconds.get("pipeline, metrics off"));
        System.out.println();
        System.out.printf("Dovecot intake, %d mails waiting, %d rounds (medians):%n", MAILS, ROUNDS);
        System.out.println("| run | seconds | mails/s | all runs (s) |");
        System.out.println("|---|---:|---:|---|");
        seconds.forEach((run, list) -> System.out.printf("| %s | %.2f | %.0f | %s |%n", run, median(list),
                MAILS / median(list), list.stream().map(d -> String.format("%.2f", d)).toList()));
        System.out.printf("| ratio pipeline (metrics on) / bare route | %.2f× | | target ≤ 1.5× |%n", on / bare);
        System.out.printf("| ratio metrics on / metrics off | %.3f× | | target within 5%% |%n", on / off);
        assertTrue(on / bare <= 1.5, "pipeline / bare route = " + on / bare);
    }

    /**
     * Empties the benchmark mailbox and has Postfix deliver N fresh request mails into its inbox. They come
     * from @discard.test, which Postfix takes and drops: the acknowledgements leave as they would for the
     * Internet, instead of being delivered into the same Dovecot while the pipeline reads it.
     */
    private static List<byte[]> deliver(int count) {
        MailStack.Mailbox box = MailStack.mailbox(MAILBOX);
        box.clear();
        String tag = Long.toString(System.nanoTime(), 36);
        List<byte[]> mails = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            mails.add(mail().from("bench" + i + "@discard.test").messageId(tag + "-" + i + "@bench.dsr.test")
                    .subject("Удалите аккаунт " + i)
                    .body("Здравствуйте!\n\nПрошу удалить мой аккаунт и все мои данные. Номер " + i
                            + "\n\nС уважением,\nКлиент\n\n> старое письмо\n> цитата").bytes());
        }
        MailStack.send(MAILBOX, mails);
        await("Postfix delivered " + count + " mails", LIMIT, () -> {
            kz.dsr.realservers.PipelineNode.sleep(500);
            return box.count("INBOX") == count;
        });
        return mails;
    }

    /** The bare minimum a correct consumer does: fetch each mail, store its bytes, commit, move it. */
    private static double bare() throws Exception {
        EmbeddedServices servers = TestServers.get();
        String url = servers.newDatabase("bench_bare");
        com.zaxxer.hikari.HikariDataSource pool = new com.zaxxer.hikari.HikariDataSource();
        pool.setJdbcUrl(url);
        pool.setUsername("postgres");
        pool.setPassword("postgres");
        JdbcTemplate jdbc = new JdbcTemplate(pool);
        jdbc.execute("create table raw_mail (id bigserial primary key, raw bytea not null)");
        CamelContext camel = new DefaultCamelContext();
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("imap://" + MailStack.HOST + ":" + MailStack.IMAP_PORT + "?username=" + MAILBOX
                        + "&password=" + MailStack.PASSWORD + "&unseen=false&peek=true&delete=false&moveTo=Processed"
                        + "&mapMailMessage=false&maxMessagesPerPoll=200&delay=1000&greedy=true"
                        + "&mail.imap.fetchsize=1048576")
                        .routeId("bare")
                        .process(e -> {
                            ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
                            e.getIn(MailMessage.class).getOriginalMessage().writeTo(out);
                            jdbc.update("insert into raw_mail (raw) values (?)", (Object) out.toByteArray());
                        });
            }
        });
        long start = System.nanoTime();
        camel.start();
        // The store first: the mailbox is asked (a login of its own) only once every mail is stored.
        await("the bare route stored and moved every mail", LIMIT, () ->
                jdbc.queryForObject("select count(*) from raw_mail", Integer.class) >= MAILS
                && MailStack.mailbox(MAILBOX).count("INBOX") == 0);
        double s = (System.nanoTime() - start) / 1e9;
        camel.stop();
        pool.close();
        return s;
    }

    /** The pipeline on the same mailbox: until every mail is filed and every acknowledgement sent. */
    private static double pipeline(boolean metrics, int mails) {
        Map<String, String> settings = new HashMap<>(MailStack.pipelineSettings(MAILBOX));
        settings.put("dsr.mail.poll-delay-ms", "1000");
        settings.put("dsr.outbox.poll-ms", "200");
        settings.put("dsr.intake.flood.max-requests-per-hour", "100000");
        settings.put("camel.metrics.enabled", String.valueOf(metrics));
        settings.put("camel.management.metrics-enabled", String.valueOf(metrics));
        try (RunningPipeline pipeline = RunningPipeline.prepare(settings)) {
            RouteTimes times = new RouteTimes();
            pipeline.bind("intakeRouteTimes", times);
            long start = System.nanoTime();
            pipeline.startCamel();
            await("every mail recorded", LIMIT, () -> pipeline.count("select count(*) from request") >= mails);
            double recorded = (System.nanoTime() - start) / 1e9;
            await("every mail filed and acknowledged", LIMIT, () ->
                    pipeline.count("select count(*) from outbox where event_key like 'ack:%' and status = 'SENT'") >= mails
                    && MailStack.mailbox(MAILBOX).count("INBOX") == 0);
            double s = (System.nanoTime() - start) / 1e9;
            System.out.printf("  every mail recorded after %.2f s, filed and acknowledged after %.2f s%n", recorded, s);
            times.print(s);
            assertTrue(pipeline.count("select count(*) from request") == mails, "one request per mail");
            return s;
        }
    }

    /** How long the recording transactions took, in all and a mail (Camel's events for direct:record-mail). */
    private static final class RouteTimes extends org.apache.camel.support.EventNotifierSupport {
        final java.util.concurrent.atomic.LongAdder recordMillis = new java.util.concurrent.atomic.LongAdder();
        final java.util.concurrent.atomic.LongAdder mails = new java.util.concurrent.atomic.LongAdder();

        @Override
        public void notify(org.apache.camel.spi.CamelEvent event) {
            if (event instanceof org.apache.camel.spi.CamelEvent.ExchangeSentEvent sent
                    && sent.getEndpoint().getEndpointUri().startsWith("direct://record-mail")) {
                recordMillis.add(sent.getTimeTaken());
                mails.increment();
            }
        }

        void print(double wall) {
            double record = recordMillis.sum() / 1e3;
            System.out.printf("  %d mails recorded in %.2f s of transactions (%.1f ms a mail), %.0f%% of the run%n",
                    mails.sum(), record, record * 1000 / Math.max(1, mails.sum()), record * 100 / wall);
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
