package kz.dsr.processors;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import kz.dsr.demo.DemoCa;

/**
 * Processors files for tests (the common OpenDSR processor, written where the pipeline reads it), and
 * the test CA that issues the local processors' signing certificates: made once per test JVM, trusted by
 * the pipeline through {@link #trustStore()} only.
 */
public final class TestProcessors {

    private static final DemoCa CA = DemoCa.create("dsr-pipeline test CA");
    private static final Map<String, DemoCa.Identity> IDENTITIES = new ConcurrentHashMap<>();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static Path trustStore;

    private TestProcessors() {
    }

    static DemoCa ca() {
        return CA;
    }

    /** The test CA's certificate as a PEM file (dsr.processors.trust-store). */
    static synchronized Path trustStore() {
        if (trustStore == null) {
            trustStore = CA.writeTrustStore(Path.of("target", "processors-files", "test-ca-" + UUID.randomUUID() + ".pem"));
        }
        return trustStore;
    }

    /** The EC signing identity the test CA issued for {@code domain} (one per domain and JVM). */
    public static DemoCa.Identity identity(String domain) {
        return IDENTITIES.computeIfAbsent(domain, d -> CA.issue(d, "EC"));
    }

    /**
     * Settings with the processors file, the test CA as the trust store, and discovery asked again at
     * once after a failed signature (a rotation is seen on the next callback).
     */
    public static Map<String, String> settings(Path processorsFile) {
        Map<String, String> s = new HashMap<>();
        s.put("dsr.processors.file", processorsFile.toString());
        s.put("dsr.processors.trust-store", trustStore().toString());
        s.put("dsr.processors.certificate-retry-seconds", "0");
        // What processors echo in status_callback_url (a callback naming another endpoint is refused).
        s.put("dsr.processors.callback-url", "https://dsr.test/opendsr/callback");
        return s;
    }

    /**
     * An OpenDSR processor receiving erasures, told the sha256 of the e-mail, at {@code url}, signing as
     * {@code name}.test (unless a {@code domain:} line is among {@code extra}); each of {@code extra} is one
     * more key line of it ("auth: {...}", "poll-minutes: 60").
     */
    public static String openDsr(String name, Object url, String... extra) {
        StringBuilder yaml = new StringBuilder("""
                  - name: %s
                    kind: opendsr
                    types: [ERASURE]
                    confirm-within-days: 14
                    identities:
                      - { from: email, type: email, format: sha256 }
                    url: %s
                """.formatted(name, url));
        if (java.util.Arrays.stream(extra).noneMatch(l -> l.startsWith("domain:"))) {
            yaml.append("    domain: ").append(name).append(".test\n");
        }
        for (String line : extra) {
            yaml.append("    ").append(line).append('\n');
        }
        return yaml.toString();
    }

    /** A processors file holding these processor blocks, under target/, a new file each call. */
    public static Path file(String... processors) {
        try {
            Path file = Files.createDirectories(Path.of("target", "processors-files"))
                    .resolve("processors-" + UUID.randomUUID() + ".yaml");
            Files.writeString(file, "processors:\n" + String.join("", processors));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An OpenDSR status callback body for our endpoint {@code callbackUrl}. */
    static String status(UUID id, String status, String callbackUrl) {
        return "{\"controller_id\": \"dsr-test\", \"expected_completion_time\": \"2026-12-20T10:00:00Z\","
                + " \"status_callback_url\": \"" + callbackUrl + "\", \"subject_request_id\": \"" + id + "\","
                + " \"request_status\": \"" + status + "\"}";
    }

    /**
     * POSTs {@code body} to the callback endpoint as a processor does: JSON, naming {@code domain} in the
     * {@code family}'s headers, with {@code signature} (none when null).
     */
    static HttpResponse<String> callback(URI endpoint, String family, String domain, String signature, String body) {
        HttpRequest.Builder r = HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("X-" + family + "-Processor-Domain", domain)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.getBytes(StandardCharsets.UTF_8)));
        if (signature != null) {
            r.header("X-" + family + "-Signature", signature);
        }
        try {
            return HTTP.send(r.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A callback signed by {@code identity} over exactly {@code body}, in the OpenCompliance headers. */
    static HttpResponse<String> signed(URI endpoint, DemoCa.Identity identity, String body) {
        return callback(endpoint, "OpenCompliance", identity.domain(),
                identity.sign(body.getBytes(StandardCharsets.UTF_8)), body);
    }

    /**
     * A request of this type carried out now: its row, its processors' tasks and their notices in one
     * transaction, as the execution writes them; asserts how many tasks were opened.
     */
    static kz.dsr.store.RequestStore.Request tell(kz.dsr.testing.RunningPipeline pipeline,
            kz.dsr.request.RequestType type, SubjectIdentities identities, int expectedTasks) {
        var registry = pipeline.context().getRegistry();
        javax.sql.DataSource store = registry.lookupByNameAndType("dsrStore", javax.sql.DataSource.class);
        ProcessorTasks tasks = registry.lookupByNameAndType("processorTasks", ProcessorTasks.class);
        var tx = new org.springframework.transaction.support.TransactionTemplate(registry.lookupByNameAndType(
                "transactionManager", org.springframework.jdbc.datasource.DataSourceTransactionManager.class));
        return tx.execute(status -> {
            var r = new kz.dsr.store.RequestStore(new org.springframework.jdbc.core.JdbcTemplate(store)).open(type,
                    kz.dsr.request.RequestStatus.AWAITING_PROCESSORS, "ru", identities.email().orElse(null),
                    java.time.Instant.now(), java.time.LocalDate.now().plusDays(30), 1.0, false, Map.of());
            org.junit.jupiter.api.Assertions.assertEquals(expectedTasks,
                    tasks.open(r, tasks.receiving(r, java.util.Set.of()), identities, Map.of()));
            return r;
        });
    }
}
