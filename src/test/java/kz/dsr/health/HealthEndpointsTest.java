package kz.dsr.health;

import static kz.dsr.testing.RunningPipeline.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import kz.dsr.testing.RunningPipeline;
import kz.dsr.testing.RunningPipeline.Health;
import kz.dsr.testing.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a Kubernetes probe or an operator's curl sees on the management port: every check of the
 * pipeline on /ready, only "is this process alive" on /live, and a database outage that takes the
 * pipeline out of service (ready 503) without getting it killed (live 200) — and back in once over.
 */
class HealthEndpointsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final List<String> OURS = List.of("store", "app-db", "smtp", "mailbox", "intake-leader", "datamap", "processors");
    private static RunningPipeline pipeline;

    @BeforeAll
    static void start() {
        pipeline = RunningPipeline.start();
        await("the pipeline is ready", WAIT, () -> pipeline.health("/observe/health/ready").status() == 200);
    }

    @AfterAll
    static void stop() {
        pipeline.close();
    }

    @Test
    void readyListsEveryCheckAndLiveOnlyWhatProvesTheProcessAlive() {
        Health ready = pipeline.health("/observe/health/ready");
        assertEquals(200, ready.status(), ready.body());
        assertEquals("UP", ready.json().path("status").asText(), ready.body());
        for (String check : OURS) {
            assertEquals("UP", ready.state(check), check + " in " + ready.body());
            assertFalse(ready.message(check).isBlank(), "a one-line message for " + check + ": " + ready.body());
        }
        assertEquals("UP", ready.state("consumer:intake-mailbox"), ready.body());

        Health live = pipeline.health("/observe/health/live");
        assertEquals(200, live.status(), live.body());
        assertEquals("UP", live.state("context"), live.body());
        for (String check : OURS) {
            assertEquals("absent", live.state(check), "a readiness check is not a liveness check: " + live.body());
        }
        assertEquals("absent", live.state("consumer:intake-mailbox"), live.body());
    }

    @Test
    void aStoreOutageMakesThePipelineNotReadyButKeepsItAliveUntilTheStoreIsBack() throws Exception {
        String database = databaseOf(pipeline.settings().get("dsr.store.url"));
        outage(database, "store");
    }

    @Test
    void anAppDatabaseOutageMakesThePipelineNotReadyButKeepsItAliveUntilItIsBack() throws Exception {
        String database = databaseOf(pipeline.settings().get("dsr.app-db.url"));
        outage(database, "app-db");
    }

    private static void outage(String database, String check) throws Exception {
        allowConnections(database, false);
        try {
            await(check + " reported DOWN", WAIT, () -> "DOWN".equals(pipeline.health("/observe/health/ready").state(check)));
            Health ready = pipeline.health("/observe/health/ready");
            assertEquals(503, ready.status(), ready.body());
            assertEquals("DOWN", ready.json().path("status").asText(), ready.body());
            String message = ready.message(check);
            assertTrue(message.contains(database) && message.contains("not currently accepting connections"),
                    "says which database and what is wrong: " + message);
            assertFalse(message.contains("password=") || message.contains("postgres:postgres"), message);

            Health live = pipeline.health("/observe/health/live");
            assertEquals(200, live.status(), "a database outage must not get the pod killed: " + live.body());
        } finally {
            allowConnections(database, true);
        }
        await("ready again once " + check + " is back", WAIT,
                () -> pipeline.health("/observe/health/ready").status() == 200);
        assertEquals("UP", pipeline.health("/observe/health/ready").state(check));
    }

    static String databaseOf(String jdbcUrl) {
        String path = jdbcUrl.substring(jdbcUrl.lastIndexOf('/') + 1);
        int query = path.indexOf('?');
        return query < 0 ? path : path.substring(0, query);
    }

    /** The database refuses (or again accepts) new connections, and the open ones are cut: an outage of it. */
    static void allowConnections(String database, boolean allowed) throws Exception {
        try (Connection c = TestServers.get().postgres().getPostgresDatabase().getConnection();
             Statement s = c.createStatement()) {
            s.execute("alter database " + database + " allow_connections " + allowed);
            if (!allowed) {
                s.execute("select pg_terminate_backend(pid) from pg_stat_activity where datname = '" + database + "'");
            }
        }
    }
}
