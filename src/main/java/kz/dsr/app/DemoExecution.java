package kz.dsr.app;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;
import kz.dsr.datamap.DataMap;
import kz.dsr.datamap.DataMapLoader;
import kz.dsr.datamap.SchemaCheck;
import kz.dsr.execute.AccessExport;
import kz.dsr.execute.AppDatabase;
import kz.dsr.execute.DataActions;
import kz.dsr.execute.Erasure;
import kz.dsr.execute.Execution;
import kz.dsr.execute.KeyedHash;
import kz.dsr.execute.PlanCommand;
import kz.dsr.execute.Planner;
import kz.dsr.execute.TableOutcome;
import kz.dsr.request.RequestType;
import kz.dsr.samples.Sample;
import kz.dsr.store.Json;
import kz.dsr.subject.SubjectFinder;
import org.apache.camel.CamelContext;
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
     * inService: each recorded erasure request whose sender is an account's e-mail is linked to that
     * account and executed. Matching and verification (one-time code) are not built yet: the demo
     * trusts the sender's address, which the real pipeline will not.
     */
    void inService(CamelContext camel, JdbcTemplate store, String appUrl) throws Exception {
        DataActions actions = camel.getRegistry().lookupByNameAndType("dataActions", DataActions.class);
        SubjectFinder finder = new SubjectFinder(actions.map(), new AppDatabase(servers.dataSource(appUrl)));
        out.println();
        out.println("Carried out in inService's database (config/datamap.yaml) through routes/execute-request.yaml");
        out.println("(subject matching and the one-time code come with the lifecycle; here the sender's address is trusted)");
        List<Long> ids = store.queryForList("select id from request where type = 'ERASURE' and requester_email is not null"
                + " order by id", Long.class);
        for (long id : ids) {
            String sender = store.queryForObject("select requester_email from request where id = ?", String.class, id);
            Set<Object> keys = finder.find("email", sender);
            if (keys.size() != 1) {
                continue;
            }
            store.update("update request set subject_ref = ? where id = ?", String.valueOf(keys.iterator().next()), id);
            camel.createProducerTemplate().sendBody("direct:execute-request", id);
            var row = store.queryForMap("select reference, status from request where id = ?", id);
            out.println();
            out.println(row.get("reference") + "  " + sender + "  →  " + row.get("status"));
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
            if (!tables.isEmpty()) {
                PlanCommand.print(out, tables);
            }
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
