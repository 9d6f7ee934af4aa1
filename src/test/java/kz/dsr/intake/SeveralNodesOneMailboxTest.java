package kz.dsr.intake;

import static kz.dsr.testing.RunningPipeline.await;
import static kz.dsr.testing.TestMail.mail;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import kz.dsr.testing.RunningPipeline;
import kz.dsr.testing.TestMail;
import org.apache.camel.ServiceStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two nodes of one installation on one support mailbox and one store, as an operator runs them for
 * availability: one node reads the mailbox, the other stands by, and whatever happens to the reading
 * node, every mail ends in exactly one folder, each request is opened and acknowledged once, and no
 * mail that was handled correctly is reported as a dead letter.
 */
class SeveralNodesOneMailboxTest {

    private static final Duration WAIT = Duration.ofSeconds(25);
    private static final int REQUESTS = 40;
    private static final int FOR_SUPPORT = 10;
    private static final int NOISE = 10;
    private static final Map<String, String> FAST = Map.of(
            // A standby node tries to take over every 200 ms (production: seconds).
            "dsr.intake.leader-check-ms", "200",
            // The route controller retries a route that failed to start within 200 ms (production: 5 s): a
            // node that lost the lead must stay stopped through its retries.
            "camel.routecontroller.back-off-delay", "200",
            "dsr.intake.flood.max-requests-per-hour", "1000");

    private RunningPipeline nodeA;
    private RunningPipeline nodeB;

    @BeforeEach
    void startTwoNodes() {
        Map<String, String> a = new LinkedHashMap<>(FAST);
        a.put("dsr.node.name", "node-a");
        nodeA = RunningPipeline.start(a);
        nodeB = RunningPipeline.startBeside(nodeA, Map.of("dsr.node.name", "node-b"));
    }

    @AfterEach
    void stopBoth() {
        nodeB.close();
        nodeA.close();
    }

    @Test
    void twoNodesFileEveryMailInExactlyOneFolderAndOnlyOneReadsTheMailbox() {
        Map<String, String> expected = deliver(mails("both"));
        awaitFiled(expected, nodeA);
        assertEachMailFiledOnce(expected, nodeA);

        RunningPipeline leader = awaitOneLeader();
        RunningPipeline standby = leader == nodeA ? nodeB : nodeA;
        // The standby node is ready (it serves callbacks, timers, the outbox): standing by is no fault.
        RunningPipeline.Health ready = standby.health("/observe/health/ready?data=true");
        assertEquals(200, ready.status(), "the standby node is ready: " + ready.body());
        JsonNode check = ready.check("intake-leader");
        assertTrue(check != null && check.path("status").asText().equals("UP"), ready.body());
        assertEquals(false, check.path("data").path("leader").asBoolean(true), ready.body());
        assertEquals(name(standby), check.path("data").path("node").asText(), ready.body());
        assertTrue(ready.message("intake-leader").contains(name(leader)), "names the reading node: " + ready.body());
        assertEquals(200, leader.health("/observe/health/ready").status(), "the reading node is ready");
    }

    @Test
    void whenTheReadingNodeLosesItsLockConnectionMidRunTheOtherTakesOver() {
        RunningPipeline leader = awaitOneLeader();
        RunningPipeline standby = leader == nodeA ? nodeB : nodeA;
        Map<String, String> expected = deliver(mails("cut"));
        await("the reading node is half-way", WAIT, () -> nodeA.count("select count(*) from inbound_message") >= 15);
        // What a store restart or a cut network does to the reading node's lock connection alone.
        int cut = nodeA.count("select count(*) filter (where pg_terminate_backend(pid)) from pg_locks where locktype ="
                + " 'advisory' and granted and database = (select oid from pg_database where datname = current_database())");
        assertEquals(1, cut, "the reading node's lock connection was cut");
        await(name(standby) + " reads the mailbox", WAIT, () -> leads(standby) && !leads(leader));

        awaitFiled(expected, nodeA);
        assertEachMailFiledOnce(expected, nodeA);
        assertEquals(standby, awaitOneLeader(), "one node reads the mailbox, the one that took over");
        // The node that lost the lead stays stopped: neither the route controller nor its own checks start it again.
        standby.awaitPolls("intake-mailbox", 10, WAIT);
        assertEquals(ServiceStatus.Stopped, leader.context().getRouteController().getRouteStatus("intake-mailbox"));
        assertEquals(200, leader.health("/observe/health/ready").status(), "standing by, and ready");
    }

    @Test
    void whenTheReadingNodeStopsMidRunTheOtherTakesOver() {
        RunningPipeline leader = awaitOneLeader();
        RunningPipeline standby = leader == nodeA ? nodeB : nodeA;
        Map<String, String> expected = deliver(mails("stop"));
        await("the reading node is half-way", WAIT, () -> nodeA.count("select count(*) from inbound_message") >= 15);
        leader.stopCamel();
        await(name(standby) + " reads the mailbox", WAIT, () -> leads(standby));

        awaitFiled(expected, standby);
        assertEachMailFiledOnce(expected, standby);
    }

