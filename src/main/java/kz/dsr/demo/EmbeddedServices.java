package kz.dsr.demo;

import com.icegreen.greenmail.Managers;
import com.icegreen.greenmail.imap.ImapHandler;
import com.icegreen.greenmail.server.AbstractServer;
import com.icegreen.greenmail.server.ProtocolHandler;
import com.icegreen.greenmail.smtp.SmtpServer;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import kz.dsr.store.StoreDatabase;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A PostgreSQL server and a mail server (IMAP + SMTP) inside this JVM, on free loopback ports: the
 * "embedded defaults" of the demo, and the real servers the tests talk to.
 */
public final class EmbeddedServices implements AutoCloseable {

    /** The support mailbox on the embedded mail server. */
    public static final String SUPPORT_ADDRESS = "support@dsr.test";
    public static final String SUPPORT_LOGIN = "support";
    /** Only for the embedded server, which lives and dies with this JVM. */
    public static final String SUPPORT_PASSWORD = "embedded-only";
    /** Where the embedded setup mails the operator (a mailbox of the embedded server, created on delivery). */
    public static final String OPERATOR_ADDRESS = "operator@dsr.test";

    private final EmbeddedPostgres postgres;
    private final GreenMail mail;
    private final int imapPort;
    private final int smtpPort;
    private int databases;

    private EmbeddedServices(EmbeddedPostgres postgres, GreenMail mail, int imapPort, int smtpPort) {
        this.postgres = postgres;
        this.mail = mail;
        this.imapPort = imapPort;
        this.smtpPort = smtpPort;
    }

