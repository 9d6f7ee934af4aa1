package kz.dsr.notify;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import kz.dsr.store.Json;

/**
 * Sends a text message through the company's HTTP SMS gateway: {@code POST url} with JSON
 * {@code {"to": "+77011234567", "text": "...", "sender": "..."}} and a bearer token from the
 * environment. Any 2xx is accepted; anything else is an error for the outbox to retry. Explicit
 * connect and response timeouts: a gateway that hangs must not hold the relay.
 */
public final class SmsGateway {

    private final URI url;
    private final String token;
    private final String sender;
    private final Duration timeout;
    private final HttpClient http;

    public SmsGateway(String url, String token, String sender, Duration timeout) {
        this.url = url == null || url.isBlank() ? null : URI.create(url.strip());
        this.token = token;
        this.sender = sender;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    public void send(String phone, String text) throws IOException, InterruptedException {
        if (url == null) {
            throw new IOException("no SMS gateway is configured (dsr.sms.url): a code for a phone-only account cannot"
                    + " be sent");
        }
        String body = Json.write(java.util.Map.of("to", phone, "text", text, "sender", sender));
        HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null && !token.isBlank()) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IOException("the SMS gateway answered HTTP " + response.statusCode());
        }
    }
}
