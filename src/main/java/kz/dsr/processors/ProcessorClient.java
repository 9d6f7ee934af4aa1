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
 * Calls a processor's API with one outbox message (channel HTTP): OpenDSR {@code POST {url}{request path}},
 * or the custom {@code {method} {url}}, with the message's idempotency key on every attempt (a retry
 * after a lost answer does not open a second request at the processor). Its answer moves the
 * processor's task: a 2xx delivers; 408, 429, 5xx, no answer or a timeout is retried; any other 4xx is
 * a refusal for good (no retry; the operator is told with the processor's answer).
 *
 * <p>An OpenDSR processor's 2xx counts only when signed (§7.3–7.4): its domain header names the
 * processor's allow-listed domain and the signature verifies over the raw body with its certificate,
 * and the body names our subject_request_id. Anything else is not a delivery — it is retried, and
 * escalated when the attempts are used — since anyone on the path could have written it. Its
 * {@code encoded_request} (our request, identities and all) is never logged or stored.
 */
public final class ProcessorClient {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessorClient.class);
    /** What is kept of a processor's answer (shown to the operator on a refusal). */
    private static final int MAX_ANSWER_BYTES = 64 * 1024;

    private final Processors processors;
    private final ProcessorTasks tasks;
    private final Outbox outbox;
    private final ProcessorCertificates certificates;
    /** One client per processor, built on its first call: its own connect timeout and connections. */
    private final Map<String, HttpClient> clients = new ConcurrentHashMap<>();

    public ProcessorClient(Processors processors, ProcessorTasks tasks, Outbox outbox,
            ProcessorCertificates certificates) {
        this.processors = processors;
        this.tasks = tasks;
        this.outbox = outbox;
        this.certificates = certificates;
    }

    /**
     * What the processor's API answered a call it took: its 2xx status, what the answer told beside it (an
     * OpenDSR answer's ids and dates, for the timeline), and whether the call settled its task already (a
     * cancellation's answer is recorded when it comes; a request's moves the task with the message's mark).
     */
    public record Delivered(int status, Map<String, Object> details, boolean settled) {
    }

    /**
     * Delivers the message and returns what the processor answered, or throws what the relay does next. A
     * refusal has been handled (message given up, task REFUSED, operator told) when
     * {@link DeliveryFailure.Next#GIVEN_UP} is thrown. A 2xx moves nothing here: the relay records it
     * with the message's mark ({@link ProcessorTasks#left}), so a store lost after the call does not
     * make the call again.
     */
    public Delivered deliver(Outbox.Item item) throws DeliveryFailure {
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
        if (p.kind() == DataProcessor.Kind.OPENDSR && Notices.OPENDSR_CANCEL.equals(item.mail().subject())) {
            return cancel(p, http, item);
        }
        byte[] body = item.mail().body().getBytes(StandardCharsets.UTF_8);
        HttpResponse<InputStream> response;
        byte[] raw;
        try {
            response = client(p).send(request(p, http, item.mail().messageId(), body),
                    HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = response.body()) {
                raw = in.readNBytes(MAX_ANSWER_BYTES);
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
        String answer = OpenDsrAnswers.withoutEncodedRequest(raw);
        if (status / 100 == 2 && p.kind() == DataProcessor.Kind.OPENDSR) {
            return new Delivered(status, signedAnswer(p, item, response, raw), false);
        } else if (status / 100 == 2) {
            return new Delivered(status, Map.of(), false);
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

    /**
     * §9: {@code DELETE {url}{request path}/{id}}. A signed 2xx confirms, 404 means it never had it; 408,
     * 429, 5xx, no answer or a badly signed 2xx is retried; another 4xx is its refusal (it started on the
     * request, most likely): not retried, the operator is told.
     */
    private Delivered cancel(DataProcessor p, DataProcessor.Http http, Outbox.Item item) throws DeliveryFailure {
        String reference = item.mail().reference();
        URI url = URI.create(requests(p) + "/" + item.mail().messageId());
        HttpRequest.Builder b = HttpRequest.newBuilder(url).timeout(http.responseTimeout())
                .header("Accept", "application/json")
                .header("Idempotency-Key", item.mail().messageId())
                .DELETE();
        authenticate(b, http.auth(), new byte[0]);
        HttpResponse<byte[]> response;
        try {
            response = client(p).send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw DeliveryFailure.retry(who(p, reference) + ": the cancellation failed with "
                    + e.getClass().getSimpleName() + " " + e.getMessage() + " (retried)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw DeliveryFailure.retry(who(p, reference) + ": the cancellation was interrupted (retried)");
        }
        int status = response.statusCode();
        byte[] raw = response.body().length > MAX_ANSWER_BYTES
                ? java.util.Arrays.copyOf(response.body(), MAX_ANSWER_BYTES) : response.body();
        if (status / 100 == 2) {
            ProcessorCertificates.Check check = certificates.verifyAnswer(p, response, response.body());
            if (!check.verified()) {
                throw DeliveryFailure.retry(who(p, reference) + " answered the cancellation HTTP " + status
                        + ", not taken: " + check.reason() + " (retried)");
            }
            tasks.cancelAnswered(item, status, ProcessorCallbacks.reported(OpenDsrAnswers.json(raw)), null);
            return new Delivered(status, Map.of(), true);
        } else if (status == 404) {
            tasks.cancelAnswered(item, status, Map.of("note", "the processor has no such request"), null);
            return new Delivered(status, Map.of(), true);
        } else if (status == 408 || status == 429 || status >= 500) {
            throw DeliveryFailure.retry(who(p, reference) + " answered the cancellation HTTP " + status + " (retried)");
        } else {
            String answer = OpenDsrAnswers.withoutEncodedRequest(raw);
            String reason = who(p, reference) + " refused the cancellation with HTTP " + status + ": not retried;"
                    + " the operator was told";
            outbox.giveUp(item, reason);
            tasks.cancelAnswered(item, status, Map.of(), "HTTP " + status + ": " + ProcessorCallbacks.cut(answer));
            LOG.warn("Outbox message {}: {}", item.id(), reason);
            throw DeliveryFailure.givenUp(reason);
        }
    }

    /**
     * What an OpenDSR processor's 2xx tells us (its ids and dates, for the timeline), once its signature
     * and our id in it are checked; otherwise the delivery failed and is retried.
     */
    private Map<String, Object> signedAnswer(DataProcessor p, Outbox.Item item, HttpResponse<?> response, byte[] raw)
            throws DeliveryFailure {
        String reference = item.mail().reference();
        ProcessorCertificates.Check check = certificates.verifyAnswer(p, response, raw);
        if (!check.verified()) {
            throw DeliveryFailure.retry(who(p, reference) + " answered HTTP " + response.statusCode() + ", but the"
                    + " answer is not taken as delivered: " + check.reason() + " (retried with the same idempotency"
                    + " key; escalated to the operator when the attempts are used)");
        }
        com.fasterxml.jackson.databind.JsonNode json = OpenDsrAnswers.json(raw);
        String id = json == null ? null : json.path("subject_request_id").asText(null);
        if (!item.mail().messageId().equals(id)) {
            throw DeliveryFailure.retry(who(p, reference) + " answered HTTP " + response.statusCode() + " signed, but"
                    + " for subject_request_id '" + ProcessorCallbacks.cut(id) + "', not ours: not taken as delivered"
                    + " (retried)");
        }
        Map<String, Object> details = new java.util.LinkedHashMap<>(ProcessorCallbacks.reported(json));
        details.put("httpStatus", response.statusCode());
        return details;
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
        URI url = p.kind() == DataProcessor.Kind.OPENDSR ? requests(p) : http.url();
        HttpRequest.Builder b = HttpRequest.newBuilder(url)
                .timeout(http.responseTimeout())
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
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

    /** An OpenDSR processor's requests URL: its base URL and request path (§7.2). */
    static URI requests(DataProcessor p) {
        return URI.create(stripSlash(p.http().orElseThrow().url().toString()) + p.openDsr().orElseThrow().requestPath());
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
