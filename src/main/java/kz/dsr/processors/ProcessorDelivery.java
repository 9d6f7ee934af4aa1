package kz.dsr.processors;

import java.time.Duration;
import java.util.Optional;
import kz.dsr.request.LogReference;
import kz.dsr.store.Outbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the outbox relay calls for a message to a processor (bean {@code processorDelivery}): the call
 * goes through the processor's circuit breaker, and a failure is retried, postponed or left given up.
 */
public final class ProcessorDelivery {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessorDelivery.class);

    private final ProcessorClient client;
    private final CircuitBreakers breakers;
    private final Outbox outbox;
    private final ProcessorTasks tasks;

    public ProcessorDelivery(ProcessorClient client, CircuitBreakers breakers, Outbox outbox, ProcessorTasks tasks) {
        this.tasks = tasks;
        this.client = client;
        this.breakers = breakers;
        this.outbox = outbox;
    }

    /**
     * Delivers the message and returns what the processor answered (the relay marks it sent with it); on a
     * failure throws what {@link #failed} does next.
     */
    public ProcessorClient.Delivered deliver(Outbox.Item item) throws DeliveryFailure {
        try (LogReference ignored = LogReference.of(item.mail().reference())) {
            return call(item);
        }
    }

    private ProcessorClient.Delivered call(Outbox.Item item) throws DeliveryFailure {
        String processor = item.mail().recipient();
        Optional<Duration> wait = breakers.waitBeforeCalling(processor);
        if (wait.isPresent()) {
            // Rounded up: postponed by 0 s it would be taken again on the relay's next run.
            long seconds = Math.max(1, (wait.get().toMillis() + 999) / 1000);
            throw DeliveryFailure.postpone(seconds, "Processor " + processor + " failed its last calls: its circuit"
                    + " is open, so this message was not tried; it waits " + seconds + " s (no attempt used)");
        }
        ProcessorClient.Delivered status;
        try {
            status = client.deliver(item);
        } catch (DeliveryFailure e) {
            if (e.next() == DeliveryFailure.Next.RETRY) {
                breakers.failed(processor);
            } else {
                breakers.succeeded(processor);
            }
            throw e;
        }
        breakers.succeeded(processor);
        return status;
    }

    /** The relay's catch for a message to a processor. */
    public void failed(Outbox.Item item, Throwable error) {
        try (LogReference ignored = LogReference.of(item.mail().reference())) {
            settle(item, error);
        }
    }

    private void settle(Outbox.Item item, Throwable error) {
        DeliveryFailure failure = find(error);
        if (failure == null || failure.next() == DeliveryFailure.Next.RETRY) {
            // A retryable answer, or something unforeseen (the store?): tried again with backoff.
            if (outbox.attemptFailed(item, failure != null ? failure : error)) {
                // Every attempt used: the operator hears of it now, not only when the processor's deadline passes.
                tasks.undeliverable(item, kz.dsr.store.ErrorText.forLog(outbox.errorText(item,
                        failure != null ? failure : error)));
            }
        } else if (failure.next() == DeliveryFailure.Next.POSTPONE) {
            outbox.postpone(item, failure.postponeSeconds(), failure.getMessage());
            LOG.debug("Outbox message {} postponed {} s: circuit of {} open", item.id(), failure.postponeSeconds(),
                    item.mail().recipient());
        }
        // GIVEN_UP: the message is FAILED already and the operator told; nothing more.
    }

    /** Camel may hand the exception wrapped. */
    private static DeliveryFailure find(Throwable error) {
        return kz.dsr.store.ErrorText.cause(error, DeliveryFailure.class).orElse(null);
    }
}
