package kz.dsr.demo;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import kz.dsr.datamap.DataMap;
import kz.dsr.datamap.DataMapLoader;
import kz.dsr.datamap.SchemaCheck;
import kz.dsr.execute.AccessExport;
import kz.dsr.execute.AppDatabase;
import kz.dsr.execute.Erasure;
import kz.dsr.execute.Execution;
import kz.dsr.execute.KeyedHash;
import kz.dsr.execute.PlanCommand;
import kz.dsr.execute.Planner;
import kz.dsr.execute.TableOutcome;
import kz.dsr.request.RequestType;
import kz.dsr.demo.Sample;
import kz.dsr.store.Json;
import kz.dsr.subject.SubjectFinder;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The second half of the demo: requests carried out against the two sample companies' databases,
 * driven by their data maps — inService through the running pipeline's execute-request route, inji
 * with the executors directly (plan, access export, erasure).
 */
final class DemoExecution {

    private final PrintStream out;
    private final EmbeddedServices servers;

    DemoExecution(PrintStream out, EmbeddedServices servers) {
        this.out = out;
        this.servers = servers;
    }

    /**
     * inService, through the running pipeline: the three sample mails from account holders are matched,
     * a one-time code goes to each registered address, and the demo — playing the person — reads it
     * from the embedded mailbox and sends it back. One erasure is carried out; another meets a
     * legal hold (unpaid debt) and the person is told why; an access request is exported and its
     * export mailed once the payment processor has sent its own results.
     */
    void inService(JdbcTemplate store, Duration timeout) throws Exception {
        out.println();
        out.println("Verified and carried out in inService's database (config/datamap.yaml):");
        for (String holder : List.of("aigerim.nurlanova@example.kz", "debtor@example.kz", "erlan.saparov@example.kz")) {
            List<Long> ids = store.queryForList("select id from request where requester_email = ? order by id", Long.class,
                    holder);
            if (ids.isEmpty()) {
                continue;
            }
            long id = ids.get(0);
            String ref = store.queryForObject("select reference from request where id = ?", String.class, id);
            waitFor(timeout, () -> "AWAITING_VERIFICATION".equals(status(store, id)));
            jakarta.mail.internet.MimeMessage codeMail = waitForCode(holder, ref, timeout);
            out.println();
            out.println(ref + "  " + holder + ": code sent to the registered address; the person replies with it");
            servers.deliverToSupport(reply(holder, codeMail));
            // COMPLETED only once every processor confirmed (AWAITING_PROCESSORS until then).
            waitFor(timeout, () -> List.of("COMPLETED", "ON_HOLD", "FAILED", "REJECTED").contains(status(store, id)));
            out.println(ref + "  →  " + status(store, id) + "   timeline: " + String.join(" → ", store.queryForList(
                    "select substr(kind, 8) from request_event where request_id = ? and kind like 'STATUS_%' order by id",
                    String.class, id)));
            String details = store.queryForObject("select details from request_event where request_id = ? and kind in"
                    + " ('EXECUTED', 'ON_HOLD') order by id desc limit 1", String.class, id);
            JsonNode d = Json.mapper().readTree(details);
            if (d.has("hold")) {
                out.println("  legal hold '" + d.get("hold").asText() + "': nothing changed; the person was told why by mail");
            }
            List<TableOutcome> tables = new ArrayList<>();
            for (JsonNode t : d.path("tables")) {
                tables.add(new TableOutcome(t.get("table").asText(), TableOutcome.Action.valueOf(t.get("action").asText()),
                        t.get("rows").asLong(), t.path("reason").isMissingNode() ? null : t.get("reason").asText()));
            }
            if ("ACCESS".equals(store.queryForObject("select type from request where id = ?", String.class, id))) {
                // Every table of the data map is in the export: its size says more than a long table would.
                if ("COMPLETED".equals(status(store, id))) {
                    waitForExport(holder, ref, timeout);
                    out.printf("  export: %,d rows from %d tables in export.json and export.html, mailed to the registered"
                            + " address once the processors had confirmed%n", tables.stream().mapToLong(TableOutcome::rows)
                            .sum(), tables.stream().filter(t -> t.rows() > 0).count());
                }
            } else if (!tables.isEmpty()) {
                PlanCommand.print(out, tables);
            }
            printProcessors(store, id);
        }
    }

    /** Each processor's way: told, what its API answered, how it confirmed. */
    private void printProcessors(JdbcTemplate store, long id) throws Exception {
        List<String> names = store.queryForList("select processor || ' (' || lower(kind) || ')' from processor_task"
                + " where request_id = ? order by id", String.class, id);
        if (names.isEmpty()) {
            return;
        }
        out.println("  processors told (config/processors.yaml; played by a local receiver):");
        for (java.util.Map<String, Object> t : store.queryForList("select processor, kind, status from processor_task"
                + " where request_id = ? order by id", id)) {
            List<String> steps = new ArrayList<>();
            for (String details : store.queryForList("select details from request_event where request_id = ? and kind"
                    + " like 'PROCESSOR_%' order by id", String.class, id)) {
                JsonNode d = Json.mapper().readTree(details);
                if (d.path("processor").asText().equals(t.get("processor"))) {
                    // A refused report (the API's answer after the callback's COMPLETED) changed nothing.
                    // An access request's processor says how many results it holds for the person (results_count).
                    steps.add(d.has("to") ? d.get("to").asText() + " (" + d.path("source").asText()
                            + (d.has("httpStatus") ? " " + d.get("httpStatus").asText() : "")
                            + (d.has("resultsCount") ? ", " + results(d.get("resultsCount").asLong()) : "") + ")"
                            : d.has("reported") ? d.get("reported").asText() + " (" + d.path("source").asText()
                                    + ", came late: ignored)" : "told");
                }
            }
            out.printf("    %-12s %-8s %s%n", t.get("processor"), t.get("kind"), String.join(" → ", steps));
        }
    }

