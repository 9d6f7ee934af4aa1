package kz.dsr.health;

import jakarta.mail.Session;
import jakarta.mail.Transport;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Properties;

/**
 * The SMTP server that sends our replies answers: connect and EHLO (and STARTTLS when it offers it, as
 * the relay would), no login and no mail. The answer is reused for a while: a burst of probes does not
 * become a burst of connections to the company's mail server.
 */
public final class SmtpCheck extends ReadinessCheck implements AutoCloseable {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    private final String server;
    private final TimedProbe probe;

    public SmtpCheck(String protocol, String host, int port, Duration timeout, Duration reuse, Clock clock) {
        super("smtp");
        this.server = "the SMTP server " + host + ":" + port + " (" + protocol + ")";
        Properties props = new Properties();
        String prefix = "mail." + protocol + ".";
        // The connection gives up later than a caller waits: a server that hangs keeps the one probe busy
        // past the caller's answer, so a caller right after shares it instead of opening a connection.
        String socketTimeout = String.valueOf(timeout.toMillis() * 2);
        props.put(prefix + "connectiontimeout", socketTimeout);
        props.put(prefix + "timeout", socketTimeout);
        props.put(prefix + "writetimeout", socketTimeout);
        props.put(prefix + "auth", "false");
        props.put(prefix + "starttls.enable", "true");
        Session session = Session.getInstance(props);
        this.probe = new TimedProbe(server, () -> {
            Transport transport = session.getTransport(protocol);
            transport.connect(host, port, null, null);
            transport.close();
            return Verdict.up(server + " answers (connect and EHLO at " + TIME.format(clock.instant()) + ")");
        }, timeout, reuse, clock);
    }

    @Override
    protected Verdict verdict() {
        Verdict verdict = probe.get();
        if (verdict.up()) {
            return verdict;
        }
        return Verdict.down(server + " does not answer: " + verdict.message() + ". Replies wait in the outbox"
                + " meanwhile; check dsr.mail.smtp.host, dsr.mail.smtp.port and the network.");
    }

    @Override
    public void close() {
        probe.close();
    }
}
