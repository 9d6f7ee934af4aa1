package kz.dsr.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import kz.dsr.DsrPipeline;
import kz.dsr.request.Lifecycle;
import kz.dsr.request.RequestStatus;
import kz.dsr.request.RequestType;
import kz.dsr.store.EventLog;
import kz.dsr.store.RequestStore;
import kz.dsr.store.RequestStore.Request;
import kz.dsr.store.StoreDatabase;
import kz.dsr.testing.OperatorCommands;
import kz.dsr.testing.TestServers;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;
import picocli.CommandLine;

/** {@code requests}: list, show and the operator's decisions on NEEDS_REVIEW requests, against a real store. */
class RequestsCommandTest {

    private static final ZoneId ZONE = ZoneId.of("Asia/Almaty");

    private static JdbcTemplate store;
    private static RequestStore requests;
    private static Path config;
    private static OperatorCommands commands;

    @BeforeAll
    static void setUp(@TempDir Path dir) throws Exception {
        String url = TestServers.get().newDatabase("dsr_ops");
        store = TestServers.get().storeJdbc(url);
        StoreDatabase.migrate(store.getDataSource());
        requests = new RequestStore(store);
        commands = OperatorCommands.configured(dir.resolve("application.properties"), url, null);
        config = commands.config();
    }

    private static OperatorCommands.Run requests(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "requests";
        System.arraycopy(args, 0, all, 1, args.length);
        return commands.run(all);
    }


    private static LocalDate today() {
        return LocalDate.now(ZONE);
    }

    private static Request open(RequestType type, RequestStatus status, String email, LocalDate due) {
        return requests.open(type, status, "ru", email, Instant.now(), due, 0.55, status == RequestStatus.NEEDS_REVIEW,
                Map.of());
    }

    private static Request reload(Request r) {
        return requests.byId(r.id()).orElseThrow();
    }

    private static int events(Request r) {
        return store.queryForObject("select count(*) from request_event where request_id = ?", Integer.class, r.id());
    }

    private static String statusReason(Request r) {
        return store.queryForObject("select status_reason from request where id = ?", String.class, r.id());
    }

    @Test
    void listShowsOpenRequestsOverdueFirstAndHidesClosedOnes() {
        Request later = open(RequestType.ACCESS, RequestStatus.CLASSIFIED, "bolat@example.kz", today().plusDays(20));
        Request overdue = open(RequestType.ERASURE, RequestStatus.NEEDS_REVIEW, "aigerim@example.kz",
                today().minusDays(3));
        Request soon = open(RequestType.BLOCKING, RequestStatus.AWAITING_VERIFICATION, "chingiz@example.kz",
                today().plusDays(2));
        Request failed = open(RequestType.ACCESS, RequestStatus.FAILED, "dana@example.kz", today().plusDays(5));
        Request done = open(RequestType.ERASURE, RequestStatus.COMPLETED, "erlan@example.kz", today().minusDays(30));
        Request rejected = open(RequestType.ERASURE, RequestStatus.REJECTED, "farida@example.kz", today().minusDays(29));

        OperatorCommands.Run r = requests("list");
        assertEquals(0, r.exit(), r.err());
        String out = r.out();
        assertTrue(out.indexOf(overdue.reference()) >= 0 && out.indexOf(overdue.reference()) < out.indexOf(soon.reference())
                && out.indexOf(soon.reference()) < out.indexOf(failed.reference())
                && out.indexOf(failed.reference()) < out.indexOf(later.reference()), out);
        assertFalse(out.contains(done.reference()), out);
        assertFalse(out.contains(rejected.reference()), out);
        String overdueLine = out.lines().filter(l -> l.startsWith(overdue.reference())).findFirst().orElseThrow();
        assertTrue(overdueLine.matches(".*ERASURE\\s+NEEDS_REVIEW\\s+ru\\s+" + today().minusDays(3) + "\\s+-3\\s+"
                + "a\\*\\*\\*@example\\.kz.*"), overdueLine);
        assertFalse(out.contains("aigerim@"), "the requester's address is masked");
        assertTrue(out.contains("overdue"), out);

        OperatorCommands.Run closed = requests("list", "--status", "COMPLETED", "--status", "REJECTED");
        assertEquals(0, closed.exit(), closed.err());
        assertTrue(closed.out().contains(done.reference()) && closed.out().contains(rejected.reference()), closed.out());
        assertFalse(closed.out().contains(overdue.reference()), closed.out());
    }

