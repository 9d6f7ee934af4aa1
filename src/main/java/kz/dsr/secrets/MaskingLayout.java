package kz.dsr.secrets;

import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.util.Locale;

/**
 * Logback's pattern layout with every known secret masked in the whole formatted event: the message,
 * its arguments and the stack trace (an exception's message may quote a URL with its password).
 *
 * <p>{@code <format>json</format>} writes each event as one line of JSON instead ({@link JsonLogLine}),
 * masked value by value; logback.xml sets it from DSR_LOG_FORMAT. Any other value than {@code text} or
 * {@code json} is reported on logback's status output and the text format is kept: a typo must not
 * silence the log.
 */
public final class MaskingLayout extends PatternLayout {

    private boolean json;

    /** {@code text} (the pattern, the default) or {@code json}. */
    public void setFormat(String format) {
        String f = format == null ? "" : format.strip().toLowerCase(Locale.ROOT);
        switch (f) {
            case "", "text" -> json = false;
            case "json" -> json = true;
            default -> {
                json = false;
                addError("Log format '" + format + "' is neither text nor json (DSR_LOG_FORMAT): logging as text");
            }
        }
    }

    @Override
    public String doLayout(ILoggingEvent event) {
        return json ? JsonLogLine.of(event, Secrets::mask) : Secrets.mask(super.doLayout(event));
    }
}
