package kz.dsr.cluster;

import static kz.dsr.testing.RunningPipeline.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import kz.dsr.testing.TestServers;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The store's advisory lock that decides which node reads the support mailbox, against a real
 * PostgreSQL: one node gets it, the other is refused and learns who holds it, and when the holder's
 * connection dies (a store restart, a killed process, a cut network) the holder knows it lost the lock
 * and the other node takes it.
 */
class LeadershipTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration EVERY = Duration.ofMillis(100);
    private static String url;
    private static JdbcTemplate admin;

    @BeforeAll
    static void database() {
        url = TestServers.get().newDatabase("leadership");
        admin = new JdbcTemplate(TestServers.get().dataSource(url));
    }

    @Test
    void theLockIsTakenByOneRefusedToTheOtherAndFreedWhenItsConnectionIsTerminated() throws Exception {
        try (AdvisoryLock first = new AdvisoryLock(url, "postgres", "postgres", "node-1", AdvisoryLock.INTAKE_MAILBOX);
                AdvisoryLock second = new AdvisoryLock(url, "postgres", "postgres", "node-2", AdvisoryLock.INTAKE_MAILBOX)) {
            assertTrue(first.tryTake(), "the first node takes the free lock");
            assertTrue(first.stillHeld(), "and holds it");
            assertFalse(second.tryTake(), "the second node is refused");
            assertEquals(Optional.of("node-1"), second.holder(), "and learns which node holds it");
            assertTrue(first.tryTake(), "taking it again while holding it is no harm");

            assertEquals(1, terminateHolder());
            assertFalse(first.stillHeld(), "the holder knows its connection, and with it the lock, is gone");
            assertTrue(second.tryTake(), "the second node takes it now");
            assertEquals(Optional.of("node-2"), first.holder());
            assertFalse(first.tryTake(), "the first node, connected again, is refused");
        }
    }

    @Test
    void aStandingByNodeTakesOverWithinAFewChecksWhenTheLeadersConnectionDies() throws Exception {
        List<String> changes = new CopyOnWriteArrayList<>();
        try (Leadership one = leadership("node-1", changes); Leadership two = leadership("node-2", changes)) {
            one.start();
            two.start();
            await("one node leads", WAIT, () -> one.leads() ^ two.leads());
            Leadership leader = one.leads() ? one : two;
            Leadership standby = leader == one ? two : one;
            await("the standby node knows who leads", WAIT, () -> standby.leader().equals(Optional.of(leader.node())));
            assertEquals(Optional.of(leader.node()), leader.leader());

            assertEquals(1, terminateHolder());
            assertFalse(leader.stillLeads(), "the leader learns at once that it lost the lock");
            assertFalse(leader.leads());
            await("the other node took over", WAIT, () -> standby.leads());
            await("the old leader knows who leads now", WAIT, () -> leader.leader().equals(Optional.of(standby.node())));
            assertFalse(leader.leads(), "one leader at a time");
            await("each node was told of its own changes, in order", WAIT, () -> changes.stream()
                    .filter(c -> c.startsWith(leader.node())).toList().equals(List.of(leader.node() + " leads",
                            leader.node() + " lost")));
            assertEquals(List.of(standby.node() + " leads"), changes.stream().filter(c -> c.startsWith(standby.node()))
                    .toList());

            standby.close();
            await("the lock of a node that stops is free at once", WAIT, () -> leader.leads());
        }
    }

    private Leadership leadership(String node, List<String> changes) {
        Leadership l = new Leadership(new AdvisoryLock(url, "postgres", "postgres", node, AdvisoryLock.INTAKE_MAILBOX),
                node, "the support mailbox", EVERY);
        l.onChange(leads -> changes.add(node + (leads ? " leads" : " lost")));
        return l;
    }

    /** What a store restart does to the lock holder's connection alone: terminates it. */
    private static int terminateHolder() {
        return admin.queryForObject("select count(*) filter (where pg_terminate_backend(pid)) from pg_locks where"
                + " locktype = 'advisory' and granted and database = (select oid from pg_database where datname ="
                + " current_database())", Integer.class);
    }
}