    @Test
    void showPrintsTheRequestAndItsTimelineInOrder() {
        Request r = open(RequestType.RECTIFICATION, RequestStatus.NEEDS_REVIEW, "gulnar@example.kz",
                today().plusDays(30));
        store.update("update request set status_reason = 'low confidence', subject_ref = '42' where id = ?", r.id());
        EventLog log = new EventLog(store);
        log.append(r.id(), "RECEIVED", "intake", Map.of("inbound", 7));
        log.append(r.id(), "CLASSIFIED", "classifier", Map.of("type", "RECTIFICATION", "confidence", 0.55));

        OperatorCommands.Run run = requests("show", r.reference().toLowerCase());
        assertEquals(0, run.exit(), run.err());
        String out = run.out();
        assertTrue(out.matches("(?s).*Reference\\s+" + r.reference() + ".*"), out);
        assertTrue(out.matches("(?s).*Type\\s+RECTIFICATION.*"), out);
        assertTrue(out.matches("(?s).*Status\\s+NEEDS_REVIEW.*"), out);
        assertTrue(out.matches("(?s).*Status reason\\s+low confidence.*"), out);
        assertTrue(out.matches("(?s).*Language\\s+ru.*"), out);
        assertTrue(out.matches("(?s).*Due date\\s+" + today().plusDays(30) + " \\(30 day\\(s\\) left\\).*"), out);
        assertTrue(out.matches("(?s).*Subject ref\\s+42.*"), out);
        assertTrue(out.contains("Received at"), out);
        int received = out.indexOf("RECEIVED");
        int classified = out.indexOf("CLASSIFIED  ");
        assertTrue(received > 0 && classified > received, out);
        assertTrue(out.matches("(?s).*RECEIVED\\s+intake\\s+\\{\"inbound\":7}.*"), out);
        assertTrue(out.contains("\"type\":\"RECTIFICATION\""), out);
        assertFalse(out.contains("gulnar@"), out);
    }

    @Test
    void extendMovesTheDueDateWithAReasonAndOnlyForOpenRequests() {
        Request r = open(RequestType.ACCESS, RequestStatus.AWAITING_VERIFICATION, "ilyas@example.kz", today().plusDays(3));
        OperatorCommands.Run run = requests("extend", r.reference(), "--days", "10", "--operator", "aliya", "--reason",
                "the person asked for time to find the code");
        assertEquals(0, run.exit(), run.err());
        assertEquals(today().plusDays(13), reload(r).dueDate());
        Map<String, Object> event = store.queryForMap("select kind, actor, details from request_event"
                + " where request_id = ? order by id desc limit 1", r.id());
        assertEquals("DUE_DATE_EXTENDED", event.get("kind"));
        assertEquals("operator:aliya", event.get("actor"));
        assertTrue(((String) event.get("details")).contains("\"days\":10"), (String) event.get("details"));
        Request done = open(RequestType.ACCESS, RequestStatus.COMPLETED, "jan@example.kz", today().plusDays(3));
        assertEquals(1, requests("extend", done.reference(), "--days", "5", "--operator", "aliya", "--reason", "x").exit());
        assertEquals(today().plusDays(3), reload(done).dueDate());
    }

