package kz.dsr.demo;

import static kz.dsr.testing.RunningPipeline.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import kz.dsr.testing.RunningPipeline;
import kz.dsr.testing.TestServers;
import org.junit.jupiter.api.Test;

/**
 * What {@code demo --keep-running} tells its user to look at, beside the store and the mailbox: the
 * health checks and the metrics of the management server, at the address the pipeline really serves
 * them on. A user copies a URL from the output into curl or a browser: each one must answer.
 */
class DemoWhereToLookTest {

    private static final Pattern URL = Pattern.compile("http://\\S+");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void theDemoPrintsTheHealthAndMetricsUrlsAndEachAnswers() throws Exception {
        try (RunningPipeline pipeline = RunningPipeline.start()) {
            List<String> printed = DemoCommand.whereToLook(pipeline.context(), pipeline.settings().get("dsr.store.url"),
                    TestServers.get().imapPort());
            String text = String.join("\n", printed);
            List<String> urls = new ArrayList<>();
            for (Matcher m = URL.matcher(text); m.find();) {
                urls.add(m.group());
            }
            String management = "http://127.0.0.1:" + pipeline.managementPort() + "/observe";
            assertEquals(List.of(management + "/health/live", management + "/health/ready", management + "/metrics"),
                    urls, "the management server's URLs, as printed:\n" + text);
            assertTrue(text.contains("imap://127.0.0.1:" + TestServers.get().imapPort()), "the mailbox still: " + text);

            assertEquals(200, get(urls.get(0)).statusCode(), "live answers");
            await("ready answers UP", Duration.ofSeconds(30), () -> get(urls.get(1)).statusCode() == 200);
            HttpResponse<String> metrics = get(urls.get(2));
            assertEquals(200, metrics.statusCode());
            assertTrue(metrics.body().contains("dsr_outbox_backlog"), "the pipeline's own figures are served");
        }
    }

    private static HttpResponse<String> get(String url) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
