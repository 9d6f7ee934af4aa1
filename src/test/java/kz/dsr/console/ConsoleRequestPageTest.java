package kz.dsr.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import kz.dsr.store.EventLog;
import kz.dsr.testing.RunningPipeline;
import kz.dsr.timers.WorkingCalendar;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A request's page over HTTP (no browser): each thing the store holds about the request — its mail,
 * its timeline, its processor task, its replies — shows on the page, and a viewer sees the same page
 * without mail text, reply text or a sender address in clear. One-time codes never show.
 */
class ConsoleRequestPageTest {

    private static final String PASSWORD = "correct horse battery";
    private static final String REFERENCE = "DSR-2026-000777";
    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");
    private static final Instant RECEIVED = Instant.parse("2026-03-02T04:15:00Z");
    private static final Instant TASK_DUE = Instant.parse("2026-03-16T09:30:00Z");
    private static final Instant ACK_SENT = Instant.parse("2026-03-02T04:16:00Z");

    private static RunningPipeline pipeline;
    private static String base;
    private static ZoneId zone;

    @BeforeAll
    static void start() throws Exception {
        Path dir = Files.createTempDirectory("dsr-console-page");
        Operators accounts = new Operators(dir.resolve("operators.yaml"));
        accounts.put(new Operators.Account("bolat", Role.OPERATOR, "en", Operators.hash(PASSWORD, 4)));
        accounts.put(new Operators.Account("vera", Role.VIEWER, "en", Operators.hash(PASSWORD, 4)));
        pipeline = RunningPipeline.start(Map.of("dsr.console.operators-file", dir.resolve("operators.yaml").toString()));
        base = "http://127.0.0.1:" + pipeline.httpPort() + "/console";
        // The zone the console writes times in: its working calendar's (config/application.properties names the file).
        zone = WorkingCalendar.load(Path.of(pipeline.settings().getOrDefault("dsr.calendar.file",
                "config/calendar.yaml"))).zone();

        // A completed request (nothing in the pipeline acts on it any more) with one of everything; its code
        // reply failed (the sender leaves it alone), so its text stays in the store and the page must blank it.
        JdbcTemplate store = pipeline.store();
        long id = store.queryForObject("""
                insert into request (reference, type, status, language, requester_email, received_at, due_date,
                                     confidence, classification, status_reason)
                values (?, 'ERASURE', 'COMPLETED', 'en', 'aigerim.nurlanova@example.kz', ?, date '2026-03-23', 0.875,
                        '{"evidence": ["rule erasure.delete-account matched"],
                          "identifiers": {"emails": ["aigerim.alt@example.kz"], "phones": ["+77011234567"]}}',
                        'executed')
                returning id""", Long.class, REFERENCE, Timestamp.from(RECEIVED));
        long mail = store.queryForObject("""
                insert into inbound_message (message_key, sender, subject, received_at, new_text, quoted_text,
                                             signature, disposition, size_bytes, attachments, limit_reason, request_id)
                values ('<page-test@example.kz>', 'aigerim.nurlanova@example.kz', 'Please delete my account', ?,
                        'Delete everything you hold about me.', '> an older letter', '', 'NEW_REQUEST', 4096,
                        '[{"name": "passport.pdf", "contentType": "application/pdf", "sizeBytes": 2048}]',
                        'one attachment was too large to keep', ?)
                returning id""", Long.class, Timestamp.from(RECEIVED), id);
        EventLog events = new EventLog(store);
        events.append(id, "RECEIVED", "intake", Map.of("inboundId", mail));
        events.append(id, "CLASSIFIED", "classifier", Map.of("type", "ERASURE"));
        events.append(id, "STATUS_COMPLETED", "operator:bolat", Map.of("tables", 3));
        store.update("""
                insert into processor_task (request_id, processor, kind, subject_request_id, status, due_at)
                values (?, 'paybox', 'OPENDSR', gen_random_uuid(), 'COMPLETED', ?)""", id, Timestamp.from(TASK_DUE));
        store.update("""
                insert into outbox (channel, event_key, request_id, recipient, subject, body, message_id, status,
                                    created_at, sent_at)
                values ('MAIL', 'ack:' || ?, ?, 'aigerim.nurlanova@example.kz', 'Your request is received',
                        'We received your request on 2 March.', '<ack-page-test@dsr.test>', 'SENT', ?, ?),
                       ('MAIL', 'code:' || ?, ?, 'aigerim.nurlanova@example.kz', 'Your confirmation code',
                        'Your code is 482913. It is valid for 24 hours.', '<code-page-test@dsr.test>', 'FAILED',
                        ?, null)""", REFERENCE, id, Timestamp.from(ACK_SENT), Timestamp.from(ACK_SENT),
                REFERENCE, id, Timestamp.from(ACK_SENT.plusSeconds(60)));
    }