    /** Starts both servers; PostgreSQL's files go under {@code workDir}. */
    public static EmbeddedServices start(Path workDir) {
        try {
            Files.createDirectories(workDir);
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setOverrideWorkingDirectory(workDir.toFile())
                    .setDataDirectory(workDir.resolve("data-" + ProcessHandle.current().pid()))
                    .setCleanDataDirectory(true)
                    .start();
            int smtpPort = freePort();
            int imapPort = freePort();
            GreenMail mail = new NoDelayGreenMail(new ServerSetup[] {
                    new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP),
                    new ServerSetup(imapPort, "127.0.0.1", ServerSetup.PROTOCOL_IMAP)});
            mail.start();
            mail.setUser(SUPPORT_ADDRESS, SUPPORT_LOGIN, SUPPORT_PASSWORD);
            return new EmbeddedServices(postgres, mail, imapPort, smtpPort);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start embedded PostgreSQL under " + workDir + ": " + e.getMessage(), e);
        }
    }

    public GreenMail mail() {
        return mail;
    }

    public int imapPort() {
        return imapPort;
    }

    public int smtpPort() {
        return smtpPort;
    }

    public EmbeddedPostgres postgres() {
        return postgres;
    }

    /** A new, empty database on the embedded server; its JDBC URL. */
    public synchronized String newDatabase(String prefix) {
        String name = prefix + "_" + (++databases);
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("create database " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot create database " + name + ": " + e.getMessage(), e);
        }
        return postgres.getJdbcUrl("postgres", name);
    }

    /** A data source for a database on the embedded server (user postgres). */
    public javax.sql.DataSource dataSource(String url) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(url);
        ds.setUser("postgres");
        ds.setPassword("postgres");
        return ds;
    }

    /** A new database holding a sample company's application data; its JDBC URL. */
    public String sampleDatabase(kz.dsr.demo.Sample sample, int subjects, long seed) {
        String url = newDatabase(sample.id());
        kz.dsr.demo.SampleDatabase.create(dataSource(url), sample, subjects, seed);
        return url;
    }

    /** Puts raw MIME bytes into the support inbox, as a mail server does after delivery. */
    public void deliverToSupport(byte[] raw) {
        try {
            mail.getUserManager().getUser(SUPPORT_LOGIN).deliver(
                    new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(raw)));
        } catch (MessagingException e) {
            throw new IllegalStateException("Cannot deliver a mail to the embedded inbox: " + e.getMessage(), e);
        }
    }

    /** SQL access to a store database on the embedded server (schema dsr), for reports and tests. */
    public JdbcTemplate storeJdbc(String url) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(url);
        ds.setUser("postgres");
        ds.setPassword("postgres");
        ds.setCurrentSchema(StoreDatabase.SCHEMA);
        return new JdbcTemplate(ds);
    }

    /** The settings that point the pipeline at these servers and at the given store database. */
    public Map<String, String> pipelineSettings(String storeUrl) {
        Map<String, String> p = new HashMap<>();
        p.put("dsr.mail.imap.protocol", "imap");
        p.put("dsr.mail.imap.host", "127.0.0.1");
        p.put("dsr.mail.imap.port", String.valueOf(imapPort));
        p.put("dsr.mail.imap.username", SUPPORT_LOGIN);
        p.put("dsr.mail.imap.password", SUPPORT_PASSWORD);
        p.put("dsr.mail.smtp.protocol", "smtp");
        p.put("dsr.mail.smtp.host", "127.0.0.1");
        p.put("dsr.mail.smtp.port", String.valueOf(smtpPort));
        p.put("dsr.mail.smtp.username", SUPPORT_LOGIN);
        p.put("dsr.mail.smtp.password", SUPPORT_PASSWORD);
        p.put("dsr.mail.support-address", SUPPORT_ADDRESS);
        p.put("dsr.mail.message-id-domain", "dsr.test");
        p.put("dsr.operator.address", OPERATOR_ADDRESS);
        p.put("dsr.store.url", storeUrl);
        p.put("dsr.store.username", "postgres");
        p.put("dsr.store.password", "postgres");
        // The company database of the embedded setup: the inService sample (fixtures + 20 generated subjects), as config/datamap.yaml expects.
        p.put("dsr.app-db.url", sampleDatabase(kz.dsr.demo.Sample.INSERVICE, 20, 1));
        p.put("dsr.app-db.username", "postgres");
        p.put("dsr.app-db.password", "postgres");
        p.put("dsr.datamap.hash-secret", "embedded-only-secret-never-use-in-production");
        p.put("dsr.export.dir", "target/exports");
        // No processors unless a test or the demo names its own file (the samples call real providers' URLs).
        p.put("dsr.processors.file", "");
        // The callback endpoint's HTTP server on a free port: tests run pipelines side by side, and the
        // demo must not need 8080 to be free.
        p.put("camel.server.port", String.valueOf(freePortOrFail()));
        // The management server (health checks) likewise: its own free port, never 9876 or 8080.
        p.put("camel.management.port", String.valueOf(freePortOrFail()));
        return p;
    }

    private static int freePortOrFail() {
        try {
            return freePort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free local port for an HTTP server: " + e.getMessage(), e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /**
     * GreenMail with TCP_NODELAY on its connections, as production mail servers (Dovecot, Postfix) set.
     * Without it GreenMail's replies, written in pieces, wait for our delayed ACK: ~40 ms per IMAP or
     * SMTP round trip, which would make the embedded demo and tests measure Linux's ACK timer instead
     * of the pipeline. {@link GreenMail#getImap()} is not usable on it: use {@link #imapPort()}.
     */
    private static final class NoDelayGreenMail extends GreenMail {
        NoDelayGreenMail(ServerSetup[] setups) {
            super(setups);
        }

        @Override
        protected Map<String, AbstractServer> createServices(ServerSetup[] config, Managers managers) {
            Map<String, AbstractServer> services = new HashMap<>();
            for (ServerSetup setup : config) {
                if (setup.getProtocol().equals(ServerSetup.PROTOCOL_SMTP)) {
                    services.put(setup.getProtocol(), new SmtpServer(setup, managers) {
                        @Override
                        protected ProtocolHandler createProtocolHandler(Socket clientSocket) {
                            return super.createProtocolHandler(noDelay(clientSocket));
                        }
                    });
                } else if (setup.getProtocol().equals(ServerSetup.PROTOCOL_IMAP)) {
                    services.put(setup.getProtocol(), new AbstractServer(setup, managers) {
                        @Override
                        protected ProtocolHandler createProtocolHandler(Socket clientSocket) {
                            return new ImapHandler(managers.getUserManager(), managers.getImapHostManager(),
                                    noDelay(clientSocket));
                        }
                    });
                } else {
                    throw new IllegalArgumentException("embedded mail server: unsupported " + setup.getProtocol());
                }
            }
            return services;
        }

        private static Socket noDelay(Socket socket) {
            try {
                socket.setTcpNoDelay(true);
            } catch (SocketException e) {
                // The connection is already gone; GreenMail's handler will see that.
            }
            return socket;
        }
    }

    @Override
    public void close() {
        mail.stop();
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
