package kz.dsr.notify;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * An SMTP server on a loopback port that speaks just enough SMTP for the relay (EHLO, MAIL, RCPT, DATA,
 * RSET, NOOP, QUIT), answers RCPT as the test says (250, 451, 550 ...), can offer SMTPUTF8 or not, and
 * keeps every command line (read as UTF-8) and every message it accepted.
 */
final class SmtpStub implements AutoCloseable {

    private final ServerSocket server;
    private final boolean offersSmtpUtf8;
    private final Function<String, String> rcptReply;
    private final List<String> commands = new CopyOnWriteArrayList<>();
    private final List<String> messages = new CopyOnWriteArrayList<>();
    private final List<Socket> clients = new CopyOnWriteArrayList<>();

    /** @param rcptReply the reply line to RCPT TO for an address (e.g. "550 5.1.1 User unknown") */
    SmtpStub(boolean offersSmtpUtf8, Function<String, String> rcptReply) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.offersSmtpUtf8 = offersSmtpUtf8;
        this.rcptReply = rcptReply;
        Thread acceptor = new Thread(this::accept, "smtp-stub");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** Every command line received, in order, as sent (UTF-8). */
    List<String> commands() {
        return List.copyOf(commands);
    }

    /** RCPT TO commands naming this address. */
    long rcptsTo(String address) {
        return commands.stream().filter(c -> c.equalsIgnoreCase("RCPT TO:<" + address + ">")).count();
    }

    /** The messages accepted (DATA), as UTF-8 text. */
    List<String> messages() {
        return List.copyOf(messages);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                clients.add(client);
                Thread session = new Thread(() -> serve(client), "smtp-stub-session");
                session.setDaemon(true);
                session.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket client) {
        try (client; InputStream in = client.getInputStream(); OutputStream out = client.getOutputStream()) {
            reply(out, "220 stub ESMTP");
            String line;
            while ((line = readLine(in)) != null) {
                commands.add(line);
                String verb = line.length() >= 4 ? line.substring(0, 4).toUpperCase(Locale.ROOT) : line;
                switch (verb) {
                    case "EHLO" -> reply(out, offersSmtpUtf8 ? "250-stub\r\n250-8BITMIME\r\n250 SMTPUTF8"
                            : "250-stub\r\n250 8BITMIME");
                    case "HELO", "RSET", "NOOP" -> reply(out, "250 2.0.0 Ok");
                    case "MAIL" -> reply(out, "250 2.1.0 Ok");
                    case "RCPT" -> {
                        String address = line.substring(line.indexOf('<') + 1, line.lastIndexOf('>'));
                        reply(out, rcptReply.apply(address));
                    }
                    case "DATA" -> {
                        reply(out, "354 End data with <CR><LF>.<CR><LF>");
                        StringBuilder message = new StringBuilder();
                        String data;
                        while ((data = readLine(in)) != null && !data.equals(".")) {
                            message.append(data.startsWith("..") ? data.substring(1) : data).append("\r\n");
                        }
                        messages.add(message.toString());
                        reply(out, "250 2.0.0 Ok: queued");
                    }
                    case "QUIT" -> {
                        reply(out, "221 2.0.0 Bye");
                        return;
                    }
                    default -> reply(out, "502 5.5.2 Error: command not recognized");
                }
            }
        } catch (IOException e) {
            // The client went away.
        }
    }

    private static void reply(OutputStream out, String text) throws IOException {
        out.write((text + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** A CRLF-ended line decoded as UTF-8, or null at the end of the stream. */
    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, length, StandardCharsets.UTF_8);
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket client : clients) {
            client.close();
        }
    }
}