    @AfterAll
    static void stop() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @Test
    void anOperatorSeesTheMailTheTimelineTheTaskAndTheRepliesWithTheCodeBlanked() throws Exception {
        String page = visibleText(page("bolat"));

        assertTrue(page.contains("Please delete my account"), page);
        assertTrue(page.contains("Delete everything you hold about me."), page);
        assertTrue(page.contains("> an older letter"), page);
        assertTrue(page.contains("passport.pdf (application/pdf, 2048 bytes)"), page);
        assertTrue(page.contains("one attachment was too large to keep"), page);
        assertTrue(page.contains(at(RECEIVED) + " Please delete my account"), page);

        // The timeline in order, each with its actor and details as stored.
        int received = page.indexOf("RECEIVED intake {\"inboundId\":");
        int classified = page.indexOf("CLASSIFIED classifier {\"type\":\"ERASURE\"}");
        int completed = page.indexOf("STATUS_COMPLETED operator:bolat {\"tables\":3}");
        assertTrue(received > 0 && classified > received && completed > classified, page);

        assertTrue(page.contains("paybox OPENDSR COMPLETED " + at(TASK_DUE)), page);

        assertTrue(page.contains(at(ACK_SENT) + " ack · SENT · aigerim.nurlanova@example.kz"), page);
        assertTrue(page.contains("We received your request on 2 March."), page);
        assertTrue(page.contains("code · FAILED · aigerim.nurlanova@example.kz"), page);
        assertTrue(page.contains("Your code is ••••••. It is valid for 24 hours."), page);
        assertFalse(page.contains("482913"), "the one-time code shows: " + page);

        assertTrue(page.contains("rule erasure.delete-account matched"), page);
        assertTrue(page.contains("phones: +77011234567"), page);
        assertTrue(page.contains("0.875"), page);
    }

    @Test
    void aViewerSeesTheSameThingsWithoutTextsOrAddresses() throws Exception {
        String page = visibleText(page("vera"));

        assertTrue(page.contains(at(RECEIVED) + " Please delete my account"), page);
        assertTrue(page.contains("passport.pdf (application/pdf, 2048 bytes)"), page);
        assertTrue(page.contains("STATUS_COMPLETED operator:bolat {\"tables\":3}"), page);
        assertTrue(page.contains("paybox OPENDSR COMPLETED " + at(TASK_DUE)), page);
        assertTrue(page.contains("ack · SENT · a***@example.kz"), page);
        assertTrue(page.contains("code · FAILED · a***@example.kz"), page);
        assertTrue(page.contains("emails: a***@example.kz"), page);
        assertTrue(page.contains("phones: ***67"), page);
        for (String secret : List.of("aigerim.nurlanova@", "aigerim.alt@", "Delete everything", "older letter",
                "We received your request", "Your code is", "482913", "+77011234567")) {
            assertFalse(page.contains(secret), "a viewer sees '" + secret + "': " + page);
        }
    }

    private static String at(Instant t) {
        return Desk.TIME.format(t.atZone(zone));
    }

    /** The request's page as the operator signed in as {@code name} gets it. */
    private static String page(String name) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> login = http.send(HttpRequest.newBuilder(URI.create(base + "/login")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        String cookie = login.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
        Matcher m = CSRF.matcher(login.body());
        assertTrue(m.find(), login.body());
        HttpResponse<String> in = http.send(HttpRequest.newBuilder(URI.create(base + "/login"))
                .header("Cookie", cookie).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("csrf=" + m.group(1) + "&name=" + name + "&password="
                        + PASSWORD.replace(' ', '+'))).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(303, in.statusCode(), in.body());
        String session = in.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(base + "/requests/" + REFERENCE))
                .header("Cookie", session).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, page.statusCode(), page.body());
        return page.body();
    }

    /** The page as a reader sees it: tags gone, entities read, runs of white space one space. */
    private static String visibleText(String html) {
        String text = html.replaceAll("(?s)<(script|style)[^>]*>.*?</\\1>", " ").replaceAll("<[^>]+>", " ")
                .replace("&quot;", "\"").replace("&#39;", "'").replace("&#x27;", "'").replace("&#x2F;", "/")
                .replace("&#x3D;", "=").replace("&#x60;", "`").replace("&lt;", "<").replace("&gt;", ">")
                .replace("&amp;", "&");
        return text.replaceAll("\\s+", " ");
    }
}
