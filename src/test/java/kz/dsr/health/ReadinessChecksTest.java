package kz.dsr.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import kz.dsr.processors.CircuitBreakers;
import kz.dsr.processors.DataProcessor;
import kz.dsr.processors.Processors;
import kz.dsr.request.RequestType;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

/**
 * The checks that protect the servers they probe, and the one that reports a degraded pipeline as
 * ready: a burst of probes reaches the mail server once, a server that hangs costs a probe its timeout
 * and no pile of connections, an open circuit is named but keeps the pipeline in service.
 */
class ReadinessChecksTest {

    private static HealthCheck.Result call(ReadinessCheck check) {
        check.setCamelContext(new DefaultCamelContext());
        return check.call(Map.of(HealthCheck.CHECK_KIND, HealthCheck.Kind.READINESS));
    }

    @Test
    void aBurstOfProbesReachesTheSmtpServerOnce() throws Exception {
        try (SmtpListener server = new SmtpListener(true);
             SmtpCheck check = new SmtpCheck("smtp", "127.0.0.1", server.port(), Duration.ofSeconds(2),
                     Duration.ofSeconds(30), Clock.systemUTC())) {
            ExecutorService probes = Executors.newFixedThreadPool(10);
            List<Future<HealthCheck.Result>> results = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                results.add(probes.submit(() -> call(check)));
            }
            for (Future<HealthCheck.Result> r : results) {
                assertEquals(HealthCheck.State.UP, r.get().getState(), r.get().getMessage().orElse(""));
            }
            probes.shutdown();
            assertEquals(1, server.connections(), "20 probes within the reuse period, one connection");
            assertTrue(call(check).getMessage().orElse("").contains("127.0.0.1:" + server.port() + " (smtp) answers"));
        }
    }

    @Test
    void anSmtpServerThatNeverAnswersIsDownWithinTheTimeoutAndIsNotAskedTwiceMeanwhile() throws Exception {
        try (SmtpListener server = new SmtpListener(false);
             SmtpCheck check = new SmtpCheck("smtp", "127.0.0.1", server.port(), Duration.ofMillis(500),
                     Duration.ZERO, Clock.systemUTC())) {
            long start = System.nanoTime();
            HealthCheck.Result first = call(check);
            assertTrue(Duration.ofNanos(System.nanoTime() - start).toMillis() < 2000, "a probe costs about its timeout");
            assertEquals(HealthCheck.State.DOWN, first.getState());
            String message = first.getMessage().orElse("");
            assertTrue(message.contains("the SMTP server 127.0.0.1:" + server.port() + " (smtp) does not answer")
                    && message.contains("dsr.mail.smtp.host"), message);
            // The connection waits twice a caller's timeout; until it gives up, no second connection.
            HealthCheck.Result second = call(check);
            assertEquals(HealthCheck.State.DOWN, second.getState());
            assertEquals(1, server.connections(), "no pile of connections to a server that hangs");
        }
    }

    @Test
    void aClosedSmtpPortIsDownWithTheReason() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        try (SmtpCheck check = new SmtpCheck("smtp", "127.0.0.1", closed, Duration.ofSeconds(2), Duration.ZERO,
                Clock.systemUTC())) {
            HealthCheck.Result result = call(check);
            assertEquals(HealthCheck.State.DOWN, result.getState());
            assertTrue(result.getMessage().orElse("").contains("Connection refused"), result.getMessage().orElse(""));
        }
    }

    @Test
    void anOpenCircuitIsNamedButKeepsThePipelineReady() {
        CircuitBreakers breakers = new CircuitBreakers(2, Duration.ofMinutes(5), Clock.systemUTC());
        CircuitsCheck check = new CircuitsCheck(new Processors(List.of(processor("paybox"), processor("appmetrica"))),
                breakers);
        HealthCheck.Result closed = call(check);
        assertEquals(HealthCheck.State.UP, closed.getState());
        assertTrue(closed.getMessage().orElse("").contains("closed"), closed.getMessage().orElse(""));

        breakers.failed("paybox");
        breakers.failed("paybox");
        HealthCheck.Result open = call(check);
        assertEquals(HealthCheck.State.UP, open.getState(), "degraded, still in service");
        assertTrue(open.getMessage().orElse("").contains("degraded: the circuit of paybox is open"),
                open.getMessage().orElse(""));
        assertEquals("paybox", open.getDetails().get("open.circuits"));
    }

    private static DataProcessor processor(String name) {
        return new DataProcessor(name, name, DataProcessor.Kind.EMAIL, Set.of(RequestType.ERASURE), List.of(),
                Duration.ofDays(10), List.of(), Optional.empty(), Optional.empty(), Optional.empty(), Duration.ZERO, 1);
    }

    /** A local SMTP server that counts connections; one that never greets, if asked (a hanging server). */
    private static final class SmtpListener implements AutoCloseable {
        private final ServerSocket socket;
        private final AtomicInteger connections = new AtomicInteger();
        private final List<Socket> open = new java.util.concurrent.CopyOnWriteArrayList<>();

        SmtpListener(boolean answers) throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread accept = new Thread(() -> {
                while (!socket.isClosed()) {
                    try {
                        Socket client = socket.accept();
                        connections.incrementAndGet();
                        open.add(client);
                        if (answers) {
                            new Thread(() -> converse(client)).start();
                        }
                    } catch (IOException closed) {
                        return;
                    }
                }
            });
            accept.setDaemon(true);
            accept.start();
        }

        private static void converse(Socket client) {
            try (client; BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(),
                    StandardCharsets.US_ASCII)); OutputStream out = client.getOutputStream()) {
                out.write("220 test ESMTP\r\n".getBytes(StandardCharsets.US_ASCII));
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    if (line.toUpperCase().startsWith("QUIT")) {
                        out.write("221 bye\r\n".getBytes(StandardCharsets.US_ASCII));
                        return;
                    }
                    out.write("250 test\r\n".getBytes(StandardCharsets.US_ASCII));
                }
            } catch (IOException gone) {
                // The client hung up.
            }
        }

        int port() {
            return socket.getLocalPort();
        }

        int connections() {
            return connections.get();
        }

        @Override
        public void close() throws IOException {
            socket.close();
            for (Socket s : open) {
                s.close();
            }
        }
    }
}
