package kz.dsr.metrics;

import java.util.List;
import java.util.Set;
import kz.dsr.request.RequestType;

/**
 * The only values a label may take. Every one comes from the code or the configuration (statuses,
 * types, languages, processor names, rule names, job names), never from a mail or a database row, so
 * no personal data can reach a label; a value read from the store that is not in its set is not shown.
 */
final class Labels {

    /** The languages a request is answered in (MailComposer.BILINGUAL is "ru-kk"). */
    static final List<String> LANGUAGES = List.of("ru", "kk", "en", "ru-kk");

    /** The clustered timers (routes/*.yaml claim their slots under these names). */
    static final List<String> JOBS = List.of("retention", "deadline-watch", "daily-digest");

    /** Outbox channels (kz.dsr.store.Outbox). */
    static final List<String> CHANNELS = List.of("MAIL", "SMS", "HTTP");

    /** Where dead letters come from. */
    static final List<String> DEAD_LETTER_SOURCES = List.of("intake", "outbox");

    /** Open processor-task statuses: the final COMPLETED and CLOSED are not counted (see StoreFigures). */
    static final List<String> OPEN_TASK_STATUSES = List.of("QUEUED", "SENT", "PENDING", "IN_PROGRESS", "CANCELLED",
            "REFUSED");

    /** Tasks of a processor no longer in the processors file. */
    static final String OTHER_PROCESSOR = "other";

    /** What became of a verification reply or a code. */
    static final List<String> VERIFICATION_OUTCOMES = List.of("verified", "wrong", "expired", "not_counted");

    private Labels() {
    }

    static String type(Object value) {
        if (value != null) {
            for (RequestType t : RequestType.values()) {
                if (t.name().equals(value.toString())) {
                    return t.name();
                }
            }
        }
        return RequestType.UNKNOWN.name();
    }

    static String oneOf(Object value, List<String> allowed, String otherwise) {
        return value != null && allowed.contains(value.toString()) ? value.toString() : otherwise;
    }

    static boolean in(String value, Set<String> allowed) {
        return value != null && allowed.contains(value);
    }
}
