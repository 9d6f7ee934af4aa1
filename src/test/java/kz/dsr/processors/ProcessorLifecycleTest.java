package kz.dsr.processors;

import static kz.dsr.testing.RunningPipeline.await;
import static kz.dsr.testing.TestMail.mail;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.mail.internet.MimeMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import kz.dsr.testing.OperatorCommands;
import kz.dsr.testing.RunningPipeline;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A carried-out request is not done until its processors have done it too: the request waits
 * (AWAITING_PROCESSORS) with its final reply held, a processor without an API is mailed and its answer
 * — matched by the id we sent it — completes the request; a reply without that id does not; an
 * operator can close the request with a reason.
 */
class ProcessorLifecycleTest {

    private static final Duration WAIT = Duration.ofSeconds(40);
    private static final String COURIER = "privacy@courier.test";
    private static RunningPipeline pipeline;

    @BeforeAll
    static void start() throws Exception {
        Path file = Path.of("target/processors-lifecycle.yaml");
        Files.writeString(file, """
                processors:
                  - name: courier
                    kind: email
                    types: [ERASURE]
                    categories: [contact.email]
                    confirm-within-days: 10
                    identities:
                      - { from: email, type: email }
                    address: %s
                    language: en
                """.formatted(COURIER));
        pipeline = RunningPipeline.start(Map.of("dsr.flow.poll-ms", "200", "dsr.operator.address", "operator@dsr.test",
                "dsr.processors.file", file.toString(),
                // The mail comes from the registered address: no code round trip, the processors are the point here.
                "dsr.verification.tier.ERASURE", "sender"));
    }

    @AfterAll
    static void stop() {
        pipeline.close();
    }

    private static String text(MimeMessage m) {
        return kz.dsr.subject.RequestLifecycleTest.text(m);
    }

    private static List<String> mailsAbout(String address, String reference) {
        return pipeline.received(address).stream().filter(m -> {
            try {
                return m.getSubject().contains(reference);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).map(ProcessorLifecycleTest::text).toList();
    }

    private static String taskId(long requestId) {
        return pipeline.store().queryForObject("select subject_request_id::text from processor_task where request_id = ?",
                String.class, requestId);
    }

    /** The processor's mail arrived; the person's final reply is written but held. */
    private static String processorMailed(long id, String requester) {
        String ref = pipeline.reference(id);
        pipeline.awaitStatus(id, "AWAITING_PROCESSORS", WAIT);
        String uuid = taskId(id);
        assertTrue(uuid.matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"), uuid);
        await("the processor's mail", WAIT, () -> mailsAbout(COURIER, ref).size() == 1);
        String told = mailsAbout(COURIER, ref).get(0);
        assertTrue(told.contains(uuid) && told.contains("email: " + requester), told);
        await("the task marked sent", WAIT, () -> pipeline.count("select count(*) from processor_task where"
                + " request_id = ? and status = 'SENT'", id) == 1);
        assertEquals(1, pipeline.count("select count(*) from outbox where event_key = ? and status = 'HELD'",
                "completed:" + ref), "the final reply waits for the processor");
        assertTrue(mailsAbout(requester, ref).stream().noneMatch(t -> t.contains("выполнен")),
                "no final reply before the processor confirmed");
        return uuid;
    }

    @Test
    void theProcessorsAnswerWithOurIdCompletesTheRequestAndReleasesTheReply() {
        String requester = "aigerim.nurlanova@example.kz";
        long id = pipeline.requestOf(mail().from(requester).subject("Удаление аккаунта")
                .body("Здравствуйте! Прошу удалить мой аккаунт и все мои персональные данные."), WAIT);
        String ref = pipeline.reference(id);
        String uuid = processorMailed(id, requester);

        pipeline.deliver(mail().from(COURIER).subject("Re: Data subject request " + uuid + " [" + ref + "]")
                .body("Done, the data is deleted on our side.\n\n> Request id: " + uuid).bytes());
        pipeline.awaitStatus(id, "COMPLETED", WAIT);
        await("the final reply", WAIT, () -> mailsAbout(requester, ref).stream().anyMatch(t -> t.contains("выполнен")));
        assertEquals(1, pipeline.count("select count(*) from request_event where request_id = ? and kind ="
                + " 'PROCESSOR_COMPLETED'", id));
        List<String> statuses = pipeline.store().queryForList("select kind from request_event where request_id = ?"
                + " and kind like 'STATUS_%' order by id", String.class, id);
        assertEquals(List.of("STATUS_MATCHED", "STATUS_VERIFIED", "STATUS_EXECUTING", "STATUS_AWAITING_PROCESSORS",
                "STATUS_COMPLETED"), statuses);
        assertEquals(1, pipeline.count("select count(*) from outbox where event_key = ? and body like '(removed%'",
                "processor:" + ref + ":courier"), "the identities told to the processor are not kept once sent");
    }

    @Test
    void aReplyWithoutOurIdDoesNotCountAndAnOperatorClosesTheRequest() throws Exception {
        String requester = "erlan.saparov@example.kz";
        long id = pipeline.requestOf(mail().from(requester).subject("Delete my account")
                .body("Please delete my account and all my personal data."), WAIT);
        String ref = pipeline.reference(id);
        processorMailed(id, requester);

        // From: is the processor's address, but whoever wrote it never saw our mail to the processor.
        pipeline.deliver(mail().from(COURIER).subject("Re: [" + ref + "]").body("Done.").bytes());
        await("the reply recorded as unmatched", WAIT, () -> pipeline.count("select count(*) from request_event"
                + " where request_id = ? and kind = 'PROCESSOR_MAIL_UNMATCHED'", id) == 1);
        assertEquals("AWAITING_PROCESSORS", pipeline.status(id));

        OperatorCommands ops = OperatorCommands.configured(Files.createTempFile("dsr-ops", ".properties"),
                pipeline.settings().get("dsr.store.url"), null);
        OperatorCommands.Run refused = ops.run("requests", "close", "DSR-2000-000001", "--operator", "aliya",
                "--reason", "x");
        assertEquals(1, refused.exit(), refused.toString());
        OperatorCommands.Run closed = ops.run("requests", "close", ref, "--operator", "aliya", "--reason",
                "the processor confirmed by phone");
        assertEquals(0, closed.exit(), closed.toString());
        assertEquals("COMPLETED", pipeline.status(id));
        assertEquals("CLOSED", pipeline.store().queryForObject("select status from processor_task where request_id = ?",
                String.class, id));
        await("the final reply", WAIT, () -> mailsAbout(requester, ref).stream()
                .anyMatch(t -> t.contains(ref) && !t.contains("will be deleted") && t.length() > 0
                        && pipeline.count("select count(*) from outbox where event_key = ? and status = 'SENT'",
                        "completed:" + ref) == 1));
        String show = ops.run("requests", "show", ref).out();
        assertTrue(show.contains("courier") && show.contains("CLOSED") && show.contains("closed by an operator"), show);
    }
}
