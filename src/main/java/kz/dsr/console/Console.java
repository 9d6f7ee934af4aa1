package kz.dsr.console;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import kz.dsr.intake.OperatorIntake;
import kz.dsr.operator.Decisions;
import kz.dsr.operator.Refused;
import kz.dsr.request.Lifecycle;
import kz.dsr.request.RequestStatus;
import kz.dsr.request.RequestType;
import kz.dsr.secrets.Secrets;
import kz.dsr.store.ErrorText;
import org.apache.camel.Exchange;
import io.vertx.core.http.HttpServerRequest;
import org.apache.camel.Message;
import org.apache.camel.component.platform.http.vertx.HttpMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator web console under /console (routes/console.yaml hands every request here): sign-in,
 * dashboard, requests list and search, a request's page, the decisions, the support mails, the report.
 *
 * <p>Every answer carries Cache-Control: no-store, a Content-Security-Policy that allows nothing but this
 * site's own stylesheet (no script at all, no frames, forms only to here), X-Frame-Options: DENY and
 * nosniff. Every POST must carry the session's CSRF token (403 otherwise); a decision also needs the
 * operator role (403 otherwise). No personal data is ever put in a URL: searches are POSTs.
 */
public final class Console {

    private static final Logger LOG = LoggerFactory.getLogger("kz.dsr.console");
    static final String COOKIE = "dsr_console";
    static final String CSP = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self';"
            + " frame-ancestors 'none'; base-uri 'none'";
    private static final Pattern REQUEST = Pattern.compile("/requests/(DSR-\\d{4}-\\d{6})");
    private static final Pattern DECISION = Pattern.compile("/requests/(DSR-\\d{4}-\\d{6})/(approve|reclassify|reject|extend|close)");
    private static final Pattern DEAD_LETTER = Pattern.compile("/dead-letters/(\\d{1,18})");
    private static final Pattern DEAD_LETTER_ACTION = Pattern.compile("/dead-letters/(\\d{1,18})/(retry|discard)");
    private static final Pattern SUPPORT_MAIL = Pattern.compile("/support/(\\d{1,18})/request");

    /** What the console answers: status, type, body, and extra headers (Location, Set-Cookie). */
    record Answer(int status, String contentType, byte[] body, Map<String, String> headers) {

        static Answer html(int status, String html) {
            return new Answer(status, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8), new HashMap<>());
        }

        static Answer redirect(String to) {
            Map<String, String> h = new HashMap<>();
            h.put("Location", to);
            return new Answer(303, "text/plain; charset=utf-8", new byte[0], h);
        }

