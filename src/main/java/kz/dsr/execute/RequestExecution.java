package kz.dsr.execute;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import kz.dsr.notify.MailComposer;
import kz.dsr.notify.OutgoingMail;
import kz.dsr.notify.Replies;
import kz.dsr.processors.DataProcessor;
import kz.dsr.processors.ProcessorTasks;
import kz.dsr.processors.SubjectIdentities;
import kz.dsr.datamap.DataMap;
import kz.dsr.request.Lifecycle;
import kz.dsr.request.LogReference;
import kz.dsr.subject.SubjectFinder;
import kz.dsr.request.RequestStatus;
import kz.dsr.store.ErrorText;
import kz.dsr.store.EventLog;
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
    /**
     * {@code identities}: what processors are told; {@code registered}: the account's own e-mail and phone
     * as they were before the execution (where replies may go).
     */
    public record Outcome(long requestId, Execution execution, SubjectIdentities identities,
            kz.dsr.subject.Verification.Registered registered) {
    }

    private final DataActions actions;
    private final RequestStore requests;
    private final EventLog events;
    private final Lifecycle lifecycle;
    private final Replies replies;
    private final SubjectFinder subjects;
    private final Path exportDir;
    private final ProcessorTasks processors;
    private final DataMap map;
    private final kz.dsr.subject.Verification verification;
    private final kz.dsr.subject.AddressProof proofs;

    public RequestExecution(DataActions actions, RequestStore requests, EventLog events, Lifecycle lifecycle,
            Replies replies, SubjectFinder subjects, Path exportDir, ProcessorTasks processors, DataMap map,
            kz.dsr.subject.Verification verification, kz.dsr.subject.AddressProof proofs) {
        this.verification = verification;
        this.proofs = proofs;
        this.processors = processors;
        this.map = map;
        this.actions = actions;
        this.requests = requests;
        this.events = events;
        this.lifecycle = lifecycle;
        this.replies = replies;
        this.subjects = subjects;
        this.exportDir = exportDir;
    }

    /** Runs the executor of the request's type against the application database. */
    public Outcome execute(long requestId) throws java.io.IOException {
        Request r = requests.byId(requestId).orElseThrow(() -> new IllegalArgumentException("no request " + requestId));
        try (LogReference ignored = LogReference.of(r.reference())) {
            return carryOut(r);
        }
    }

    private Outcome carryOut(Request r) throws java.io.IOException {
        long requestId = r.id();
        if (r.status() != RequestStatus.EXECUTING) {
            throw new IllegalStateException("request " + r.reference() + " is " + r.status() + ", not EXECUTING:"
                    + " only a verified request is carried out");
        }
        String subject = requests.subjectRef(requestId).orElseThrow(() -> new IllegalStateException(
                "request " + r.reference() + " has no matched subject (subject_ref): it cannot be executed"));
        JsonNode identifiers = requests.classification(requestId).path("identifiers");
        // Read before the executor runs: after an erasure the processors could not be told who it was.
        SubjectIdentities who = identities(subject, r);
        kz.dsr.subject.Verification.Registered registered = subjects.registered(subject);
        registered = new kz.dsr.subject.Verification.Registered(
                registered.email().filter(v -> !KeyedHash.isHash(v)), registered.phone().filter(v -> !KeyedHash.isHash(v)));
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
        return new Outcome(requestId, e, who, registered);
    }

    /** Records the outcome: status, one event with the counts (never values), the on-hold reply. */
    public void record(Outcome outcome) {
        Request r = requests.byId(outcome.requestId()).orElseThrow();
        try (LogReference ignored = LogReference.of(r.reference())) {
            recordOutcome(r, outcome);
        }
    }

    private void recordOutcome(Request r, Outcome outcome) {
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
                events.append(r.id(), "EXECUTED", ACTOR, details);
                Map<String, String> correction = correction(r);
                List<DataProcessor> toTell = processors.receiving(r, fieldCategories(correction));
                if (toTell.isEmpty()) {
                    lifecycle.move(r.id(), RequestStatus.EXECUTING, RequestStatus.COMPLETED, "carried out", ACTOR);
                    completedReply(r, e, false, outcome.registered());
                } else {
                    // Not done until the processors have done it too: they are told in this transaction, and
                    // the final reply waits (held in the outbox) until every one of them confirms.
                    processors.open(r, toTell, outcome.identities() == null ? SubjectIdentities.NONE
                            : outcome.identities(), correction);
                    lifecycle.move(r.id(), RequestStatus.EXECUTING, RequestStatus.AWAITING_PROCESSORS,
                            "carried out; waiting for " + toTell.stream().map(DataProcessor::name).toList(), ACTOR);
                    completedReply(r, e, true, outcome.registered());
                }
            }
            case ON_HOLD -> {
                DataMap.Hold hold = e.hold().orElseThrow();
                details.put("hold", hold.name());
                events.append(r.id(), "ON_HOLD", ACTOR, details);
                lifecycle.move(r.id(), RequestStatus.EXECUTING, RequestStatus.ON_HOLD, "legal hold " + hold.name(), ACTOR);
                replies.onHold(r, hold);
            }
            case NEEDS_REVIEW -> {
                details.put("reason", e.reason());
                events.append(r.id(), "EXECUTION_NEEDS_REVIEW", ACTOR, details);
                lifecycle.move(r.id(), RequestStatus.EXECUTING, RequestStatus.NEEDS_REVIEW, e.reason(), ACTOR);
                replies.askOperator(r, e.reason());
            }
            case REJECTED -> {
                details.put("reason", e.reason());
                events.append(r.id(), "EXECUTION_REJECTED", ACTOR, details);
                lifecycle.move(r.id(), RequestStatus.EXECUTING, RequestStatus.REJECTED, e.reason(), ACTOR);
                replies.rejected(r, e.reason());
            }
        }
    }

    /**
     * The final reply, only ever to an address verified for the subject: the registered e-mail as it was
     * before the execution (the code went there), or, for an account without one, the requester's address
     * (the code came back from it). An access export of a phone-only account goes to the requester's
     * address only if a code sent to that address came back; a new e-mail address, proven the same way,
     * gets the reply to its correction, and the former address is told of the change.
     */
    private void completedReply(Request r, Execution e, boolean held, kz.dsr.subject.Verification.Registered before) {
        kz.dsr.subject.Verification.Registered was = before == null
                ? new kz.dsr.subject.Verification.Registered(java.util.Optional.empty(), java.util.Optional.empty())
                : before;
        List<OutgoingMail.Attachment> files = List.of();
        String recipient = was.email().orElse(r.requesterEmail());
        boolean confirmedAddress = false;
        if (r.type() == kz.dsr.request.RequestType.ACCESS) {
            Path dir = exportDir.resolve(r.reference());
            files = List.of(new OutgoingMail.Attachment(dir.resolve("export.json").toString(), "export.json",
                            "application/json"),
                    new OutgoingMail.Attachment(dir.resolve("export.html").toString(), "export.html", "text/html"));
            if (was.email().isEmpty()) {
                confirmedAddress = verification.proven(r.id(), r.requesterEmail());
                if (!confirmedAddress) {
                    // Unreachable through the lifecycle (the address proves itself before VERIFIED); kept so
                    // that no other path can ever mail an export to an address nobody proved.
                    events.append(r.id(), "EXPORT_NOT_SENT", ACTOR, Map.of("why",
                            "the account has no registered e-mail and no address proved itself with a code"));
                    replies.askOperator(r, "the export was made but not sent: no verified address to send it to");
                    return;
                }
            }
        }
        java.util.Optional<kz.dsr.subject.AddressProof.IdentityChange> change = proofs.identityChange(r);
        if (change.isPresent()) {
            if (change.get().identity().name().equals("email")) {
                // The new address proved itself with a code; the former one hears of the change.
                recipient = change.get().identity().normaliser().apply(change.get().newValue()).orElse(recipient);
            }
            if (recipient == null || !recipient.equalsIgnoreCase(was.email().orElse(""))) {
                replies.identityChanged(r, change.get().identity().name(), was.email(), was.phone());
            }
        }
        replies.completed(r, e, files, recipient, held, confirmedAddress);
    }

    /** The registered e-mail and phone (never an already hashed one, should the request run twice) and the key. */
    private SubjectIdentities identities(String subject, Request r) {
        kz.dsr.subject.Verification.Registered reg = subjects.registered(subject);
        java.util.Optional<String> email = reg.email().filter(v -> !v.startsWith("hmac:"));
        return new SubjectIdentities(email.isPresent() ? email : java.util.Optional.ofNullable(r.requesterEmail()),
                reg.phone().filter(v -> !v.startsWith("hmac:")), java.util.Optional.of(subject));
    }

    /** A RECTIFICATION's field and new value, as the classifier read them (empty for other types). */
    private Map<String, String> correction(Request r) {
        if (r.type() != kz.dsr.request.RequestType.RECTIFICATION) {
            return Map.of();
        }
        JsonNode rect = requests.classification(r.id()).path("identifiers").path("rectification");
        if (rect.isMissingNode() || rect.isNull()) {
            return Map.of();
        }
        return Map.of("field", rect.path("field").asText(), "new_value", rect.path("newValue").asText());
    }

    private java.util.Set<String> fieldCategories(Map<String, String> correction) {
        java.util.Set<String> out = new java.util.HashSet<>();
        if (correction.containsKey("field")) {
            map.rectifiable(correction.get("field")).forEach(e -> out.add(e.getValue().category()));
        }
        return out;
    }

    /**
     * The step failed (the application database refused, or the outcome could not be recorded): the
     * request is FAILED with a log-safe reason, for an operator. Re-running it is safe.
     */
    public void failed(long requestId, Throwable error) {
        String reason = ErrorText.forLog(ErrorText.full(error));
        events.append(requestId, "EXECUTION_FAILED", ACTOR, Map.of("error", reason));
        Optional<Request> request = requests.byId(requestId);
        request.filter(r -> r.status() == RequestStatus.EXECUTING).ifPresent(r ->
                lifecycle.move(requestId, RequestStatus.EXECUTING, RequestStatus.FAILED, reason, ACTOR));
        try (LogReference ignored = LogReference.of(request.map(Request::reference).orElse(null))) {
            LOG.error("Request id {} could not be executed or its outcome recorded: {}. Every executor is safe to"
                    + " run again: fix the cause and re-run the request.", requestId, reason);
        }
    }

    private static String language(Request r) {
        return MailComposer.BILINGUAL.equals(r.language()) ? "ru" : r.language();
    }
}
