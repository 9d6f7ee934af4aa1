package kz.dsr.notify;

import static kz.dsr.testing.RunningPipeline.await;
import static kz.dsr.testing.TestMail.mail;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import kz.dsr.demo.LocalProcessor;
import kz.dsr.processors.TestProcessors;
import kz.dsr.store.Json;
import kz.dsr.store.Outbox;
import kz.dsr.testing.LocalSmsGateway;
import kz.dsr.testing.RunningPipeline;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The store database restarts right after a message left: the SMTP server said 250 (or the SMS gateway,
 * or the processor's API, took it), and the statement marking it SENT loses its connection (SQLSTATE
 * 57P01, as a restart does to every statement in flight). The message went; the person (gateway,
 * processor) must get it once, and the outbox must end up saying SENT, not send it again.
 */
class SentOnceAcrossStoreLossTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int CUTS = 3;

    @Test
    void anAcknowledgementWhoseMarkLosesTheStoreIsSentOnce() throws Exception {
        try (RunningPipeline pipeline = RunningPipeline.start()) {
            cutMarks(pipeline, CUTS);
            pipeline.deliver(mail().from("restart@example.kz").subject("Delete my account")
                    .body("Please delete my account and all my data.").bytes());

            await("the acknowledgement marked SENT", WAIT, () -> pipeline.count(
                    "select count(*) from outbox where event_key like 'ack:%' and status = 'SENT'") == 1);
            pipeline.awaitRouteRuns("outbox-relay", 5, WAIT); // more relay runs: nothing more goes
            String messageId = pipeline.store().queryForObject(
                    "select message_id from outbox where event_key like 'ack:%'", String.class);
            assertEquals(1, mailsWithId(pipeline, "restart@example.kz", messageId),
                    "the requester got the acknowledgement once");
            assertEquals(CUTS + 1, marksTried(pipeline), "the mark lost its connection " + CUTS + " times");
            assertEquals(0, pipeline.count("select count(*) from dead_letter"));
        }
    }

    @Test
    void aTextWhoseMarkLosesTheStoreIsSentOnce() throws Exception {
        String phone = "+77015550101";
        try (LocalSmsGateway gateway = new LocalSmsGateway();
                RunningPipeline pipeline = RunningPipeline.start(gateway.settings())) {
            cutMarks(pipeline, CUTS);
            outbox(pipeline).enqueueSms("code:sms:DSR-2026-000301", request(pipeline, "DSR-2026-000301"), phone,
                    "Code 402917 confirms privacy request DSR-2026-000301.");

            await("the text marked SENT", WAIT, () -> pipeline.count(
                    "select count(*) from outbox where channel = 'SMS' and status = 'SENT'") == 1);
            pipeline.awaitRouteRuns("outbox-relay", 5, WAIT);
            assertEquals(1, gateway.textsTo(phone).size(), "the gateway was given the text once");
            assertEquals(CUTS + 1, marksTried(pipeline), "the mark lost its connection " + CUTS + " times");
        }
    }

    @Test
    void aProcessorCallWhoseMarkLosesTheStoreIsMadeOnce() throws Exception {
        try (LocalProcessor paybox = LocalProcessor.start(TestProcessors.identity("paybox.test"))) {
            Path file = TestProcessors.file(TestProcessors.openDsr("paybox", paybox.openDsrBase(), "poll-minutes: 60"));
            try (RunningPipeline pipeline = RunningPipeline.start(TestProcessors.settings(file))) {
                cutMarks(pipeline, CUTS);
                long request = pipeline.store().queryForObject("insert into request (reference, type, status,"
                        + " language, received_at, due_date) values ('DSR-2026-000302', 'ERASURE',"
                        + " 'AWAITING_PROCESSORS', 'en', now(), current_date + 30) returning id", Long.class);
                UUID id = UUID.randomUUID();
                pipeline.store().update("insert into processor_task (request_id, processor, kind, subject_request_id,"
                        + " due_at) values (?, 'paybox', 'OPENDSR', ?, ?)", request, id,
                        Timestamp.from(Instant.now().plus(Duration.ofDays(14))));
                outbox(pipeline).enqueueHttp(Outbox.PROCESSOR_KEY_PREFIX + "DSR-2026-000302:paybox", request, "paybox",
                        "OpenDSR ERASURE", id.toString(), Json.write(Map.of("regulation", "gdpr",
                                "subject_request_id", id.toString(), "subject_request_type", "erasure")));

                await("the call marked SENT", WAIT, () -> pipeline.count(
                        "select count(*) from outbox where channel = 'HTTP' and status = 'SENT'") == 1);
                pipeline.awaitRouteRuns("outbox-relay", 5, WAIT);
                // Discovery and its certificate are asked too: the request itself is the one POST.
                assertEquals(1, paybox.calls().stream().filter(c -> c.method().equals("POST")).count(),
                        "the processor was called once: " + paybox.calls());
                assertEquals("SENT", pipeline.store().queryForObject(
                        "select status from processor_task where subject_request_id = ?", String.class, id));
                assertEquals(1, pipeline.count("select count(*) from request_event where request_id = ?"
                        + " and kind = 'PROCESSOR_SENT'", request), "the task moved to SENT once");
                assertEquals(CUTS + 1, marksTried(pipeline), "the mark lost its connection " + CUTS + " times");
            }
        }
    }

    /**
     * The store stays away longer than a mark is retried: the operator is told which message may go
     * twice, in one line without the recipient; once the store is back the message is marked SENT by
     * the relay's next run, before anything else is taken, and is still sent once.
     */
    @Test
    void aStoreAwayLongerThanTheMarkWaitsIsToldAndTheMessageStillSentOnce() throws Exception {
        Logger log = (Logger) LoggerFactory.getLogger("kz.dsr.store.SentMarks");
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        log.addAppender(lines);
        try (RunningPipeline pipeline = RunningPipeline.start(Map.of("dsr.outbox.mark-sent-retry-seconds", "1"))) {
            cutMarks(pipeline, Integer.MAX_VALUE);
            pipeline.deliver(mail().from("long.restart@example.kz").subject("Delete my account")
                    .body("Please delete my account and all my data.").bytes());

            await("the operator told that the mark did not reach the store", WAIT,
                    () -> warnings(lines).stream().anyMatch(l -> l.contains("may be sent again")));
            long id = pipeline.store().queryForObject("select id from outbox where event_key like 'ack:%'", Long.class);
            List<String> told = warnings(lines);
            assertEquals(1, told.size(), "one line for the operator: " + told);
            assertTrue(told.get(0).contains("Outbox message " + id + " "), told.get(0));
            assertFalse(told.get(0).contains("long.restart"), "no address in the log: " + told.get(0));
            assertEquals("SENDING", pipeline.store().queryForObject("select status from outbox where id = ?",
                    String.class, id), "a sent message is not set back for another attempt");

            stopCutting(pipeline);
            await("the acknowledgement marked SENT once the store is back", WAIT, () -> pipeline.count(
                    "select count(*) from outbox where id = ? and status = 'SENT'", id) == 1);
            pipeline.awaitRouteRuns("outbox-relay", 5, WAIT);
            String messageId = pipeline.store().queryForObject("select message_id from outbox where id = ?",
                    String.class, id);
            assertEquals(1, mailsWithId(pipeline, "long.restart@example.kz", messageId));
            assertEquals(0, pipeline.count("select count(*) from dead_letter"));
        } finally {
            log.detachAppender(lines);
        }
    }

    /**
     * The next {@code times} statements that mark a message SENT lose their connection while they run,
     * as a database restart does to statements in flight: the backend is terminated (57P01).
     */
    private static void cutMarks(RunningPipeline pipeline, int times) {
        pipeline.store().execute("create sequence dsr.test_mark_cuts");
        pipeline.store().execute("""
                create function dsr.test_cut_mark() returns trigger language plpgsql as $$
                begin
                  if nextval('dsr.test_mark_cuts') <= %d then
                    perform pg_terminate_backend(pg_backend_pid());
                  end if;
                  return new;
                end $$""".formatted(times));
        pipeline.store().execute("create trigger test_cut_mark before update on dsr.outbox for each row"
                + " when (old.status = 'SENDING' and new.status = 'SENT') execute function dsr.test_cut_mark()");
    }

    private static void stopCutting(RunningPipeline pipeline) {
        pipeline.store().execute("drop trigger test_cut_mark on dsr.outbox");
    }

    /** How often a mark ran into the cut: the last one went through. */
    private static int marksTried(RunningPipeline pipeline) {
        return pipeline.count("select last_value from dsr.test_mark_cuts");
    }

    private static List<String> warnings(ListAppender<ILoggingEvent> lines) {
        return lines.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.WARN))
                .map(ILoggingEvent::getFormattedMessage).toList();
    }

    private static int mailsWithId(RunningPipeline pipeline, String address, String messageId)
            throws MessagingException {
        int n = 0;
        for (MimeMessage m : pipeline.received(address)) {
            if (("<" + messageId + ">").equals(m.getMessageID())) {
                n++;
            }
        }
        return n;
    }

    private static Outbox outbox(RunningPipeline pipeline) {
        return pipeline.context().getRegistry().lookupByNameAndType("outbox", Outbox.class);
    }

    private static long request(RunningPipeline pipeline, String reference) {
        return pipeline.store().queryForObject("insert into request (reference, type, status, language, received_at,"
                + " due_date) values (?, 'ERASURE', 'AWAITING_VERIFICATION', 'en', now(), current_date + 30)"
                + " returning id", Long.class, reference);
    }
}
