package kz.dsr.processors;

import kz.dsr.secrets.Hmac;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import kz.dsr.store.Outbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls a processor's API with one outbox message (channel HTTP): OpenDSR {@code POST {url}/requests},
 * or the custom {@code {method} {url}}, with the message's idempotency key on every attempt (a retry
 * after a lost answer does not open a second request at the processor). Its answer moves the
 * processor's task: a 2xx delivers; 408, 429, 5xx, no answer or a timeout is retried; any other 4xx is
 * a refusal for good (no retry; the operator is told with the processor's answer).
 */
public final class ProcessorClient {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessorClient.class);
    /** What is kept of a processor's answer (shown to the operator on a refusal). */
    private static final int MAX_ANSWER_BYTES = 64 * 1024;

    private final Processors processors;
    private final ProcessorTasks tasks;
    private final Outbox outbox;
    /** One client per processor, built on its first call: its own connect timeout and connections. */
    private final Map<String, HttpClient> clients = new ConcurrentHashMap<>();

    public ProcessorClient(Processors processors, ProcessorTasks tasks, Outbox outbox) {
        this.processors = processors;
        this.tasks = tasks;
        this.outbox = outbox;
    }

    /**
     * Delivers the message and returns the processor's 2xx status, or throws what the relay does next. A
     * refusal has been handled (message given up, task REFUSED, operator told) when
     * {@link DeliveryFailure.Next#GIVEN_UP} is thrown. A 2xx moves nothing here: the relay records it
     * with the message's mark ({@link ProcessorTasks#left}), so a store lost after the call does not
     * make the call again.
     */
    public int deliver(Outbox.Item item) throws DeliveryFailure {
        String name = item.mail().recipient();
        String reference = item.mail().reference();
        DataProcessor p = processors.byName(name).filter(x -> x.http().isPresent()).orElse(null);
        if (p == null) {
            String reason = "request " + reference + ": processor '" + name + "' is not an OpenDSR or HTTP processor"
                    + " of the processors file (removed or renamed since the request was executed?); the call is"
                    + " given up (the identities it held were removed with it). Restore it in the processors file"
                    + " if it was removed by mistake, settle the request with the processor and close the request";
            outbox.giveUp(item, reason);
            LOG.error("Outbox message {}: {}", item.id(), reason);
            throw DeliveryFailure.givenUp(reason);
        }
        DataProcessor.Http http = p.http().get();
        byte[] body = item.mail().body().getBytes(StandardCharsets.UTF_8);
        HttpResponse<InputStream> response;
        String answer;
        try {
            response = client(p).send(request(p, http, item.mail().messageId(), body),
                    HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = response.body()) {
                answer = new String(in.readNBytes(MAX_ANSWER_BYTES), StandardCharsets.UTF_8);
            }
        } catch (HttpTimeoutException e) {
            boolean connecting = e instanceof java.net.http.HttpConnectTimeoutException;
            throw DeliveryFailure.retry(who(p, reference) + (connecting ? " could not be connected to within "
                    : " did not answer within ") + (connecting ? http.connectTimeout() : http.responseTimeout())
                    .toMillis() + " ms (retried with the same idempotency key; if this lasts, check the processor's"
                    + " status, or raise its timeout in the processors file)");
        } catch (ConnectException e) {
            throw DeliveryFailure.retry(who(p, reference) + " could not be reached: " + e.getMessage()
                    + " (retried; if this lasts, check its url in the processors file and the network)");
        } catch (IOException e) {
            throw DeliveryFailure.retry(who(p, reference) + ": the call failed with " + e.getClass().getSimpleName()
                    + " " + e.getMessage() + " (retried with the same idempotency key)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw DeliveryFailure.retry(who(p, reference) + ": the call was interrupted, the pipeline is stopping"
                    + " (retried with the same idempotency key)");
        }
        int status = response.statusCode();
        if (status / 100 == 2) {
            return status;
        } else if (status == 408 || status == 429 || status >= 500) {
            throw DeliveryFailure.retry(who(p, reference) + " answered HTTP " + status + " (retried with the same"
                    + " idempotency key; if this lasts, check the processor's status page or ask it)");
        } else {
            String reason = who(p, reference) + " refused the call for good with HTTP " + status + ": not retried."
                    + " The operator was mailed the processor's answer; fix the cause (auth secret? identities?"
                    + " url?) and settle the request with the processor";
            outbox.giveUp(item, reason);
            tasks.refused(item, status, answer);
            LOG.warn("Outbox message {}: {}", item.id(), reason);
            throw DeliveryFailure.givenUp(reason);
        }
    }

    private static String who(DataProcessor p, String reference) {
        return "Processor " + p.name() + " (request " + reference + ")";
    }

    /** The processor's client (deliveries and status polls share it). */
    HttpClient client(DataProcessor p) {
        return clients.computeIfAbsent(p.name(), n -> HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(p.http().get().connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build());
    }

    private static HttpRequest request(DataProcessor p, DataProcessor.Http http, String idempotencyKey, byte[] body) {
        URI url = p.kind() == DataProcessor.Kind.OPENDSR ? URI.create(stripSlash(http.url().toString()) + "/requests")
                : http.url();
        HttpRequest.Builder b = HttpRequest.newBuilder(url)
                .timeout(http.responseTimeout())
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", idempotencyKey)
                .method(http.method(), HttpRequest.BodyPublishers.ofByteArray(body));
        authenticate(b, http.auth(), body);
        return b.build();
    }

    /** Our call's credentials as the processors file says; for hmac, the signature of {@code body}. */
    static void authenticate(HttpRequest.Builder request, DataProcessor.Auth auth, byte[] body) {
        switch (auth.scheme()) {
            case NONE -> { }
            case BEARER -> request.header("Authorization", "Bearer " + auth.token());
            case BASIC -> request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                    (auth.username() + ":" + auth.password()).getBytes(StandardCharsets.UTF_8)));
            case HMAC -> request.header(auth.header(), Hmac.sign(auth.token(), body));
        }
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