    private static String results(long count) {
        return count + (count == 1 ? " result" : " results");
    }

    private static String status(JdbcTemplate store, long id) {
        return store.queryForObject("select status from request where id = ?", String.class, id);
    }

    /** The mail that carried the request's code to the address. */
    private jakarta.mail.internet.MimeMessage waitForCode(String address, String reference, Duration timeout)
            throws Exception {
        jakarta.mail.internet.MimeMessage[] found = new jakarta.mail.internet.MimeMessage[1];
        waitFor(timeout, () -> {
            for (jakarta.mail.internet.MimeMessage m : servers.mail().getReceivedMessagesForDomain(address)) {
                try {
                    if (m.getSubject().contains(reference) && m.getContent() instanceof String text) {
                        if (CODE.matcher(text).find()) {
                            found[0] = m;
                            return true;
                        }
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
            return false;
        });
        return found[0];
    }

    /** The final reply of an access request, with the export attached, in the person's mailbox. */
    private void waitForExport(String address, String reference, Duration timeout) throws Exception {
        waitFor(timeout, () -> {
            for (jakarta.mail.internet.MimeMessage m : servers.mail().getReceivedMessagesForDomain(address)) {
                try {
                    if (m.getSubject().contains(reference) && m.getContent() instanceof jakarta.mail.Multipart parts) {
                        for (int i = 0; i < parts.getCount(); i++) {
                            if ("export.json".equals(parts.getBodyPart(i).getFileName())) {
                                return true;
                            }
                        }
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
            return false;
        });
    }

    private static final Pattern CODE = Pattern.compile("(?:одноразовый код|one-time code|Бір реттік кодыңыз): (\\d{6})");

    /** The person's answer to the code mail, as a mail client writes it: in its thread, with the code. */
    private static byte[] reply(String from, jakarta.mail.internet.MimeMessage codeMail) throws Exception {
        Matcher code = CODE.matcher((String) codeMail.getContent());
        if (!code.find()) {
            throw new IllegalStateException("the code mail holds no code");
        }
        jakarta.mail.internet.MimeMessage m = new jakarta.mail.internet.MimeMessage(
                jakarta.mail.Session.getInstance(new java.util.Properties()));
        m.setFrom(new jakarta.mail.internet.InternetAddress(from));
        m.setRecipients(jakarta.mail.Message.RecipientType.TO, EmbeddedServices.SUPPORT_ADDRESS);
        m.setSubject("Re: " + codeMail.getSubject(), "UTF-8");
        m.setHeader("In-Reply-To", codeMail.getMessageID());
        m.setHeader("References", codeMail.getMessageID());
        m.setText("Код: " + code.group(1), "UTF-8");
        m.saveChanges();
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        m.writeTo(bytes);
        return bytes.toByteArray();
    }

    private static void waitFor(Duration timeout, java.util.function.BooleanSupplier done) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new IllegalStateException("the demo gave up waiting after " + timeout.toSeconds() + " s");
            }
            Thread.sleep(200);
        }
    }

    /** inji: a sample database of 500 subjects; plan, export and erase the fixture Асель (+77011234567). */
    void inji(Path work, String secret) throws Exception {
        String url = servers.sampleDatabase(Sample.INJI, 500, 7);
        DataSource ds = servers.dataSource(url);
        DataMap map = SchemaCheck.check(DataMapLoader.load(Path.of("config/datamap-inji.yaml")), ds);
        AppDatabase db = new AppDatabase(ds);
        Object key = new SubjectFinder(map, db).find("phone", "8 701 123 45 67").iterator().next();
        out.println();
        out.println("inji (config/datamap-inji.yaml, sample database of 500 subjects + fixtures): subject +77011234567");
        Planner.Plan plan = new Planner(map, db).plan(RequestType.ERASURE, key);
        out.println("plan --type ERASURE (nothing changed):");
        PlanCommand.print(out, plan.tables());
        Path json = work.resolve("inji-export.json");
        Path html = work.resolve("inji-export.html");
        Execution export = new AccessExport(map, db, Clock.systemUTC()).toFiles(key, "ru", json, html);
        out.printf("%nACCESS export: %,d rows in %d categories → %s (%,d bytes) and %s%n",
                export.tables().stream().mapToLong(TableOutcome::rows).sum(), map.exportedCategories().size(), json,
                Files.size(json), html);
        Execution erased = new Erasure(map, db, new KeyedHash(secret)).run(key);
        out.println("ERASURE: " + erased.result());
        PlanCommand.print(out, erased.tables());
    }
}
