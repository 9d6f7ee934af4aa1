package kz.dsr.bench;

import static kz.dsr.testing.RunningPipeline.await;
import static kz.dsr.testing.TestMail.mail;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.user.GreenMailUser;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import kz.dsr.demo.EmbeddedServices;
import kz.dsr.testing.RunningPipeline;
import kz.dsr.testing.TestServers;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mail.MailMessage;
import org.apache.camel.impl.DefaultCamelContext;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Intake benchmark: N mails through GreenMail → time until each has a committed request and a sent
 * acknowledgement, against a baseline measured in the same run that only fetches each mail and inserts
 * its raw bytes. Both use the same IMAP consumer settings (including the move to Processed), so the
 * ratio is the cost of what the pipeline does per mail.
 *
 * <p>Mails are fed so that the inbox holds at most {@code bench.window} (200) at a time, the way mail
 * arrives. GreenMail 2.1.13 answers each FETCH/STORE in time quadratic in the folder size (it looks up
 * every UID's sequence number by a linear scan): with 2,000 mails waiting at once a single command takes
 * ~45 ms and even the baseline manages ~10 mails/s, so that setup measures GreenMail, not the pipeline.
 * {@code -Dbench.window=0} delivers everything up front anyway.
 *
 * <p>Run: {@code mvn test -Pbenchmark -Dtest=IntakeBenchmark} (add {@code -Dbench.mails=N}).
 */
@Tag("benchmark")
class IntakeBenchmark {

    private static final int MAILS = Integer.getInteger("bench.mails", 2000);
    private static final int WINDOW = Integer.getInteger("bench.window", 200);
    private static final Duration LIMIT = Duration.ofMinutes(10);

    @Test
    void pipelineAgainstFetchAndInsertBaseline() throws Exception {
        byte[][] mails = new byte[MAILS][];
        for (int i = 0; i < MAILS; i++) {
            mails[i] = mail().from("bench" + i + "@example.kz").subject("Удалите аккаунт " + i)
                    .body("Здравствуйте!\n\nПрошу удалить мой аккаунт и все мои данные. Номер " + i
                            + "\n\nС уважением,\nКлиент\n\n> старое письмо\n> цитата").bytes();
        }
        double baseline = baselineSeconds(mails);
        double pipeline = pipelineSeconds(mails);
        double ratio = pipeline / baseline;
        double rate = MAILS / pipeline;
        System.out.println();
        System.out.println("inbox window: " + (WINDOW == 0 ? "all mails delivered up front" : "at most " + WINDOW + " mails waiting"));
        System.out.println("| run | mails | seconds | mails/s |");
        System.out.println("|---|---:|---:|---:|");
        System.out.printf("| baseline: fetch + insert raw | %d | %.2f | %.0f |%n", MAILS, baseline, MAILS / baseline);
        System.out.printf("| pipeline: every request committed | %d | %.2f | %.0f |%n", MAILS, committedSeconds,
                MAILS / committedSeconds);
        System.out.printf("| pipeline: request committed + ack sent | %d | %.2f | %.0f |%n", MAILS, pipeline, rate);
        System.out.printf("| ratio pipeline / baseline | | %.2f× | (target ≤ 1.5×, ≥ 50 mails/s) |%n", ratio);
        assertTrue(rate >= 50, "throughput " + rate);
        assertTrue(ratio <= 1.5, "ratio " + ratio);
    }

    /** The bare minimum a correct consumer does: fetch each mail and store its bytes. */
    private double baselineSeconds(byte[][] mails) throws Exception {
        EmbeddedServices servers = TestServers.get();
        GreenMailUser user = servers.mail().setUser("baseline@dsr.test", "baseline", "baseline");
        String url = servers.newDatabase("bench_baseline");
        org.postgresql.ds.PGSimpleDataSource ds = new org.postgresql.ds.PGSimpleDataSource();
        ds.setUrl(url);
        ds.setUser("postgres");
        ds.setPassword("postgres");
        JdbcTemplate jdbc = new JdbcTemplate(ds);
        jdbc.execute("create table raw_mail (id bigserial primary key, raw bytea not null)");
        com.zaxxer.hikari.HikariDataSource pool = new com.zaxxer.hikari.HikariDataSource();
        pool.setJdbcUrl(url);
        pool.setUsername("postgres");
        pool.setPassword("postgres");
        JdbcTemplate pooled = new JdbcTemplate(pool);

        CamelContext camel = new DefaultCamelContext();
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("imap://127.0.0.1:" + servers.imapPort() + "?username=baseline&password=baseline"
                        + "&unseen=false&peek=true&delete=false&moveTo=Processed&mapMailMessage=false"
                        + "&maxMessagesPerPoll=200&delay=200&mail.imap.fetchsize=1048576")
                        .routeId("baseline")
                        .process(e -> {
                            ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
                            e.getIn(MailMessage.class).getOriginalMessage().writeTo(out);
                            pooled.update("insert into raw_mail (raw) values (?)", (Object) out.toByteArray());
                        });
            }
        });
        Feeder feeder = new Feeder(servers, user, mails);
        long start = System.nanoTime();
        camel.start();
        feeder.start();
        await("baseline stored every mail", LIMIT, () -> count(jdbc, "select count(*) from raw_mail") >= mails.length);
        double seconds = (System.nanoTime() - start) / 1e9;
        feeder.join();
        camel.stop();
        pool.close();
        return seconds;
    }

    private double committedSeconds;

    private double pipelineSeconds(byte[][] mails) throws InterruptedException {
        try (RunningPipeline pipeline = RunningPipeline.prepare(Map.of(
                "dsr.mail.max-per-poll", "200", "dsr.intake.flood.max-requests-per-hour", "100000"))) {
            EmbeddedServices servers = TestServers.get();
            Feeder feeder = new Feeder(servers, servers.mail().getUserManager().getUser(EmbeddedServices.SUPPORT_LOGIN), mails);
            long start = System.nanoTime();
            pipeline.startCamel();
            feeder.start();
            await("every mail has a committed request", LIMIT, () ->
                    pipeline.count("select count(*) from request") >= mails.length);
            committedSeconds = (System.nanoTime() - start) / 1e9;
            await("every mail has a request and a sent acknowledgement", LIMIT, () ->
                    pipeline.count("select count(*) from outbox where status = 'SENT'") >= mails.length);
            double seconds = (System.nanoTime() - start) / 1e9;
            feeder.join();
            assertTrue(pipeline.count("select count(*) from request") == mails.length);
            return seconds;
        }
    }

    /** Delivers the mails into a user's inbox, keeping at most WINDOW of them waiting there. */
    private static final class Feeder extends Thread {
        private final EmbeddedServices servers;
        private final GreenMailUser user;
        private final byte[][] mails;

        Feeder(EmbeddedServices servers, GreenMailUser user, byte[][] mails) {
            super("bench-feeder");
            this.servers = servers;
            this.user = user;
            this.mails = mails;
        }

        @Override
        public void run() {
            try {
                Session session = Session.getInstance(new Properties());
                var inbox = servers.mail().getManagers().getImapHostManager().getInbox(user);
                int next = 0;
                while (next < mails.length) {
                    if (WINDOW > 0) {
                        Awaitility.await("room in the inbox").atMost(LIMIT).pollDelay(Duration.ZERO)
                                .pollInterval(Duration.ofMillis(5)).pollInSameThread()
                                .until(() -> inbox.getMessageCount() < WINDOW);
                    }
                    int room = WINDOW == 0 ? mails.length : WINDOW - inbox.getMessageCount();
                    for (int i = 0; i < room && next < mails.length; i++) {
                        user.deliver(new MimeMessage(session, new ByteArrayInputStream(mails[next++])));
                    }
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static int count(JdbcTemplate jdbc, String sql) {
        Integer n = jdbc.queryForObject(sql, Integer.class);
        return n == null ? 0 : n;
    }
}
