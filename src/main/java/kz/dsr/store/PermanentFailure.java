package kz.dsr.store;

/**
 * Marks an error that trying again cannot cure (a receiver refused the message for good): the outbox
 * gives its message up at the first attempt instead of retrying it on the full schedule.
 */
public interface PermanentFailure {
}