    /** Requests (each from its own sender), mail for the support team and automatic replies, mixed. */
    private static List<TestMail> mails(String run) {
        List<TestMail> out = new ArrayList<>();
        for (int i = 0; i < REQUESTS + FOR_SUPPORT + NOISE; i++) {
            if (i % 6 == 4 && out.stream().filter(m -> m.messageId().startsWith("support")).count() < FOR_SUPPORT) {
                out.add(mail().messageId("support-" + run + i + "@client.example.kz").from("order-" + run + i + "@example.kz")
                        .subject("Заказ").body("Здравствуйте, где мой заказ? Жду уже два часа."));
            } else if (i % 6 == 5 && out.stream().filter(m -> m.messageId().startsWith("noise")).count() < NOISE) {
                out.add(mail().messageId("noise-" + run + i + "@client.example.kz").from("robot-" + run + i + "@example.kz")
                        .subject("Automatic reply: Delete my data").body("I am out of office until Monday.")
                        .header("Auto-Submitted", "auto-replied"));
            } else {
                out.add(mail().messageId("request-" + run + i + "@client.example.kz").from("user-" + run + i + "@example.kz")
                        .subject("Delete my account").body("Please delete my account " + i + " and all my data."));
            }
        }
        return out;
    }

    /** Puts the mails in the inbox; the folder each belongs in, by Message-ID. */
    private Map<String, String> deliver(List<TestMail> mails) {
        Map<String, String> expected = new LinkedHashMap<>();
        for (TestMail m : mails) {
            expected.put(m.messageId(), m.messageId().startsWith("support") ? "Support" : "Processed");
            nodeA.deliver(m.bytes());
        }
        assertEquals(REQUESTS + FOR_SUPPORT + NOISE, expected.size());
        return expected;
    }

    private static void awaitFiled(Map<String, String> expected, RunningPipeline any) {
        await("every mail out of the inbox and recorded", WAIT, () -> any.folderCount("INBOX") == 0
                && any.count("select count(*) from inbound_message where disposition <> 'PENDING'") == expected.size());
    }

    private static void assertEachMailFiledOnce(Map<String, String> expected, RunningPipeline any) {
        Map<String, List<String>> folders = any.foldersOfEachMail();
        List<String> wrong = new ArrayList<>();
        expected.forEach((id, folder) -> {
            if (!List.of(folder).equals(folders.get(id))) {
                wrong.add(id + " in " + folders.get(id) + " (expected " + folder + ")");
            }
        });
        assertEquals(List.of(), wrong, "every mail in exactly its one folder");
        assertEquals(expected.size(), any.folderCount("Processed") + any.folderCount("Support")
                + any.folderCount("Failed"), "as many copies as mails");
        assertEquals(REQUESTS + NOISE, any.folderCount("Processed"));
        assertEquals(FOR_SUPPORT, any.folderCount("Support"));
        assertEquals(0, any.folderCount("Failed"));
        assertEquals(List.of(), any.store().queryForList("select error from dead_letter", String.class),
                "no dead letter for a mail that was handled");
        assertEquals(REQUESTS, any.count("select count(*) from request"), "one request per request mail");
        assertEquals(REQUESTS, any.count("select count(distinct requester_email) from request"));
        assertEquals(REQUESTS, any.count("select count(*) from outbox where event_key like 'ack:%'"),
                "one acknowledgement per request");
        await("every acknowledgement sent", WAIT, () -> any.count(
                "select count(*) from outbox where event_key like 'ack:%' and status = 'SENT'") == REQUESTS);
        assertEquals(REQUESTS, any.count("select count(distinct request_id) from outbox where event_key like 'ack:%'"));
    }

    /** Waits until exactly one of the running nodes says it reads the mailbox (health and metric); returns it. */
    private RunningPipeline awaitOneLeader() {
        List<RunningPipeline> running = new ArrayList<>();
        for (RunningPipeline n : List.of(nodeA, nodeB)) {
            if (n.context().isStarted()) {
                running.add(n);
            }
        }
        await("exactly one node reads the mailbox", WAIT, () -> running.stream().filter(this::leads).count() == 1);
        RunningPipeline leader = running.stream().filter(this::leads).findFirst().orElseThrow();
        for (RunningPipeline n : running) {
            double gauge = n.scrapeMetrics().value("dsr_intake_leader", Map.of("node", name(n))).orElse(-1.0);
            assertEquals(n == leader ? 1.0 : 0.0, gauge, "dsr_intake_leader of " + name(n));
        }
        return leader;
    }

    /** What the node's health says: it reads the mailbox. */
    private boolean leads(RunningPipeline node) {
        if (!node.context().isStarted()) {
            return false;
        }
        JsonNode check = node.health("/observe/health?data=true").check("intake-leader");
        return check != null && check.path("data").path("leader").asBoolean(false);
    }

    private static String name(RunningPipeline node) {
        return node.settings().get("dsr.node.name");
    }
}
