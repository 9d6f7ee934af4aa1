package kz.dsr.intake;

import org.apache.camel.Exchange;
import org.apache.camel.component.mail.MailConsumer;
import org.apache.camel.spi.ExceptionHandler;
import org.apache.camel.support.LoggingExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the mailbox consumer does with an error of its own (route parameter {@code exceptionHandler}):
 * a mail that is no longer in the inbox when the consumer marks it read, because another node filed it
 * meanwhile, is no fault (one info line, and none when the route has said so already); anything else is
 * logged as the consumer always logs it (a failed poll, a move that failed).
 */
public final class MailboxErrors implements ExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(MailboxErrors.class);

    private final ExceptionHandler others = new LoggingExceptionHandler(null, MailConsumer.class);

    @Override
    public void handleException(Throwable exception) {
        handleException(null, null, exception);
    }

    @Override
    public void handleException(String message, Throwable exception) {
        handleException(message, null, exception);
    }

    @Override
    public void handleException(String message, Exchange exchange, Throwable exception) {
        if (!MailboxAdapter.vanished(exception)) {
            others.handleException(message, exchange, exception);
        } else if (exchange == null || !MailboxAdapter.saidGone(exchange)) {
            LOG.info(MailboxAdapter.GONE);
        }
    }
}
