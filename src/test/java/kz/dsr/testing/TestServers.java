package kz.dsr.testing;

import java.nio.file.Path;
import kz.dsr.demo.EmbeddedServices;

/** One embedded PostgreSQL and one GreenMail for the whole test JVM (each test class takes its own database). */
public final class TestServers {

    private static EmbeddedServices servers;

    private TestServers() {
    }

    public static synchronized EmbeddedServices get() {
        if (servers == null) {
            servers = EmbeddedServices.start(Path.of("target", "embedded-pg"));
            Runtime.getRuntime().addShutdownHook(new Thread(servers::close));
        }
        return servers;
    }
}
