package kz.dsr.secrets;

import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * Logback's pattern layout with every known secret masked in the whole formatted event: the message,
 * its arguments and the stack trace (an exception's message may quote a URL with its password).
 */
public final class MaskingLayout extends PatternLayout {

    @Override
    public String doLayout(ILoggingEvent event) {
        return Secrets.mask(super.doLayout(event));
    }
}
