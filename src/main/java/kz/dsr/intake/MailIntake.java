package kz.dsr.intake;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import kz.dsr.classify.Classification;
import kz.dsr.classify.Classifier;
import kz.dsr.notify.MailComposer;
import kz.dsr.notify.OutgoingMail;
import kz.dsr.request.Deadlines;
import kz.dsr.request.LogReference;
import kz.dsr.request.RequestStatus;
import kz.dsr.request.RequestType;
import kz.dsr.store.EventLog;
import kz.dsr.store.InboundStore;
import kz.dsr.store.InboundStore.Disposition;
import kz.dsr.store.Outbox;
import kz.dsr.store.RequestStore;
import kz.dsr.store.RequestStore.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Records one parsed mail: what it is (noise, a reply in a thread, one mail too many, mail for the
 * support team, or a new request with its type and language) and, for a new request, its
 * acknowledgement (and, when unsure, a note to the operator) in the outbox. Called inside one database
 * transaction, so the request, its events, its acknowledgement and the mail's record commit together.
 */
public final class MailIntake {

    private static final Logger LOG = LoggerFactory.getLogger("kz.dsr.intake");

    /**
     * What became of a mail; {@code reference} is null for noise and support mail. A duplicate carries
     * what the mail was recorded as the first time.
     */
    public record Result(Disposition disposition, boolean duplicate, String reference, String noiseKind) {

        /** True when the mail belongs in the support team's folder rather than in Processed. */
        public boolean forSupport() {
            return disposition == Disposition.FOR_SUPPORT;
        }

        @Override
        public String toString() {
            return (duplicate ? "already recorded as " : "") + disposition + (reference == null ? "" : " " + reference)
                    + (noiseKind == null ? "" : " (" + noiseKind + ")");
        }
    }

    private static final Pattern SUBJECT_REFERENCE = Pattern.compile("\\[(DSR-\\d{4}-\\d{6})]");
    private static final DateTimeFormatter DUE_DATE = DateTimeFormatter.ofPattern("dd.MM.yyyy");
    private static final String ACTOR = "intake";

    /** Who is told about requests that need a person's decision, and in which language. */
    public record Operator(String address, String language) {
    }

    private final InboundStore inbound;
    private final RequestStore requests;
    private final EventLog events;
    private final Outbox outbox;
    private final MailComposer composer;
    private final NoiseDetector noise;
    private final Classifier classifier;
    private final Operator operator;
    private final Deadlines deadlines;
    private final JdbcTemplate jdbc;
    private final Clock clock;
    private final int floodMaxPerHour;
    private final Duration rawRetention;
    private final ThreadReplies threadReplies;

    public MailIntake(InboundStore inbound, RequestStore requests, EventLog events, Outbox outbox,
                      MailComposer composer, NoiseDetector noise, Classifier classifier, Operator operator,
                      Deadlines deadlines, JdbcTemplate jdbc, Clock clock, int floodMaxPerHour,
                      Duration rawRetention, ThreadReplies threadReplies) {
        this.inbound = inbound;
        this.requests = requests;
        this.events = events;
        this.outbox = outbox;
        this.composer = composer;
        this.noise = noise;
        this.classifier = classifier;
        this.operator = operator;
        this.deadlines = deadlines;
        this.jdbc = jdbc;
        this.clock = clock;
        this.floodMaxPerHour = floodMaxPerHour;
        this.rawRetention = rawRetention;
        this.threadReplies = threadReplies;
    }

