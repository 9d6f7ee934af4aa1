package kz.dsr.secrets;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * One log event as one line of JSON, for log shippers that index fields: {@code timestamp} (ISO-8601,
 * UTC), {@code level}, {@code thread}, {@code logger}, {@code message}, each MDC entry as a field of its
 * own ({@code reference}: the request a line is about, see {@link kz.dsr.request.LogReference}) and
 * {@code exception} (the stack trace).
 *
 * <p>Each value goes through the mask before it is escaped: a secret holding a quote or a backslash
 * would otherwise be escaped first and no longer match the value the mask knows.
 */
public final class JsonLogLine {

    private static final Set<String> FIXED = Set.of("timestamp", "level", "thread", "logger", "message", "exception");
    private static final JsonFactory JSON = new JsonFactory();

    private JsonLogLine() {
    }

    public static String of(ILoggingEvent event, UnaryOperator<String> mask) {
        StringWriter out = new StringWriter(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("timestamp", event.getInstant().toString());
            g.writeStringField("level", event.getLevel().toString());
            g.writeStringField("thread", mask.apply(event.getThreadName()));
            g.writeStringField("logger", event.getLoggerName());
            g.writeStringField("message", mask.apply(event.getFormattedMessage()));
            Map<String, String> mdc = event.getMDCPropertyMap();
            if (mdc != null) {
                for (Map.Entry<String, String> e : mdc.entrySet()) {
                    if (!FIXED.contains(e.getKey()) && e.getValue() != null) {
                        g.writeStringField(e.getKey(), mask.apply(e.getValue()));
                    }
                }
            }
            IThrowableProxy thrown = event.getThrowableProxy();
            if (thrown != null) {
                g.writeStringField("exception", mask.apply(ThrowableProxyUtil.asString(thrown)));
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.append('\n').toString();
    }
}
