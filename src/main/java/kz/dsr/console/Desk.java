package kz.dsr.console;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Date;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import kz.dsr.app.Components;
import kz.dsr.execute.Planner;
import kz.dsr.execute.TableOutcome;
import kz.dsr.metrics.StoreFigures;
import kz.dsr.operator.RequestRow;
import kz.dsr.operator.Shown;
import kz.dsr.processors.CircuitBreakers;
import kz.dsr.request.RequestStatus;
import kz.dsr.request.RequestType;
import kz.dsr.store.EventLog;
import kz.dsr.store.Json;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * What the console shows, read through the store classes the {@code requests} commands and the metrics
 * use ({@link RequestRow}, {@link EventLog}, {@link StoreFigures}, the planner): the dashboard's figures,
 * pages of requests, one request with all that belongs to it, the support mails. Values come out as
 * plain strings for the templates, which escape every one of them.
 */
public final class Desk {

    /** The filters of the requests list; null fields do not filter. Nothing here is personal data. */
    public record Filter(RequestStatus status, boolean all, RequestType type, String language, boolean overdue,
                         LocalDate dueBefore, String processor) {

        public static Filter none() {
            return new Filter(null, false, null, null, false, null, null);
        }
    }

    /** One page of the list, and the key of the next page (null on the last). */
    public record Page(List<Map<String, Object>> rows, String next) {
    }

    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");
    private static final Pattern AFTER = Pattern.compile("(\\d{4}-\\d{2}-\\d{2})\\.(\\d{1,18})");
    private static final Pattern DIGITS = Pattern.compile("\\d{4,}");

    private final Components parts;
    private final JdbcTemplate jdbc;
    private final Clock clock;
    private final ZoneId zone;
    private final StoreFigures figures;
    private final boolean metricsOn;

    public Desk(Components parts) {
        this.parts = parts;
        this.jdbc = parts.store();
        this.clock = parts.clock();
        this.zone = parts.calendar().zone();
        // Timers and retention are on the metrics page, not here: no job or rule names are asked for.
        this.figures = new StoreFigures(jdbc, List.of(), List.of());
        this.metricsOn = Boolean.parseBoolean(parts.settings().optional("camel.metrics.enabled").orElse("false"));
    }

    ZoneId zone() {
        return zone;
    }

    JdbcTemplate jdbc() {
        return jdbc;
    }

    public LocalDate today() {
        return LocalDate.now(clock.withZone(zone));
    }

    /** The last day "due within one working day" covers (the calendar's next working day). */
    LocalDate dueSoonUntil() {
        return parts.calendar().plusWorkingDays(today(), 1);
    }

    // ---- dashboard ---------------------------------------------------------------------------

    public Map<String, Object> dashboard() {
        StoreFigures.Figures f = figures.read(today(), dueSoonUntil());
        Map<String, Long> byStatus = new TreeMap<>();
        long overdue = 0;
        long dueSoon = 0;
        for (Map.Entry<String, StoreFigures.Requests> e : f.openRequests().entrySet()) {
            String status = e.getKey().substring(0, e.getKey().indexOf('|'));
            byStatus.merge(status, e.getValue().count(), Long::sum);
            overdue += e.getValue().overdue();
            dueSoon += e.getValue().dueSoon();
        }
        List<Map<String, Object>> statuses = new ArrayList<>();
        for (RequestStatus s : RequestStatus.values()) {
            if (!s.isClosed()) {
                statuses.add(Map.of("status", s.name(), "count", byStatus.getOrDefault(s.name(), 0L)));
            }
        }
        long backlog = f.outbox().values().stream().mapToLong(StoreFigures.Backlog::count).sum();
        Instant oldest = f.outbox().values().stream().map(StoreFigures.Backlog::oldest)
                .filter(java.util.Objects::nonNull).min(Instant::compareTo).orElse(null);
        long deadLetters = f.deadLetters().values().stream().mapToLong(Long::longValue).sum();
        CircuitBreakers circuits = parts.circuitBreakers();
        List<Map<String, Object>> processors = new ArrayList<>();
        for (var p : parts.processors().all()) {
            CircuitBreakers.State state = circuits.state(p.name());
            processors.add(Map.of("name", p.name(), "state", state.name(), "open", state != CircuitBreakers.State.CLOSED));
        }
        Long support = jdbc.queryForObject("select count(*) from inbound_message where disposition = 'FOR_SUPPORT'",
                Long.class);
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("statuses", statuses);
        d.put("overdue", overdue);
        d.put("dueSoon", dueSoon);
        d.put("dueSoonBefore", dueSoonUntil().plusDays(1).toString());
        d.put("review", byStatus.getOrDefault("NEEDS_REVIEW", 0L));
        d.put("processorsWait", byStatus.getOrDefault("AWAITING_PROCESSORS", 0L));
        d.put("outbox", backlog);
        d.put("outboxOldest", oldest == null ? "" : TIME.format(oldest.atZone(zone)));
        d.put("deadLetters", deadLetters);
        d.put("processors", processors);
        d.put("supportMails", support == null ? 0 : support);
        // The inbox as the metrics last read it in the background: a page never waits for the mail server.
        java.util.Optional<kz.dsr.metrics.MailboxCheck.Inbox> inbox = metricsOn ? parts.metrics().inbox()
                : java.util.Optional.empty();
        d.put("inbox", inbox.map(i -> String.valueOf(i.messages())).orElse("—"));
        d.put("today", today().toString());
        return d;
    }