    public Result record(ParsedMail mail, byte[] raw) {
        Instant now = clock.instant();
        Long inboundId = inbound.claim(mail, raw, now.plus(rawRetention));
        if (inboundId == null) {
            // Seen before (a crash between the commit and the move, or another node): it goes to the
            // folder its first sighting chose, so mail for people still reaches the support folder.
            return inbound.recorded(mail.messageKey())
                    .map(r -> new Result(r.disposition(), true, r.reference(), r.noiseKind()))
                    .orElse(new Result(Disposition.PENDING, true, null, null));
        }
        NoiseKind kind = noise.detect(mail);
        if (kind != null) {
            // Recorded, never answered: answering robots is how mail loops start.
            inbound.settle(inboundId, Disposition.NOISE, kind.name(), null);
            return new Result(Disposition.NOISE, false, null, kind.name());
        }
        Optional<Request> thread = threadOf(mail);
        if (thread.isPresent()) {
            Request request = thread.get();
            events.append(request.id(), "MAIL_IN_THREAD", ACTOR, mailDetails(inboundId, mail,
                    Map.of("fromRequester", mail.fromAddress() != null
                            && mail.fromAddress().equals(request.requesterEmail()))));
            inbound.settle(inboundId, Disposition.THREAD_REPLY, null, request.id());
            try (LogReference ignored = LogReference.of(request.reference())) {
                threadReplies.onReply(request, mail);
            }
            return new Result(Disposition.THREAD_REPLY, false, request.reference(), null);
        }
        if (mail.fromAddress() != null
                && requests.countOpenedSince(mail.fromAddress(), now.minus(Duration.ofHours(1))) >= floodMaxPerHour) {
            Optional<Request> open = requests.latestOpen(mail.fromAddress());
            if (open.isPresent()) {
                requests.countFloodMerge(open.get().id());
                events.append(open.get().id(), "MAIL_MERGED_BY_FLOOD_GUARD", ACTOR, mailDetails(inboundId, mail,
                        Map.of("limitPerHour", floodMaxPerHour)));
                inbound.settle(inboundId, Disposition.FLOOD_MERGED, null, open.get().id());
                return new Result(Disposition.FLOOD_MERGED, false, open.get().reference(), null);
            }
        }
        Classification classification = classifier.classify(mail.subject(), mail.newText());
        if (mail.limitReason() != null && !classification.review()) {
            // Only part of the mail was read: whatever the rules say, a person decides.
            List<String> evidence = new ArrayList<>(classification.evidence());
            evidence.add("not all of the mail was read: " + mail.limitReason());
            classification = new Classification(classification.type(), classification.language(),
                    classification.confidence(), true, classification.identifiers(), evidence, classification.topTwo());
        }
        if (classification.type() == RequestType.NOT_DSR && !classification.review()) {
            // Orders, passwords, complaints ...: people answer those, from the support folder.
            inbound.settle(inboundId, Disposition.FOR_SUPPORT, null, null);
            return new Result(Disposition.FOR_SUPPORT, false, null, null);
        }
        return openRequest(inboundId, mail, classification, now);
    }

    /**
     * A mail that went to the support team (FOR_SUPPORT) and that an operator says is a data-subject request
     * after all: it becomes a request of {@code type} (CLASSIFIED, so the pipeline goes on to matching), its
     * due date counted from the day the mail arrived, not from today, and it is acknowledged like any new
     * request. The operator's word is kept as an event naming them. Empty when the mail is not (or no
     * longer: another operator was quicker) a support mail. Runs in the caller's transaction.
     */
    public Optional<String> openFromSupport(long inboundId, RequestType type, String actor, String reason) {
        List<Map<String, Object>> rows = jdbc.queryForList("select message_key, message_id, sender, subject, sent_at,"
                + " in_reply_to, new_text, quoted_text, signature, attachments, size_bytes, limit_reason, problems,"
                + " received_at from inbound_message where id = ? and disposition = ? for update",
                inboundId, Disposition.FOR_SUPPORT.name());
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        Map<String, Object> row = rows.get(0);
        java.sql.Timestamp sent = (java.sql.Timestamp) row.get("sent_at");
        ParsedMail mail = new ParsedMail((String) row.get("message_key"), (String) row.get("message_id"),
                (String) row.get("sender"), null, (String) row.get("subject"), sent == null ? null : sent.toInstant(),
                (String) row.get("in_reply_to"), List.of(), Map.of(), (String) row.get("new_text"),
                (String) row.get("new_text"), (String) row.get("quoted_text"), (String) row.get("signature"),
                kz.dsr.store.Json.read((String) row.get("attachments"),
                        new com.fasterxml.jackson.core.type.TypeReference<List<ParsedMail.Attachment>>() { }),
                ((Number) row.get("size_bytes")).longValue(), false, (String) row.get("limit_reason"),
                kz.dsr.store.Json.read((String) row.get("problems"),
                        new com.fasterxml.jackson.core.type.TypeReference<List<String>>() { }));
        // The classifier still tells the language and finds the identifiers; the type is the operator's.
        Classification found = classifier.classify(mail.subject(), mail.newText());
        List<String> evidence = new ArrayList<>(found.evidence());
        evidence.add("made a " + type.name() + " request by " + actor + ": " + reason);
        Classification decided = new Classification(type, found.language(), 1.0, false, found.identifiers(), evidence);
        Instant arrived = ((java.sql.Timestamp) row.get("received_at")).toInstant();
        Result opened = openRequest(inboundId, mail, decided, arrived);
        Request request = requests.byReference(opened.reference()).orElseThrow();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("inboundId", inboundId);
        details.put("type", type.name());
        details.put("cause", reason);
        details.put("dueDate", request.dueDate().toString());
        events.append(request.id(), "MADE_A_REQUEST_FROM_SUPPORT_MAIL", actor, details);
        return Optional.of(opened.reference());
    }

    /**
     * The intake's line about a recorded mail (what became of it, never who sent it), with its request's
     * reference as the log field when it has one.
     */
    public void logRecorded(Result result) {
        try (LogReference ignored = LogReference.of(result.reference())) {
            LOG.info("Mail recorded: {}", result);
        }
    }