        Answer cookie(String value) {
            headers.put("Set-Cookie", value);
            return this;
        }
    }

    /** One incoming request as the console needs it (read before Camel's headers are dropped). */
    record Call(String method, String path, Map<String, String> query, Map<String, String> form, String cookie) {
    }

    private final Operators operators;
    private final Sessions sessions;
    private final SignIns signIns;
    private final Desk desk;
    private final Decisions decisions;
    private final OperatorIntake operatorIntake;
    private final Pages pages;
    private final Report report;
    private final boolean secureCookie;
    private final int pageSize;
    private final kz.dsr.store.DeadLetters deadLetters;

    public Console(Operators operators, Sessions sessions, SignIns signIns, Desk desk, Decisions decisions,
                   OperatorIntake operatorIntake, Pages pages, Report report,
                   boolean secureCookie, int pageSize, kz.dsr.store.DeadLetters deadLetters) {
        this.deadLetters = deadLetters;
        this.operators = operators;
        this.sessions = sessions;
        this.signIns = signIns;
        this.desk = desk;
        this.decisions = decisions;
        this.operatorIntake = operatorIntake;
        this.pages = pages;
        this.report = report;
        this.secureCookie = secureCookie;
        this.pageSize = pageSize;
    }

    /**
     * The route's one step: reads the call from the HTTP request itself (Vert.x's, not Camel's headers: the
     * platform turns form fields into message headers, where a field could pass for a header), drops every
     * message header, answers.
     */
    public void handle(Exchange exchange) {
        Message in = exchange.getMessage();
        if (!(in instanceof HttpMessage http)) {
            throw new IllegalStateException("the console is served by platform-http on Vert.x only");
        }
        HttpServerRequest request = http.getRequest();
        String method = request.method().name();
        String path = request.path();
        if (path.startsWith("/console")) {
            path = path.substring("/console".length());
        }
        Map<String, String> form = new LinkedHashMap<>();
        if ("POST".equals(method)) {
            // At most 100 fields, the first value of each (a name given twice keeps its first value).
            for (Map.Entry<String, String> field : request.formAttributes()) {
                if (form.size() >= 100) {
                    break;
                }
                form.putIfAbsent(field.getKey(), field.getValue());
            }
        }
        Call call = new Call(method, path, decode(request.query()), form, cookie(request.getHeader("Cookie")));
        // Camel would send request headers back as response headers: only what is set below goes out.
        in.removeHeaders("*");
        Answer answer;
        try {
            answer = answer(call);
        } catch (RuntimeException e) {
            LOG.warn("Console: {} {} failed: {}", method, path.replaceAll("/requests/.*", "/requests/..."),
                    Secrets.mask(ErrorText.full(e)));
            answer = Answer.html(500, "<!doctype html><title>Error</title><p>Something went wrong; the log says what."
                    + " Nothing was changed.</p>");
        }
        in.setHeader(Exchange.HTTP_RESPONSE_CODE, answer.status());
        in.setHeader(Exchange.CONTENT_TYPE, answer.contentType());
        in.setHeader("Cache-Control", "no-store");
        in.setHeader("Content-Security-Policy", CSP);
        in.setHeader("X-Frame-Options", "DENY");
        in.setHeader("X-Content-Type-Options", "nosniff");
        in.setHeader("Referrer-Policy", "no-referrer");
        answer.headers().forEach(in::setHeader);
        in.setBody(answer.body());
    }

    Answer answer(Call c) {
        if (c.path().equals("/static/console.css") && c.method().equals("GET")) {
            return new Answer(200, "text/css; charset=utf-8", Static.css(), new HashMap<>());
        }
        Optional<Sessions.Session> found = sessions.find(c.cookie());
        if (c.path().equals("/login")) {
            return c.method().equals("POST") ? signIn(c, found.orElse(null)) : loginPage(found.orElse(null), null);
        }
        if (found.isEmpty() || found.get().operator() == null) {
            return c.method().equals("POST") ? forbidden(null) : Answer.redirect("/console/login");
        }
        Sessions.Session s = found.get();
        if (c.method().equals("POST") && !tokenMatches(s, c.form().get("csrf"))) {
            return forbidden(s);
        }
        String p = c.path().isEmpty() ? "/" : c.path();
        if (c.method().equals("GET")) {
            if (p.equals("/")) {
                return page(s, "dashboard", Map.of("d", desk.dashboard()));
            }
            if (p.equals("/requests")) {
                return list(s, c.query());
            }
            if (p.equals("/support")) {
                return support(s);
            }
            if (p.equals("/report.csv")) {
                return report(c.query());
            }
            if (p.equals("/report")) {
                return page(s, "report", Map.of("from", desk.today().withDayOfMonth(1).toString(), "to", desk.today().toString()));
            }
            Matcher m = REQUEST.matcher(p);
            if (m.matches()) {
                return requestPage(s, m.group(1));
            }
            if (p.equals("/dead-letters") || DEAD_LETTER.matcher(p).matches()) {
                if (!s.operator().role().atLeast(Role.ADMIN)) {
                    return forbidden(s);
                }
                Matcher dl = DEAD_LETTER.matcher(p);
                return deadLetters(s, dl.matches() ? Long.parseLong(dl.group(1)) : null);
            }
            return notFound(s);
        }
        if (!c.method().equals("POST")) {
            return Answer.html(405, "<!doctype html><title>405</title><p>Not allowed.</p>");
        }
        if (p.equals("/logout")) {
            sessions.end(s);
            return Answer.redirect("/console/login").cookie(cookieValue("", true));
        }
        if (p.equals("/language")) {
            s.language = "en".equals(c.form().get("lang")) ? "en" : "ru";
            String back = c.form().getOrDefault("back", "/console/");
            return Answer.redirect(back.startsWith("/console") && !back.startsWith("//") ? back : "/console/");
        }
        if (p.equals("/requests/search")) {
            return search(s, c.form().getOrDefault("q", ""));
        }
        Matcher d = DECISION.matcher(p);
        if (d.matches()) {
            return decide(s, d.group(1), d.group(2), c.form());
        }
        Matcher da = DEAD_LETTER_ACTION.matcher(p);
        if (da.matches()) {
            return settleDeadLetter(s, Long.parseLong(da.group(1)), da.group(2), c.form());
        }
        Matcher sm = SUPPORT_MAIL.matcher(p);
        if (sm.matches()) {
            return makeRequest(s, Long.parseLong(sm.group(1)), c.form());
        }
        return notFound(s);
    }

    // ---- sign-in -------------------------------------------------------------------------------

    private Answer loginPage(Sessions.Session before, String error) {
        Sessions.Session s = before != null && before.operator() == null ? before : sessions.anonymous("ru");
        Map<String, Object> model = new HashMap<>();
        model.put("csrf", s.csrf());
        model.put("error", error == null ? "" : error);
        model.put("hasError", error != null);
        return Answer.html(error == null ? 200 : 401, pages.render("login", s.language(), model))
                .cookie(cookieValue(s.id, false));
    }

    private Answer signIn(Call c, Sessions.Session before) {
        if (before == null || !tokenMatches(before, c.form().get("csrf"))) {
            return forbidden(null);
        }
        String name = c.form().getOrDefault("name", "");
        String password = c.form().getOrDefault("password", "");
        String lang = before.language();
        if (signIns.locked(name)) {
            // The same work as a real check, so a locked name answers no faster than an unlocked one.
            operators.check("", password);
            return loginPage(before, pages.text(lang, "login_locked"));
        }
        Optional<Operators.Account> account;
        try {
            account = operators.check(name, password);
        } catch (RuntimeException e) {
            LOG.error("Console sign-in: {} cannot be read: {}", operators.file(), Secrets.mask(ErrorText.full(e)));
            return loginPage(before, pages.text(lang, "login_broken"));
        }
        if (account.isEmpty()) {
            boolean locked = signIns.failed(name);
            LOG.info("Console sign-in refused{}", locked ? "; that name now waits" : "");
            return loginPage(before, pages.text(lang, locked ? "login_locked" : "login_wrong"));
        }
        signIns.succeeded(name);
        Sessions.Session s = sessions.signIn(before, account.get());
        LOG.info("Console: operator {} signed in", account.get().name());
        return Answer.redirect("/console/").cookie(cookieValue(s.id, false));
    }

    private String cookieValue(String id, boolean expire) {
        return COOKIE + "=" + id + "; Path=/console; HttpOnly; SameSite=Strict" + (secureCookie ? "; Secure" : "")
                + (expire ? "; Max-Age=0" : "");
    }

    private static boolean tokenMatches(Sessions.Session s, String token) {
        return token != null && MessageDigest.isEqual(s.csrf().getBytes(StandardCharsets.UTF_8),
                token.getBytes(StandardCharsets.UTF_8));
    }

    // ---- pages ---------------------------------------------------------------------------------

    private Answer page(Sessions.Session s, String name, Map<String, Object> model) {
        return Answer.html(200, render(s, name, model));
    }

    private String render(Sessions.Session s, String name, Map<String, Object> model) {
        Map<String, Object> all = new HashMap<>(model);
        Operators.Account me = s.operator();
        all.put("csrf", s.csrf());
        all.put("me", me.name());
        all.put("role", me.role().label());
        all.put("admin", me.role().atLeast(Role.ADMIN));
        all.put("decides", me.role().atLeast(Role.OPERATOR));
        all.put("flash", s.flash == null ? "" : s.flash);
        all.put("hasFlash", s.flash != null);
        all.put("flashError", s.flashError);
        all.put("page_" + name, true);
        s.flash = null;
        return pages.render(name, s.language(), all);
    }

    private Answer list(Sessions.Session s, Map<String, String> q) {
        Desk.Filter f = new Desk.Filter(enumOf(RequestStatus.class, q.get("status")), "ALL".equals(q.get("status")),
                enumOf(RequestType.class, q.get("type")), blankToNull(q.get("language")), "1".equals(q.get("overdue")),
                date(q.get("dueBefore")), blankToNull(q.get("processor")));
        boolean mask = !s.operator().role().atLeast(Role.OPERATOR);
        Desk.Page page = desk.list(f, blankToNull(q.get("after")), pageSize, mask);
        Map<String, Object> model = listModel(q);
        model.put("rows", page.rows());
        if (page.next() != null) {
            Map<String, String> next = new LinkedHashMap<>(q);
            next.put("after", page.next());
            model.put("next", "/console/requests?" + encode(next));
        }
        return page(s, "requests", model);
    }

    private Answer search(Sessions.Session s, String text) {
        boolean mask = !s.operator().role().atLeast(Role.OPERATOR);
        Map<String, Object> model = listModel(Map.of());
        model.put("rows", desk.search(text, mask));
        model.put("searched", true);
        model.put("q", text);
        return page(s, "requests", model);
    }

    private Map<String, Object> listModel(Map<String, String> q) {
        Map<String, Object> model = new HashMap<>();
        model.put("statuses", options(Desk.statusNames(), q.get("status")));
        model.put("types", options(java.util.Arrays.stream(RequestType.values()).map(Enum::name).toList(), q.get("type")));
        model.put("languages", options(desk.languages(), q.get("language")));
        model.put("processors", options(desk.processorNames(), q.get("processor")));
        model.put("allStatuses", "ALL".equals(q.get("status")));
        model.put("overdue", "1".equals(q.get("overdue")));
        model.put("dueBefore", q.getOrDefault("dueBefore", ""));
        return model;
    }

    private static List<Map<String, Object>> options(List<String> values, String chosen) {
        return values.stream().map(v -> Map.<String, Object>of("value", v, "selected", v.equals(chosen))).toList();
    }

    private Answer requestPage(Sessions.Session s, String reference) {
        Role role = s.operator().role();
        Optional<Map<String, Object>> r = desk.request(reference, role.atLeast(Role.OPERATOR), role.atLeast(Role.OPERATOR));
        if (r.isEmpty()) {
            return notFound(s);
        }
        return page(s, "request", Map.of("r", r.get()));
    }

    private Answer support(Sessions.Session s) {
        boolean read = s.operator().role().atLeast(Role.OPERATOR);
        List<String> types = java.util.Arrays.stream(RequestType.values())
                .filter(t -> t != RequestType.NOT_DSR && t != RequestType.UNKNOWN).map(Enum::name).toList();
        return page(s, "support", Map.of("mails", desk.supportMails(read, 200), "types", types));
    }

    private Answer report(Map<String, String> q) {
        LocalDate to = Optional.ofNullable(date(q.get("to"))).orElse(desk.today());
        LocalDate from = Optional.ofNullable(date(q.get("from"))).orElse(to.withDayOfMonth(1));
        if (from.isAfter(to) || from.plusYears(5).isBefore(to)) {
            return Answer.html(400, "<!doctype html><title>400</title><p>The period must run forwards, at most five years.</p>");
        }
        Answer a = new Answer(200, "text/csv; charset=utf-8", report.csv(from, to).getBytes(StandardCharsets.UTF_8),
                new HashMap<>());
        a.headers().put("Content-Disposition", "attachment; filename=\"requests-" + from + "-" + to + ".csv\"");
        return a;
    }

    // ---- decisions -----------------------------------------------------------------------------

    private Answer decide(Sessions.Session s, String reference, String decision, Map<String, String> form) {
        Operators.Account me = s.operator();
        if (!me.role().atLeast(Role.OPERATOR)) {
            return forbidden(s);
        }
        String reason = form.getOrDefault("reason", "").strip();
        String back = "/console/requests/" + reference;
        try {
            String done = switch (decision) {
                case "approve" -> decisions.approve(reference, me.name(), reason.isEmpty()
                        ? pages.text("en", "approve_default_reason") : reason, form.get("subject"));
                case "reclassify" -> {
                    RequestType type = enumOf(RequestType.class, form.get("type"));
                    if (type == null) {
                        throw new IllegalArgumentException(pages.text(s.language(), "pick_type"));
                    }
                    yield decisions.reclassify(reference, me.name(), reason, type);
                }
                case "reject" -> decisions.reject(reference, me.name(), reason);
                case "extend" -> decisions.extend(reference, me.name(), reason, number(form.get("days")));
                default -> decisions.close(reference, me.name(), reason);
            };
            LOG.info("Console: operator {} decided {} on a request", me.name(), decision);
            s.flash(done, false);
        } catch (Refused | Lifecycle.IllegalTransition e) {
            String seen = form.getOrDefault("seen", "");
            Optional<String> now = kz.dsr.operator.RequestRow.find(desk.jdbc(), reference, false).map(r -> r.status().name());
            if (now.isPresent() && !seen.isEmpty() && !seen.equals(now.get())) {
                String by = decisions.lastMovedBy(reference).orElse("?").replaceFirst("^operator:", "");
                s.flash(pages.text(s.language(), "already_decided").replace("{who}", by).replace("{status}", now.get()), true);
            } else {
                s.flash(e.getMessage() + ". " + pages.text(s.language(), "nothing_changed"), true);
            }
        } catch (IllegalArgumentException e) {
            s.flash(e.getMessage() + ". " + pages.text(s.language(), "nothing_changed"), true);
        }
        return Answer.redirect(back);
    }

    private Answer makeRequest(Sessions.Session s, long inboundId, Map<String, String> form) {
        Operators.Account me = s.operator();
        if (!me.role().atLeast(Role.OPERATOR)) {
            return forbidden(s);
        }
        RequestType type = enumOf(RequestType.class, form.get("type"));
        String reason = form.getOrDefault("reason", "").strip();
        if (type == null || type == RequestType.NOT_DSR || type == RequestType.UNKNOWN || reason.isEmpty()
                || reason.length() > 1000) {
            s.flash(pages.text(s.language(), "support_needs"), true);
            return Answer.redirect("/console/support");
        }
        Optional<String> made = operatorIntake.requestFromSupport(inboundId, type, me.name(), reason);
        if (made.isEmpty()) {
            s.flash(pages.text(s.language(), "support_gone"), true);
            return Answer.redirect("/console/support");
        }
        LOG.info("Console: operator {} made a support mail a request", me.name());
        s.flash(pages.text(s.language(), "support_made").replace("{ref}", made.get()), false);
        return Answer.redirect("/console/requests/" + made.get());
    }

    // ---- dead letters (admin) ---------------------------------------------------------------------

    private Answer deadLetters(Sessions.Session s, Long id) {
        List<Map<String, Object>> rows = new java.util.ArrayList<>();
        for (kz.dsr.store.DeadLetters.Letter l : deadLetters.recent(200)) {
            rows.add(letter(l, false));
        }
        Map<String, Object> model = new HashMap<>();
        model.put("letters", rows);
        if (id != null) {
            Optional<kz.dsr.store.DeadLetters.Letter> one = deadLetters.find(id, false);
            if (one.isEmpty()) {
                return notFound(s);
            }
            model.put("letter", letter(one.get(), true));
        }
        return page(s, "deadletters", model);
    }

    private Map<String, Object> letter(kz.dsr.store.DeadLetters.Letter l, boolean full) {
        Map<String, Object> m = new HashMap<>();
        m.put("id", l.id());
        m.put("source", l.source());
        m.put("created", Desk.TIME.format(l.createdAt().atZone(desk.zone())));
        String error = l.error() == null ? "" : l.error();
        m.put("error", full ? error : error.lines().findFirst().orElse("").substring(0,
                Math.min(160, error.lines().findFirst().orElse("").length())));
        m.put("rawBytes", l.rawBytes());
        m.put("open", l.resolvedAt() == null);
        m.put("resolution", l.resolution() == null ? "" : l.resolution());
        m.put("canRetry", l.resolvedAt() == null && l.rawBytes() > 0 && "intake".equals(l.source()));
        return m;
    }

    /** Retry (a mail goes through intake again, in one transaction with its settling) or discard with a reason. */
    private Answer settleDeadLetter(Sessions.Session s, long id, String action, Map<String, String> form) {
        Operators.Account me = s.operator();
        if (!me.role().atLeast(Role.ADMIN)) {
            return forbidden(s);
        }
        String reason = form.getOrDefault("reason", "").strip();
        if (action.equals("discard") && (reason.isEmpty() || reason.length() > 1000)) {
            s.flash(pages.text(s.language(), "reason_needed"), true);
            return Answer.redirect("/console/dead-letters/" + id);
        }
        OperatorIntake.Outcome outcome;
        try {
            outcome = action.equals("discard") ? operatorIntake.discard(id, me.name(), reason)
                    : operatorIntake.retry(id, me.name());
        } catch (RuntimeException e) {
            // Still failing: the letter stays as it was, with the new error shown to the operator.
            LOG.warn("Console: retrying dead letter {} failed: {}", id, Secrets.mask(ErrorText.full(e)));
            s.flash(pages.text(s.language(), "dead_letter_failed") + " " + Secrets.mask(ErrorText.full(e)), true);
            return Answer.redirect("/console/dead-letters/" + id);
        }
        String done = switch (outcome.settled()) {
            case DISCARDED -> pages.text(s.language(), "dead_letter_discarded");
            case RETRIED -> pages.text(s.language(), "dead_letter_retried") + " " + outcome.result();
            case NO_MAIL_TO_RETRY -> pages.text(s.language(), "dead_letter_failed") + " "
                    + pages.text(s.language(), "dead_letter_no_mail");
            case ALREADY_SETTLED -> pages.text(s.language(), "dead_letter_gone");
        };
        boolean settled = outcome.settled() == OperatorIntake.Settled.DISCARDED
                || outcome.settled() == OperatorIntake.Settled.RETRIED;
        if (settled) {
            LOG.info("Console: operator {} settled dead letter {} ({})", me.name(), id, action);
        }
        s.flash(done, !settled);
        return Answer.redirect("/console/dead-letters/" + id);
    }

    private Answer forbidden(Sessions.Session s) {
        String lang = s == null ? "ru" : s.language();
        return Answer.html(403, "<!doctype html><meta charset=\"utf-8\"><title>403</title><p>"
                + pages.text(lang, "forbidden") + "</p>");
    }

    private Answer notFound(Sessions.Session s) {
        return Answer.html(404, render(s, "notfound", Map.of()));
    }

    // ---- parsing -------------------------------------------------------------------------------

    private static <E extends Enum<E>> E enumOf(Class<E> type, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Enum.valueOf(type, value.strip());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static LocalDate date(String value) {
        try {
            return value == null || value.isBlank() ? null : LocalDate.parse(value.strip());
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static int number(String value) {
        try {
            return Integer.parseInt(value == null ? "" : value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("days must be a whole number", e);
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    /** A form body or query string; a name given twice keeps its first value. At most 100 fields. */
    static Map<String, String> decode(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        if (text == null || text.isEmpty()) {
            return out;
        }
        for (String pair : text.split("&", 101)) {
            if (out.size() >= 100) {
                break;
            }
            int eq = pair.indexOf('=');
            try {
                String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                out.putIfAbsent(k, v);
            } catch (IllegalArgumentException e) {
                // a broken escape: the field is left out
            }
        }
        return out;
    }

    private static String encode(Map<String, String> q) {
        StringBuilder b = new StringBuilder();
        q.forEach((k, v) -> {
            if (v != null && !v.isEmpty()) {
                b.append(b.length() == 0 ? "" : "&").append(java.net.URLEncoder.encode(k, StandardCharsets.UTF_8))
                        .append('=').append(java.net.URLEncoder.encode(v, StandardCharsets.UTF_8));
            }
        });
        return b.toString();
    }

    private static String cookie(String header) {
        if (header == null) {
            return null;
        }
        for (String part : header.split(";")) {
            String p = part.strip();
            if (p.startsWith(COOKIE + "=")) {
                return p.substring(COOKIE.length() + 1);
            }
        }
        return null;
    }
}
