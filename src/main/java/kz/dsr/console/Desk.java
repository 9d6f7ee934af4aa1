package kz.dsr.console;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Date;
import java.sql.Timestamp;
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

    /** Everything about one request; {@code mailBodies} false (viewer): no mail text, sender masked. */
    public Optional<Map<String, Object>> request(String reference, boolean mailBodies, boolean decide) {
        Optional<RequestRow.Classified> found = RequestRow.findClassified(jdbc, reference);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        RequestRow r = found.get().row();
        Map<String, Object> m = new LinkedHashMap<>(rows(List.of(r), !mailBodies).get(0));
        m.put("statusReason", r.statusReason() == null ? "" : r.statusReason());
        m.put("subjectRef", r.subjectRef() == null ? "" : r.subjectRef());
        JsonNode classification = kz.dsr.store.RequestStore.classificationOf(r.id(), found.get().classification());
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
        m.put("confidence", found.get().confidence().toPlainString());
        m.put("mails", mails(r.id(), mailBodies));
        m.put("timeline", timeline(r.id()));
        m.put("tasks", tasks(r.id()));
        m.put("replies", replies(r.id(), mailBodies));
        m.put("plan", plan(r));
        // Why no subject is linked: the cause of the newest move to review, if the request went there.
        m.put("matchNote", r.subjectRef() != null || r.statusReason() == null ? "" : r.statusReason());
        RequestStatus s = r.status();
        // As `requests approve`: a request in review, or one held without a code that was ever sent.
        boolean heldWithoutCode = s == RequestStatus.AWAITING_VERIFICATION && "DECOY".equals(jdbc.queryForList(
                "select purpose from verification_code where request_id = ? order by id desc limit 1", String.class,
                r.id()).stream().findFirst().orElse(""));
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
    private List<Map<String, Object>> mails(long id, boolean bodies) {
        return jdbc.query("select id, subject, received_at, new_text, quoted_text, attachments, limit_reason from"
                + " inbound_message where request_id = ? order by id", (rs, n) -> {
                    Map<String, Object> mail = new LinkedHashMap<>();
                    mail.put("received", TIME.format(rs.getTimestamp("received_at").toInstant().atZone(zone)));
                    mail.put("subject", rs.getString("subject"));
                    mail.put("text", bodies ? rs.getString("new_text") : "");
                    mail.put("quoted", bodies ? rs.getString("quoted_text") : "");
                    mail.put("hasQuoted", bodies && !rs.getString("quoted_text").isBlank());
                    List<String> names = new ArrayList<>();
                    kz.dsr.store.Json.read(rs.getString("attachments"),
                            new com.fasterxml.jackson.core.type.TypeReference<List<Map<String, Object>>>() { })
                            .forEach(a -> names.add(a.get("name") + " (" + a.get("contentType") + ", "
                                    + a.get("sizeBytes") + " bytes)"));
                    mail.put("attachments", names);
                    mail.put("hasAttachments", !names.isEmpty());
                    mail.put("limit", rs.getString("limit_reason") == null ? "" : rs.getString("limit_reason"));
                    return mail;
                }, id);
    }

    private List<Map<String, Object>> timeline(long id) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (EventLog.Event e : parts.events().timeline(id)) {
            out.add(Map.of("at", TIME.format(e.at().atZone(zone)), "kind", e.kind(), "actor", e.actor(),
                    "details", e.details()));
        }
        return out;
    }

    private List<Map<String, Object>> tasks(long id) {
        return jdbc.query("select processor, kind, status, due_at from processor_task where request_id = ? order by id",
                (rs, n) -> Map.of("processor", rs.getString(1), "kind", rs.getString(2), "status", rs.getString(3),
                        "due", TIME.format(rs.getTimestamp(4).toInstant().atZone(zone))), id);
    }

    /** Every reply of the request, as it went (or waits to go); a one-time code never shows. */
    private List<Map<String, Object>> replies(long id, boolean bodies) {
        return jdbc.query("select event_key, recipient, subject, body, status, created_at, sent_at from outbox"
                + " where request_id = ? and channel = 'MAIL' order by id", (rs, n) -> {
                    Map<String, Object> reply = new LinkedHashMap<>();
                    String key = rs.getString("event_key");
                    reply.put("kind", key.contains(":") ? key.substring(0, key.indexOf(':')) : key);
                    reply.put("to", bodies ? rs.getString("recipient") : Shown.mask(rs.getString("recipient")));
                    reply.put("subject", rs.getString("subject"));
                    String body = rs.getString("body");
                    // Codes are blanked whatever the row's state: a code still waiting to go is as secret as one sent.
                    reply.put("body", !bodies ? "" : key.startsWith("code:") ? DIGITS.matcher(body).replaceAll("••••••")
                            : body);
                    reply.put("status", rs.getString("status"));
                    Timestamp sent = rs.getTimestamp("sent_at");
                    reply.put("when", TIME.format((sent != null ? sent : rs.getTimestamp("created_at")).toInstant()
                            .atZone(zone)));
                    return reply;
                }, id);
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