    // ---- lists -------------------------------------------------------------------------------

    /** A page of requests in due-date order (then id), after the key {@code after} ("YYYY-MM-DD.ID") if given. */
    public Page list(Filter f, String after, int size, boolean maskSender) {
        List<Object> args = new ArrayList<>();
        StringBuilder where = new StringBuilder(" where true");
        if (f.status() != null) {
            where.append(" and status = ?");
            args.add(f.status().name());
        } else if (!f.all()) {
            // As `requests list`: the closed-for-good ones only when asked for.
            where.append(" and status not in (").append(String.join(", ", Collections.nCopies(Shown.HIDDEN.size(), "?")))
                    .append(')');
            Shown.HIDDEN.forEach(s -> args.add(s.name()));
        }
        if (f.type() != null) {
            where.append(" and type = ?");
            args.add(f.type().name());
        }
        if (f.language() != null) {
            where.append(" and language = ?");
            args.add(f.language());
        }
        if (f.overdue()) {
            where.append(" and due_date < ? and status not in ").append(RequestStatus.closedSqlList());
            args.add(Date.valueOf(today()));
        }
        if (f.dueBefore() != null) {
            where.append(" and due_date < ?");
            args.add(Date.valueOf(f.dueBefore()));
        }
        if (f.processor() != null) {
            where.append(" and exists (select 1 from processor_task t where t.request_id = request.id and t.processor = ?)");
            args.add(f.processor());
        }
        if (after != null) {
            var m = AFTER.matcher(after);
            if (m.matches()) {
                where.append(" and (due_date, id) > (?, ?)");
                args.add(Date.valueOf(LocalDate.parse(m.group(1))));
                args.add(Long.parseLong(m.group(2)));
            }
        }
        args.add(size + 1);
        List<RequestRow> found = jdbc.query("select " + RequestRow.COLUMNS + " from request" + where
                + " order by due_date, id limit ?", RequestRow.MAPPER, args.toArray());
        String next = null;
        if (found.size() > size) {
            found = found.subList(0, size);
            RequestRow last = found.get(size - 1);
            next = last.dueDate() + "." + last.id();
        }
        return new Page(rows(found, maskSender), next);
    }

    /**
     * Requests found by reference, sender address or phone number (as the classifier found it in the mail):
     * asked for in a POST body, so none of these ever stands in a URL or an access log.
     */
    public List<Map<String, Object>> search(String text, boolean maskSender) {
        String q = text == null ? "" : text.strip();
        if (q.isEmpty() || q.length() > 320) {
            return List.of();
        }
        List<RequestRow> found;
        if (q.toUpperCase(Locale.ROOT).startsWith("DSR-")) {
            found = RequestRow.find(jdbc, q, false).map(List::of).orElse(List.of());
        } else if (q.contains("@")) {
            found = jdbc.query("select " + RequestRow.COLUMNS + " from request where lower(requester_email) = lower(?)"
                    + " order by due_date, id limit 100", RequestRow.MAPPER, q);
        } else {
            String digits = q.replaceAll("\\D", "");
            if (digits.length() < 7) {
                return List.of();
            }
            // The last ten digits: +7 701 ..., 8 701 ... and 701 ... are one number.
            String tail = digits.substring(digits.length() - Math.min(10, digits.length()));
            found = jdbc.query("select " + RequestRow.COLUMNS + " from request where classification like ?"
                    + " order by due_date, id limit 100", RequestRow.MAPPER, "%" + tail + "%");
        }
        return rows(found, maskSender);
    }