    private Result openRequest(long inboundId, ParsedMail mail, Classification classification, Instant now) {
        RequestType type = classification.type();
        // Nothing to tell the language by (no letters at all): answer in Russian and Kazakh.
        String language = mail.classifiableText().codePoints().anyMatch(Character::isLetter)
                ? classification.language() : MailComposer.BILINGUAL;
        RequestStatus status = classification.review() ? RequestStatus.NEEDS_REVIEW : RequestStatus.CLASSIFIED;
        Request request = requests.open(type, status, language, mail.fromAddress(), now, deadlines.dueDate(type, now),
                classification.confidence(), classification.review(),
                Map.of("evidence", classification.evidence(), "identifiers", classification.identifiers()));
        inbound.settle(inboundId, Disposition.NEW_REQUEST, null, request.id());
        List<EventLog.New> timeline = new ArrayList<>();
        timeline.add(new EventLog.New(request.id(), "RECEIVED", ACTOR, mailDetails(inboundId, mail, Map.of(
                "dueDate", request.dueDate().toString()))));
        // The model's two likeliest types: what an operator weighs a review by (shown by `requests show`).
        timeline.add(new EventLog.New(request.id(), "CLASSIFIED", "classifier", Map.of("type", type.name(),
                "language", language, "confidence", classification.confidence(), "review", classification.review(),
                "topTwo", classification.topTwo())));
        if (classification.review()) {
            timeline.add(askOperator(request, classification));
        }
        if (mail.fromAddress() == null) {
            timeline.add(new EventLog.New(request.id(), "NO_REPLY_ADDRESS", ACTOR,
                    Map.of("reason", "the mail has no usable From address; an operator must answer")));
        } else {
            OutgoingMail ack = composer.reply("ack", language,
                    Map.of("dueDate", DUE_DATE.format(request.dueDate())),
                    mail.fromAddress(), request.reference(), mail.subject(), mail.messageId(), mail.references());
            outbox.enqueueMail("ack:" + request.reference(), request.id(), ack);
            timeline.add(new EventLog.New(request.id(), "ACKNOWLEDGEMENT_QUEUED", ACTOR,
                    Map.of("messageId", ack.messageId())));
        }
        events.append(timeline);
        return new Result(Disposition.NEW_REQUEST, false, request.reference(), null);
    }

    /** Queues the note to the operator; returns the event that records it. */
    private EventLog.New askOperator(Request request, Classification classification) {
        String reason = classification.type() == RequestType.NOT_DSR
                ? "probably not a data-subject request, but not clearly so"
                : "the classifier is not sure enough (confidence " + String.format("%.2f", classification.confidence())
                        + ") or two types compete";
        OutgoingMail notice = composer.notice("review", operator.language(), Map.of(
                        "type", classification.type().name(),
                        "confidence", String.format("%.2f", classification.confidence()),
                        "reason", reason,
                        "evidence", (classification.topTwo().isEmpty() ? "" : "the model reads " + classification.topTwo() + "; ")
                                + String.join("; ", classification.evidence()),
                        "dueDate", DUE_DATE.format(request.dueDate())),
                operator.address(), request.reference(), "Needs review");
        outbox.enqueueMail("review:" + request.reference(), request.id(), notice);
        return new EventLog.New(request.id(), "OPERATOR_ASKED_TO_REVIEW", ACTOR, Map.of("messageId", notice.messageId()));
    }

    /**
     * The request this mail answers: one of our Message-IDs in In-Reply-To/References (looked up in the
     * outbox, so a made-up id finds nothing), else a [DSR-YYYY-NNNNNN] reference in the subject.
     */
    private Optional<Request> threadOf(ParsedMail mail) {
        List<String> ids = new ArrayList<>(mail.references());
        if (mail.inReplyTo() != null) {
            ids.add(mail.inReplyTo());
        }
        if (!ids.isEmpty()) {
            List<Long> found = jdbc.queryForList(
                    "select request_id from outbox where message_id = any (?) and request_id is not null limit 1",
                    Long.class, (Object) ids.toArray(new String[0]));
            if (!found.isEmpty()) {
                return requests.byId(found.get(0));
            }
        }
        Matcher m = SUBJECT_REFERENCE.matcher(mail.subject());
        return m.find() ? requests.byReference(m.group(1)) : Optional.empty();
    }

    private static Map<String, Object> mailDetails(long inboundId, ParsedMail mail, Map<String, ?> extra) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("inboundId", inboundId);
        details.put("sizeBytes", mail.sizeBytes());
        details.put("attachments", mail.attachments().size());
        if (mail.limitReason() != null) {
            details.put("limitReason", mail.limitReason());
        }
        if (!mail.problems().isEmpty()) {
            details.put("mimeProblems", mail.problems().size());
        }
        details.putAll(extra);
        return details;
    }
}
