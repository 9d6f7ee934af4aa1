package kz.dsr.app;

import static kz.dsr.testing.RunningPipeline.await;
import static kz.dsr.testing.TestMail.mail;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import kz.dsr.testing.RunningPipeline;
import org.apache.camel.ServiceStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With route reload turned on (development; it is off in the shipped configuration), an edited route
 * file is reloaded while the pipeline runs, and the other routes keep running.
 */
class RouteReloadTest {

    @TempDir
    Path routes;

    @Test
    void anEditedRouteFileIsReloadedWithoutARestart() throws Exception {
        try (var files = Files.list(Path.of("routes"))) {
            for (Path f : files.toList()) {
                Files.copy(f, routes.resolve(f.getFileName()));
            }
        }
        try (RunningPipeline pipeline = RunningPipeline.start(Map.of(
                "camel.main.routes-reload-enabled", "true",
                "camel.main.routes-include-pattern", "file:" + routes + "/*.yaml",
                "camel.main.routes-reload-directory", routes.toString()))) {
            assertEquals("Parsed mail -> request + events + acknowledgement (one transaction)",
                    pipeline.context().getRoute("record-mail").getDescription());

            Path file = routes.resolve("record-mail.yaml");
            Files.writeString(file, Files.readString(file).replace(
                    "description: Parsed mail -> request + events + acknowledgement (one transaction)",
                    "description: edited by an operator"));
            // Live means replaced and started: the new route is registered a moment before it is started.
            await("the edited route is live", Duration.ofSeconds(30), () -> {
                var route = pipeline.context().getRoute("record-mail");
                return route != null && "edited by an operator".equals(route.getDescription())
                        && pipeline.context().getRouteController().getRouteStatus("record-mail") == ServiceStatus.Started;
            });
            for (String id : new String[] {"intake-mailbox", "record-mail", "outbox-relay"}) {
                assertEquals(ServiceStatus.Started, pipeline.context().getRouteController().getRouteStatus(id), id);
            }
            pipeline.deliver(mail().from("after-reload@example.kz").bytes());
            await("a mail is still handled after the reload", Duration.ofSeconds(30),
                    () -> pipeline.received("after-reload@example.kz").size() == 1);
        }
    }
}