    private List<Map<String, Object>> rows(List<RequestRow> found, boolean maskSender) {
        LocalDate today = today();
        LocalDate soon = dueSoonUntil();
        List<Map<String, Object>> rows = new ArrayList<>();
        for (RequestRow r : found) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("reference", r.reference());
            row.put("received", TIME.format(r.receivedAt().atZone(zone)));
            row.put("type", r.type().name());
            row.put("language", r.language());
            row.put("status", r.status().name());
            row.put("due", r.dueDate().toString());
            boolean open = !r.status().isClosed() && r.status() != RequestStatus.EXPIRED;
            row.put("dueClass", !open ? "" : r.dueDate().isBefore(today) ? "overdue"
                    : r.dueDate().isAfter(soon) ? "" : "soon");
            row.put("sender", maskSender ? Shown.mask(r.requester()) : r.requester() == null ? "-" : r.requester());
            rows.add(row);
        }
        return rows;
    }

    public List<String> processorNames() {
        return parts.processors().all().stream().map(p -> p.name()).toList();
    }

    /** The languages a request can have (the classifier's, and Russian with Kazakh when unclear): no scan of the table. */
    public List<String> languages() {
        return List.of("ru", "kk", "en", kz.dsr.notify.MailComposer.BILINGUAL);
    }

    // ---- one request -------------------------------------------------------------------------

    /**
     * The request page's rows in ONE round trip to the store: the request with its classification, and beside
     * it, as JSON arrays built by sub-selects, its mails, timeline, processor tasks and mail replies, and the
     * purpose of its newest one-time code. Each round trip costs about 0.1 ms and the page made five (six for a
     * request held for a code): more than all the rest of its store work. Children come in id order.
     */
    private static final String PAGE = "select " + RequestRow.COLUMNS + ", classification,"
            + " coalesce(confidence, 0) as confidence,"
            + " (select coalesce(json_agg(json_build_object('received_at', m.received_at, 'subject', m.subject,"
            + " 'new_text', m.new_text, 'quoted_text', m.quoted_text, 'attachments', m.attachments,"
            + " 'limit_reason', m.limit_reason) order by m.id), '[]')"
            + " from inbound_message m where m.request_id = request.id) as mails,"
            + " " + EventLog.timelineJson("request.id") + " as timeline,"
            + " (select coalesce(json_agg(json_build_object('processor', t.processor, 'kind', t.kind,"
            + " 'status', t.status, 'due_at', t.due_at) order by t.id), '[]')"
            + " from processor_task t where t.request_id = request.id) as tasks,"
            + " (select coalesce(json_agg(json_build_object('event_key', o.event_key, 'recipient', o.recipient,"
            + " 'subject', o.subject, 'body', o.body, 'status', o.status, 'created_at', o.created_at,"
            + " 'sent_at', o.sent_at) order by o.id), '[]')"
            + " from outbox o where o.request_id = request.id and o.channel = 'MAIL') as replies,"
            + " (select v.purpose from verification_code v where v.request_id = request.id order by v.id desc limit 1)"
            + " as code_purpose"
            + " from request where reference = ?";

    /** What {@link #PAGE} read: the request and its children as JSON. */
    private record PageRows(RequestRow row, String classification, java.math.BigDecimal confidence, JsonNode mails,
                            List<EventLog.Event> timeline, JsonNode tasks, JsonNode replies, String codePurpose) {
    }

    /** Everything about one request; {@code mailBodies} false (viewer): no mail text, sender masked. */
    public Optional<Map<String, Object>> request(String reference, boolean mailBodies, boolean decide) {
        Optional<PageRows> found = jdbc.query(PAGE, (rs, n) -> new PageRows(RequestRow.MAPPER.mapRow(rs, n),
                        rs.getString("classification"), rs.getBigDecimal("confidence"), Json.tree(rs.getString("mails")),
                        EventLog.events(rs.getString("timeline")), Json.tree(rs.getString("tasks")),
                        Json.tree(rs.getString("replies")), rs.getString("code_purpose")),
                RequestRow.normalise(reference)).stream().findFirst();
        if (found.isEmpty()) {
            return Optional.empty();
        }
        PageRows page = found.get();
        RequestRow r = page.row();
        Map<String, Object> m = new LinkedHashMap<>(rows(List.of(r), !mailBodies).get(0));
        m.put("statusReason", r.statusReason() == null ? "" : r.statusReason());
        m.put("subjectRef", r.subjectRef() == null ? "" : r.subjectRef());
        JsonNode classification = kz.dsr.store.RequestStore.classificationOf(r.id(), page.classification());
        List<String> evidence = new ArrayList<>();
        classification.path("evidence").forEach(e -> evidence.add(e.asText()));
        m.put("evidence", evidence);
        List<Map<String, Object>> identifiers = new ArrayList<>();
        JsonNode ids = classification.path("identifiers");
        for (String kind : List.of("emails", "phones", "iins", "orderNumbers")) {
            ids.path(kind).forEach(v -> identifiers.add(Map.of("kind", kind,
                    "value", mailBodies ? v.asText() : masked(v.asText()))));
        }
        m.put("identifiers", identifiers);
        m.put("hasIdentifiers", !identifiers.isEmpty());
        m.put("confidence", page.confidence().toPlainString());
        m.put("mails", mails(page.mails(), mailBodies));
        m.put("timeline", timeline(page.timeline()));
        m.put("tasks", tasks(page.tasks()));
        m.put("replies", replies(page.replies(), mailBodies));
        m.put("plan", plan(r));
        // Why no subject is linked: the cause of the newest move to review, if the request went there.
        m.put("matchNote", r.subjectRef() != null || r.statusReason() == null ? "" : r.statusReason());
        RequestStatus s = r.status();
        // As `requests approve`: a request in review, or one held without a code that was ever sent.
        boolean heldWithoutCode = s == RequestStatus.AWAITING_VERIFICATION && "DECOY".equals(page.codePurpose());
        m.put("canApprove", decide && (s == RequestStatus.NEEDS_REVIEW || heldWithoutCode));
        m.put("canReview", decide && s == RequestStatus.NEEDS_REVIEW);
        m.put("canExtend", decide && !s.isClosed() && s != RequestStatus.EXPIRED);
        m.put("canClose", decide && s == RequestStatus.AWAITING_PROCESSORS);
        List<String> candidates = decide && (s == RequestStatus.NEEDS_REVIEW || s == RequestStatus.AWAITING_VERIFICATION)
                ? candidates(r, ids) : List.of();
        m.put("candidates", candidates);
        m.put("hasCandidates", candidates.size() > 1);
        List<String> types = new ArrayList<>();
        for (RequestType t : RequestType.values()) {
            if (t != RequestType.NOT_DSR && t != RequestType.UNKNOWN && t != r.type()) {
                types.add(t.name());
            }
        }
        m.put("types", types);
        return Optional.of(m);
    }

    /** The mails of the request as received: subject, new text, quoted part, attachments by name only. */
    private List<Map<String, Object>> mails(JsonNode rows, boolean bodies) {
        List<Map<String, Object>> mails = new ArrayList<>();
        for (JsonNode row : rows) {
            Map<String, Object> mail = new LinkedHashMap<>();
            mail.put("received", time(row.get("received_at")));
            mail.put("subject", row.get("subject").asText());
            mail.put("text", bodies ? row.get("new_text").asText() : "");
            mail.put("quoted", bodies ? row.get("quoted_text").asText() : "");
            mail.put("hasQuoted", bodies && !row.get("quoted_text").asText().isBlank());
            List<String> names = new ArrayList<>();
            Json.read(row.get("attachments").asText(),
                    new com.fasterxml.jackson.core.type.TypeReference<List<Map<String, Object>>>() { })
                    .forEach(a -> names.add(a.get("name") + " (" + a.get("contentType") + ", "
                            + a.get("sizeBytes") + " bytes)"));
            mail.put("attachments", names);
            mail.put("hasAttachments", !names.isEmpty());
            mail.put("limit", row.path("limit_reason").isNull() ? "" : row.get("limit_reason").asText());
            mails.add(mail);
        }
        return mails;
    }

    private List<Map<String, Object>> timeline(List<EventLog.Event> events) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (EventLog.Event e : events) {
            out.add(Map.of("at", TIME.format(e.at().atZone(zone)), "kind", e.kind(), "actor", e.actor(),
                    "details", e.details()));
        }
        return out;
    }

    private List<Map<String, Object>> tasks(JsonNode rows) {
        List<Map<String, Object>> tasks = new ArrayList<>();
        for (JsonNode row : rows) {
            tasks.add(Map.of("processor", row.get("processor").asText(), "kind", row.get("kind").asText(),
                    "status", row.get("status").asText(), "due", time(row.get("due_at"))));
        }
        return tasks;
    }

    /** Every reply of the request, as it went (or waits to go); a one-time code never shows. */
    private List<Map<String, Object>> replies(JsonNode rows, boolean bodies) {
        List<Map<String, Object>> replies = new ArrayList<>();
        for (JsonNode row : rows) {
            Map<String, Object> reply = new LinkedHashMap<>();
            String key = row.get("event_key").asText();
            reply.put("kind", key.contains(":") ? key.substring(0, key.indexOf(':')) : key);
            String recipient = row.get("recipient").asText();
            reply.put("to", bodies ? recipient : Shown.mask(recipient));
            reply.put("subject", row.get("subject").asText());
            String body = row.get("body").asText();
            // Codes are blanked whatever the row's state: a code still waiting to go is as secret as one sent.
            reply.put("body", !bodies ? "" : key.startsWith("code:") ? DIGITS.matcher(body).replaceAll("••••••")
                    : body);
            reply.put("status", row.get("status").asText());
            JsonNode sent = row.get("sent_at");
            reply.put("when", time(sent.isNull() ? row.get("created_at") : sent));
            replies.add(reply);
        }
        return replies;
    }

    /** A timestamp of the page's JSON, as the console shows times. */
    private String time(JsonNode value) {
        return TIME.format(Json.instant(value).atZone(zone));
    }

    /** What carrying the request out would do now, table by table (the planner, nothing changed). */
    private Map<String, Object> plan(RequestRow r) {
        if (r.subjectRef() == null || r.status().isClosed()) {
            return Map.of("shown", false, "note", r.subjectRef() == null ? "no subject yet" : "closed");
        }
        try {
            Planner.Plan plan = new Planner(parts.dataMap(), parts.appDatabase()).plan(r.type(), r.subjectRef());
            List<Map<String, Object>> tables = new ArrayList<>();
            for (TableOutcome t : plan.tables()) {
                tables.add(Map.of("table", t.table(), "action", t.action().name().toLowerCase(Locale.ROOT).replace('_', ' '),
                        "rows", t.rows(), "reason", t.reason() == null ? "" : t.reason()));
            }
            return Map.of("shown", true, "holds", plan.holds(), "tables", tables);
        } catch (RuntimeException e) {
            return Map.of("shown", false, "note", "the plan could not be made: "
                    + kz.dsr.secrets.Secrets.mask(kz.dsr.store.ErrorText.full(e)));
        }
    }

    /** The accounts the request's addresses and phones match in the application database (for "approve with"). */
    private List<String> candidates(RequestRow r, JsonNode ids) {
        Set<String> keys = new LinkedHashSet<>();
        try {
            if (r.requester() != null) {
                parts.subjects().find("email", r.requester()).forEach(k -> keys.add(String.valueOf(k)));
            }
            ids.path("emails").forEach(v -> parts.subjects().find("email", v.asText()).forEach(k -> keys.add(String.valueOf(k))));
            ids.path("phones").forEach(v -> parts.subjects().find("phone", v.asText()).forEach(k -> keys.add(String.valueOf(k))));
        } catch (RuntimeException e) {
            // The application database is away: the operator can still type the key.
        }
        return List.copyOf(keys);
    }

    private static String masked(String value) {
        return value.contains("@") ? Shown.mask(value) : value.length() <= 4 ? "***" : "***" + value.substring(value.length() - 2);
    }

    // ---- support mails -----------------------------------------------------------------------

    /** The mails left to the support team, newest first; their text only for those who may read mail. */
    public List<Map<String, Object>> supportMails(boolean bodies, int limit) {
        return jdbc.query("select id, sender, subject, received_at, new_text from inbound_message where disposition ="
                + " 'FOR_SUPPORT' order by id desc limit ?", (rs, n) -> {
                    Map<String, Object> mail = new LinkedHashMap<>();
                    mail.put("id", rs.getLong("id"));
                    mail.put("sender", bodies ? String.valueOf(rs.getString("sender")) : Shown.mask(rs.getString("sender")));
                    mail.put("subject", rs.getString("subject"));
                    mail.put("received", TIME.format(rs.getTimestamp("received_at").toInstant().atZone(zone)));
                    mail.put("text", bodies ? rs.getString("new_text") : "");
                    return mail;
                }, limit);
    }

    /** Unused statuses of the enum, for the filter's picker. */
    public static List<String> statusNames() {
        return EnumSet.allOf(RequestStatus.class).stream().map(Enum::name).toList();
    }
}
