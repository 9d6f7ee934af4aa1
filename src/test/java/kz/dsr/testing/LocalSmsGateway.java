package kz.dsr.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import kz.dsr.store.Json;

/** An SMS gateway on a loopback port that keeps every text it is given ({@code POST /sms}, JSON {to, text}). */
public final class LocalSmsGateway implements AutoCloseable {

    private static final Pattern CODE = Pattern.compile("(?<![\\d-])(\\d{6})(?![\\d-])");

    private final HttpServer server;
    private final List<JsonNode> received = new CopyOnWriteArrayList<>();

    public LocalSmsGateway() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/sms", exchange -> {
            received.add(Json.mapper().readTree(exchange.getRequestBody().readAllBytes()));
            exchange.sendResponseHeaders(202, -1);
            exchange.close();
        });
        server.start();
    }

    /** The settings that point the pipeline at this gateway. */
    public Map<String, String> settings() {
        return Map.of("dsr.sms.url", "http://127.0.0.1:" + server.getAddress().getPort() + "/sms",
                "dsr.sms.token", "test-token", "dsr.sms.timeout-ms", "3000");
    }

    /** Texts sent to a phone (E.164), in the order received. */
    public List<String> textsTo(String phone) {
        return received.stream().filter(j -> phone.equals(j.path("to").asText())).map(j -> j.path("text").asText())
                .toList();
    }

    /** The six-digit code in the newest text to a phone that mentions the reference, if any. */
    public java.util.Optional<String> codeTo(String phone, String reference) {
        List<String> texts = textsTo(phone).stream().filter(t -> t.contains(reference)).toList();
        if (texts.isEmpty()) {
            return java.util.Optional.empty();
        }
        Matcher m = CODE.matcher(texts.get(texts.size() - 1));
        return m.find() ? java.util.Optional.of(m.group(1)) : java.util.Optional.empty();
    }

    public int count() {
        return received.size();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
