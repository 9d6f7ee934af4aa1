package kz.dsr.processors;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import kz.dsr.store.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionOperations;

/**
 * The follow-up of processors that do not call back (or whose callbacks got lost): each task whose poll
 * is due is asked {@code GET {url}{request path}/{subject_request_id}} (OpenDSR status, §8.1), and what
 * the processor answers — once its signature verifies with its certificate, as a callback's must — is
 * reported like a callback. Then each processor silent past its deadline is
 * escalated to the operator, once.
 *
 * <p>The HTTP calls run outside any store transaction (a slow processor must not hold a connection or
 * locks); each report is its own short transaction. A failed poll is logged and asked again at the
 * processor's next interval: nothing is lost, the deadline escalation still catches a processor that
 * never answers.
 */
public final class ProcessorPolls {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessorPolls.class);
    /** An OpenDSR status answer is a few hundred bytes; anything far larger is not one. */
    private static final int MAX_ANSWER_BYTES = 64 * 1024;

    /** What one run did, for the route's log line. */
    public record Run(int asked, int changed, int failed, int escalated) {
        @Override
        public String toString() {
            return asked + " status poll(s), " + changed + " change(s), " + failed + " failure(s), " + escalated
                    + " escalation(s)";
        }
    }

    private final ProcessorTasks tasks;
    private final TransactionOperations transaction;
    private final ProcessorClient client;
    private final ProcessorCertificates certificates;

    public ProcessorPolls(ProcessorTasks tasks, TransactionOperations transaction, ProcessorClient client,
            ProcessorCertificates certificates) {
        this.tasks = tasks;
        this.transaction = transaction;
        this.client = client;
        this.certificates = certificates;
    }

    public Run run(int batch) {
        List<ProcessorTasks.Task> due = transaction.execute(s -> tasks.duePolls(batch));
        int changed = 0;
        int failed = 0;
        for (ProcessorTasks.Task t : due) {
            try {
                if (poll(t) == ProcessorTasks.Change.CHANGED) {
                    changed++;
                }
            } catch (IOException | RuntimeException e) {
                failed++;
                LOG.warn("Request {}: the status poll of processor {} failed: {}. It is asked again at its next"
                        + " interval; if this repeats, check the processor's url and auth in the processors file.",
                        t.reference(), t.processor(), e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Run(due.size(), changed, failed, 0);
            } finally {
                transaction.executeWithoutResult(s -> tasks.polled(t));
            }
        }
        int escalated = transaction.execute(s -> tasks.escalateSilent(batch));
        return new Run(due.size(), changed, failed, escalated);
    }

    private ProcessorTasks.Change poll(ProcessorTasks.Task t) throws IOException, InterruptedException {
        Optional<DataProcessor> config = tasks.processors().byName(t.processor()).filter(p -> p.openDsr().isPresent());
        if (config.isEmpty()) {
            throw new IOException("processor " + t.processor() + " is no longer an OpenDSR processor of the processors"
                    + " file: its status cannot be asked");
        }
        DataProcessor.Http h = config.get().http().get();
        URI url = URI.create(ProcessorClient.requests(config.get()) + "/" + t.subjectRequestId());
        HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(h.responseTimeout())
                .header("Accept", "application/json").GET();
        ProcessorClient.authenticate(request, h.auth(), new byte[0]);
        HttpResponse<InputStream> response = client.client(config.get()).send(request.build(),
                HttpResponse.BodyHandlers.ofInputStream());
        byte[] body;
        try (InputStream in = response.body()) {
            body = in.readNBytes(MAX_ANSWER_BYTES + 1);
        }
        if (response.statusCode() / 100 != 2) {
            throw new IOException("GET " + url.getPath() + " answered HTTP " + response.statusCode());
        }
        if (body.length > MAX_ANSWER_BYTES) {
            throw new IOException("the status answer is larger than " + MAX_ANSWER_BYTES + " bytes");
        }
        ProcessorCertificates.Check check = certificates.verifyAnswer(config.get(), response, body);
        if (!check.verified()) {
            throw new IOException("the status answer is not taken: " + check.reason());
        }
        JsonNode json = Json.mapper().readTree(body);
        if (json == null || !t.subjectRequestId().toString().equals(json.path("subject_request_id").asText(null))) {
            throw new IOException("the signed status answer is not about our subject_request_id");
        }
        String status = json.get("request_status") == null ? null : json.get("request_status").asText();
        TaskStatus to = TaskStatus.fromOpenDsr(status).orElseThrow(() -> new IOException(
                "the status answer has no known request_status (pending, in_progress, completed, cancelled): '"
                        + ProcessorCallbacks.cut(status) + "'"));
        Map<String, Object> details = ProcessorCallbacks.reported(json);
        return transaction.execute(s -> tasks.report(t.processor(), t.subjectRequestId(), to, "poll", details));
    }
}
