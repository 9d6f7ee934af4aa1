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
import kz.dsr.notify.MailComposer;
import kz.dsr.notify.OutgoingMail;
import kz.dsr.request.Deadlines;
import kz.dsr.request.RequestType;
import kz.dsr.store.EventLog;
import kz.dsr.store.InboundStore;
import kz.dsr.store.InboundStore.Disposition;
import kz.dsr.store.Outbox;
import kz.dsr.store.RequestStore;
import kz.dsr.store.RequestStore.Request;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Records one parsed mail: what it is (noise, a reply in a thread, one mail too many, or a new
 * request) and, for a new request, its acknowledgement in the outbox. Called inside one database
 * transaction, so the request, its events, its acknowledgement and the mail's record commit together.
 */
public final class MailIntake {

    /** What became of a mail; {@code reference} is null for noise and duplicates. */
    public record Result(Disposition disposition, boolean duplicate, String reference, String noiseKind) {
        @Override
        public String toString() {
            return duplicate ? "already recorded" : disposition + (reference == null ? "" : " " + reference)
                    + (noiseKind == null ? "" : " (" + noiseKind + ")");
        }
    }

    private static final Pattern SUBJECT_REFERENCE = Pattern.compile("\\[(DSR-\\d{4}-\\d{6})]");
    private static final DateTimeFormatter DUE_DATE = DateTimeFormatter.ofPattern("dd.MM.yyyy");
    private static final String ACTOR = "intake";

    private final InboundStore inbound;
    private final RequestStore requests;
    private final EventLog events;
    private final Outbox outbox;
    private final MailComposer composer;
    private final NoiseDetector noise;
    private final Deadlines deadlines;
    private final JdbcTemplate jdbc;
    private final Clock clock;
    private final int floodMaxPerHour;
    private final Duration rawRetention;

    public MailIntake(InboundStore inbound, RequestStore requests, EventLog events, Outbox outbox,
                      MailComposer composer, NoiseDetector noise, Deadlines deadlines, JdbcTemplate jdbc,
                      Clock clock, int floodMaxPerHour, Duration rawRetention) {
        this.inbound = inbound;
        this.requests = requests;
        this.events = events;
        this.outbox = outbox;
        this.composer = composer;
        this.noise = noise;
        this.deadlines = deadlines;
        this.jdbc = jdbc;
        this.clock = clock;
        this.floodMaxPerHour = floodMaxPerHour;
        this.rawRetention = rawRetention;
    }

    public Result record(ParsedMail mail, byte[] raw) {
        Instant now = clock.instant();
        Long inboundId = inbound.claim(mail, raw, now.plus(rawRetention));
        if (inboundId == null) {
            return new Result(Disposition.PENDING, true, null, null);
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
        return openRequest(inboundId, mail, now);
    }

    private Result openRequest(long inboundId, ParsedMail mail, Instant now) {
        RequestType type = RequestType.UNKNOWN;
        String language = ReplyLanguage.of(mail.classifiableText());
        Request request = requests.open(type, language, mail.fromAddress(), now, deadlines.dueDate(type, now));
        events.append(request.id(), "RECEIVED", ACTOR, mailDetails(inboundId, mail, Map.of(
                "dueDate", request.dueDate().toString(), "language", language)));
        inbound.settle(inboundId, Disposition.NEW_REQUEST, null, request.id());
        if (mail.fromAddress() == null) {
            events.append(request.id(), "NO_REPLY_ADDRESS", ACTOR,
                    Map.of("reason", "the mail has no usable From address; an operator must answer"));
            return new Result(Disposition.NEW_REQUEST, false, request.reference(), null);
        }
        OutgoingMail ack = composer.reply("ack", language,
                Map.of("dueDate", DUE_DATE.format(request.dueDate())),
                mail.fromAddress(), request.reference(), mail.subject(), mail.messageId(), mail.references());
        outbox.enqueueMail("ack:" + request.reference(), request.id(), ack);
        events.append(request.id(), "ACKNOWLEDGEMENT_QUEUED", ACTOR, Map.of("messageId", ack.messageId()));
        return new Result(Disposition.NEW_REQUEST, false, request.reference(), null);
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