    @Test
    void approveMovesNeedsReviewToClassifiedWithTheOperatorAsActor() {
        Request r = open(RequestType.ERASURE, RequestStatus.NEEDS_REVIEW, "hadiya@example.kz", today().plusDays(30));
        OperatorCommands.Run run = requests("approve", r.reference(), "--operator", "aliya", "--reason", "clearly an erasure request");
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.out().contains(r.reference() + " approved by operator:aliya"), run.out());
        assertEquals(RequestStatus.CLASSIFIED, reload(r).status());
        assertEquals("clearly an erasure request", statusReason(r));
        Map<String, Object> event = store.queryForMap("select kind, actor, details from request_event"
                + " where request_id = ? order by id desc limit 1", r.id());
        assertEquals("STATUS_CLASSIFIED", event.get("kind"));
        assertEquals("operator:aliya", event.get("actor"));
        assertTrue(((String) event.get("details")).contains("\"from\":\"NEEDS_REVIEW\""), event.toString());
        assertTrue(((String) event.get("details")).contains("\"operator\":\"aliya\""), event.toString());
    }

    @Test
    void approvingARequestSentToReviewAfterMatchingSaysItMayComeBack() {
        Request r = open(RequestType.BLOCKING, RequestStatus.MATCHED, "jasulan@example.kz", today().plusDays(30));
        new Lifecycle(store, new EventLog(store)).move(r.id(), RequestStatus.MATCHED, RequestStatus.NEEDS_REVIEW,
                "risk tier review", "verification");
        OperatorCommands.Run run = requests("approve", r.reference(), "--operator", "aliya", "--reason", "looked at it");
        assertEquals(0, run.exit(), run.err());
        assertEquals(RequestStatus.CLASSIFIED, reload(r).status());
        assertTrue(run.out().contains("came to review from MATCHED"), run.out());
    }

    @Test
    void approveOfARequestNotWaitingForReviewIsRefusedAndChangesNothing() {
        Request r = open(RequestType.ACCESS, RequestStatus.CLASSIFIED, "ilyas@example.kz", today().plusDays(30));
        int before = events(r);
        OperatorCommands.Run run = requests("approve", r.reference(), "--operator", "aliya", "--reason", "ok");
        assertEquals(1, run.exit(), run.out());
        assertTrue(run.err().contains(r.reference() + " is CLASSIFIED, not NEEDS_REVIEW"), run.err());
        assertTrue(run.err().contains("Nothing was changed"), run.err());
        assertEquals(RequestStatus.CLASSIFIED, reload(r).status());
        assertEquals(before, events(r));
        assertEquals(null, statusReason(r));
    }

    @Test
    void reclassifyChangesTheTypeAndKeepsTheDueDate() {
        LocalDate due = today().plusDays(11);
        Request r = open(RequestType.ACCESS, RequestStatus.NEEDS_REVIEW, "kairat@example.kz", due);
        OperatorCommands.Run run = requests("reclassify", r.reference(), "--type", "ERASURE", "--operator", "aliya",
                "--reason", "asks to delete the account");
        assertEquals(0, run.exit(), run.err());
        Request after = reload(r);
        assertEquals(RequestType.ERASURE, after.type());
        assertEquals(RequestStatus.CLASSIFIED, after.status());
        assertEquals(due, after.dueDate());
        List<Map<String, Object>> events = store.queryForList("select kind, actor, details from request_event"
                + " where request_id = ? order by id", r.id());
        assertEquals(List.of("RECLASSIFIED", "STATUS_CLASSIFIED"), events.stream().map(e -> e.get("kind")).toList());
        events.forEach(e -> assertEquals("operator:aliya", e.get("actor")));
        String details = (String) events.get(0).get("details");
        assertTrue(details.contains("\"from\":\"ACCESS\"") && details.contains("\"to\":\"ERASURE\"")
                && details.contains("\"reason\":\"asks to delete the account\""), details);

        OperatorCommands.Run again = requests("reclassify", r.reference(), "--type", "ACCESS", "--operator", "aliya", "--reason", "x");
        assertEquals(1, again.exit());
        OperatorCommands.Run notDsr = requests("reclassify", r.reference(), "--type", "NOT_DSR", "--operator", "aliya", "--reason", "x");
        assertEquals(2, notDsr.exit());
        assertTrue(notDsr.err().contains("requests reject"), notDsr.err());
    }

    @Test
    void rejectQueuesExactlyOneReplyToTheRequesterAndMovesToRejected() {
        Request r = open(RequestType.ERASURE, RequestStatus.NEEDS_REVIEW, "madina@example.kz", today().plusDays(30));
        store.update("insert into inbound_message (message_key, message_id, sender, subject, new_text, quoted_text,"
                + " signature, disposition, size_bytes, request_id) values (?, ?, ?, ?, '', '', '', 'NEW_REQUEST', 100, ?)",
                "mail-" + r.reference(), "abc-" + r.id() + "@mail.example.kz", "madina@example.kz",
                "Удалите мои данные", r.id());

        OperatorCommands.Run run = requests("reject", r.reference(), "--operator", "aliya", "--reason",
                "запрос касается данных другого человека");
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.out().contains("m***@example.kz"), run.out());
        assertEquals(RequestStatus.REJECTED, reload(r).status());
        assertEquals("запрос касается данных другого человека", statusReason(r));
        List<Map<String, Object>> mails = store.queryForList("select event_key, recipient, subject, body, in_reply_to,"
                + " status from outbox where request_id = ?", r.id());
        assertEquals(1, mails.size(), mails.toString());
        Map<String, Object> mail = mails.get(0);
        assertEquals("rejected:" + r.reference(), mail.get("event_key"));
        assertEquals("madina@example.kz", mail.get("recipient"));
        assertEquals("PENDING", mail.get("status"));
        assertEquals("abc-" + r.id() + "@mail.example.kz", mail.get("in_reply_to"));
        assertEquals("Re: Удалите мои данные [" + r.reference() + "]", mail.get("subject"));
        assertTrue(((String) mail.get("body")).contains("Причина: запрос касается данных другого человека"),
                (String) mail.get("body"));
        assertEquals("operator:aliya", store.queryForObject("select actor from request_event where request_id = ?"
                + " and kind = 'STATUS_REJECTED'", String.class, r.id()));

        OperatorCommands.Run again = requests("reject", r.reference(), "--operator", "aliya", "--reason", "again");
        assertEquals(1, again.exit());
        assertEquals(1, store.queryForObject("select count(*) from outbox where request_id = ?", Integer.class, r.id()));
    }

    @Test
    void anUnknownReferenceIsRefused() {
        for (String[] args : List.of(new String[] {"show", "DSR-1999-999999"},
                new String[] {"approve", "DSR-1999-999999", "--operator", "aliya", "--reason", "x"},
                new String[] {"reject", "DSR-1999-999999", "--operator", "aliya", "--reason", "x"})) {
            OperatorCommands.Run run = requests(args);
            assertEquals(1, run.exit(), args[0] + ": " + run.err());
            assertTrue(run.err().contains("no request DSR-1999-999999"), run.err());
        }
    }

    @Test
    void aMissingConfigurationFileIsAConfigurationError() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream oldErr = System.err;
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int exit = new CommandLine(new DsrPipeline()).execute("requests", "list", "--config", "no/such/file.properties");
            assertEquals(2, exit);
        } finally {
            System.setErr(oldErr);
        }
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--config"), err.toString(StandardCharsets.UTF_8));
    }
}
