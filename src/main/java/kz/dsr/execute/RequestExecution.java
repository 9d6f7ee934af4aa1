package kz.dsr.execute;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import kz.dsr.notify.MailComposer;
import kz.dsr.notify.OutgoingMail;
import kz.dsr.request.RequestStatus;
import kz.dsr.store.ErrorText;
import kz.dsr.store.EventLog;
import kz.dsr.store.InboundStore;
import kz.dsr.store.Outbox;
import kz.dsr.store.RequestStore;
import kz.dsr.store.RequestStore.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out a request whose subject is known ({@code request.subject_ref}) with the executor of its
 * type, then records the outcome in the store: the status, an event with the per-table counts, and —
 * when a legal hold applies — the reasoned reply. Called by {@code routes/execute-request.yaml} in two
 * steps: {@link #execute} (one transaction in the application database) and {@link #record} (one
 * transaction in the store, the route's). If the process dies between the two, the request is
 * executed again, which every executor makes safe.
 */
public final class RequestExecution {

    private static final Logger LOG = LoggerFactory.getLogger(RequestExecution.class);
    private static final String ACTOR = "executor";

    /** What {@link #execute} hands to {@link #record}. */
    public record Outcome(long requestId, Execution execution) {
    }

    private final DataActions actions;
    private final RequestStore requests;
    private final InboundStore inbound;
    private final EventLog events;
    private final Outbox outbox;
    private final MailComposer composer;
    private final Path exportDir;

    public RequestExecution(DataActions actions, RequestStore requests, InboundStore inbound, EventLog events,
            Outbox outbox, MailComposer composer, Path exportDir) {
        this.actions = actions;
        this.requests = requests;
        this.inbound = inbound;
        this.events = events;
        this.outbox = outbox;
        this.composer = composer;
        this.exportDir = exportDir;
    }

    /** Runs the executor of the request's type against the application database. */
    public Outcome execute(long requestId) throws java.io.IOException {
        Request r = requests.byId(requestId).orElseThrow(() -> new IllegalArgumentException("no request " + requestId));
        String subject = requests.subjectRef(requestId).orElseThrow(() -> new IllegalStateException(
                "request " + r.reference() + " has no matched subject (subject_ref): it cannot be executed"));
        JsonNode identifiers = requests.classification(requestId).path("identifiers");
        Execution e = switch (r.type()) {
            case ERASURE -> actions.erasure().run(subject);
            case ACCESS -> {
                Path dir = Files.createDirectories(exportDir.resolve(r.reference()));
                yield actions.access().toFiles(subject, language(r), dir.resolve("export.json"),
                        dir.resolve("export.html"));
            }
            case RECTIFICATION -> {
                JsonNode rect = identifiers.path("rectification");
                yield rect.isMissingNode() || rect.isNull()
                        ? Execution.needsReview("the mail does not say clearly which field to change and to what")
                        : actions.rectification().run(subject, rect.path("field").asText(), rect.path("newValue").asText());
            }
            case BLOCKING -> actions.block().block(subject);
            case CONSENT_WITHDRAWAL -> actions.preferences().withdrawConsent(subject, List.of());
            case MARKETING_OPT_OUT -> actions.preferences().optOut(subject, List.of());
            default -> Execution.rejected(r.type() + " is not a request to carry out");
        };
        LOG.info("Request {} ({}): {} — {} table(s)", r.reference(), r.type(), e.result(), e.tables().size());
        return new Outcome(requestId, e);
    }

    /** Records the outcome: status, one event with the counts (never values), the on-hold reply. */
    public void record(Outcome outcome) {
        Request r = requests.byId(outcome.requestId()).orElseThrow();
        Execution e = outcome.execution();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("result", e.result().name());
        List<Map<String, Object>> tables = new ArrayList<>();
        for (TableOutcome t : e.tables()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("table", t.table());
            row.put("action", t.action().name());
            row.put("rows", t.rows());
            if (t.reason() != null) {
                row.put("reason", t.reason());
            }
            tables.add(row);
        }
        details.put("tables", tables);
        details.putAll(e.facts());
        switch (e.result()) {
            case DONE -> {
                // Processors are told next (issue 6); until then the executed request is complete.
                requests.setStatus(r.id(), RequestStatus.COMPLETED);
                events.append(r.id(), "EXECUTED", ACTOR, details);
            }
            case ON_HOLD -> {
                HoldReply hold = new HoldReply(e.hold().orElseThrow().name(),
                        e.hold().get().reason().in(language(r)));
                details.put("hold", hold.name());
                requests.setStatus(r.id(), RequestStatus.ON_HOLD);
                events.append(r.id(), "ON_HOLD", ACTOR, details);
                replyOnHold(r, hold);
            }
            case NEEDS_REVIEW -> {
                details.put("reason", e.reason());
                requests.setStatus(r.id(), RequestStatus.NEEDS_REVIEW);
                events.append(r.id(), "EXECUTION_NEEDS_REVIEW", ACTOR, details);
            }
            case REJECTED -> {
                details.put("reason", e.reason());
                requests.setStatus(r.id(), RequestStatus.REJECTED);
                events.append(r.id(), "EXECUTION_REJECTED", ACTOR, details);
            }
        }
    }

    /**
     * The step failed (the application database refused, or the outcome could not be recorded): the
     * request is FAILED with a log-safe reason, for an operator. Re-running it is safe.
     */
    public void failed(long requestId, Throwable error) {
        String reason = ErrorText.forLog(ErrorText.full(error));
        requests.setStatus(requestId, RequestStatus.FAILED);
        events.append(requestId, "EXECUTION_FAILED", ACTOR, Map.of("error", reason));
        LOG.error("Request id {} could not be executed or its outcome recorded: {}. Every executor is safe to run"
                + " again: fix the cause and re-run the request.", requestId, reason);
    }

    private record HoldReply(String name, String reason) {
    }

    private void replyOnHold(Request r, HoldReply hold) {
        if (r.requesterEmail() == null) {
            return;
        }
        InboundStore.Opening opening = inbound.opening(r.id()).orElse(new InboundStore.Opening("", null));
        OutgoingMail mail = composer.reply("on-hold", r.language(), Map.of("reason", hold.reason()),
                r.requesterEmail(), r.reference(), opening.subject(), opening.messageId(), List.of());
        // One on-hold reply per hold: a daily re-check that finds the same hold says nothing new.
        outbox.enqueueMail("on-hold:" + r.reference() + ":" + hold.name(), r.id(), mail);
    }

    private static String language(Request r) {
        return MailComposer.BILINGUAL.equals(r.language()) ? "ru" : r.language();
    }
}
