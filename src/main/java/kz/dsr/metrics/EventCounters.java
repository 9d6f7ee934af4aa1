package kz.dsr.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import kz.dsr.request.RequestType;
import kz.dsr.store.EventLog;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Counters of what happens to requests, counted from the events written to their timelines
 * ({@link EventLog}), once the transaction that wrote them commits: a mail whose intake is rolled back
 * and taken again is counted once.
 * <ul>
 * <li>{@code dsr_requests_received_total{type, language}}: requests opened (event CLASSIFIED, written
 *     with RECEIVED when intake opens a request);</li>
 * <li>{@code dsr_classifier_reviewed_total{type}}: of those, the ones the classifier left to a person;</li>
 * <li>{@code dsr_verification_outcomes_total{outcome}}: verified (the request became VERIFIED), wrong (a
 *     wrong code that left tries), expired (the request expired: code not sent back in time, or the
 *     last try wrong), not_counted (a reply that was not a try: wrong thread or sender, no code in it,
 *     no code waiting).</li>
 * </ul>
 */
public final class EventCounters implements Consumer<List<EventLog.New>> {

    private final Map<String, Counter> received = new HashMap<>();
    private final Map<String, Counter> reviewed = new HashMap<>();
    private final Map<String, Counter> verification = new HashMap<>();

    public EventCounters(MeterRegistry registry) {
        for (RequestType type : RequestType.values()) {
            for (String language : Labels.LANGUAGES) {
                received.put(type.name() + "|" + language, Counter.builder("dsr.requests.received")
                        .description("Requests opened from mail, by type and language")
                        .tag("type", type.name()).tag("language", language).register(registry));
            }
            reviewed.put(type.name(), Counter.builder("dsr.classifier.reviewed")
                    .description("Requests opened that the classifier left to a person (NEEDS_REVIEW), by type")
                    .tag("type", type.name()).register(registry));
        }
        for (String outcome : Labels.VERIFICATION_OUTCOMES) {
            verification.put(outcome, Counter.builder("dsr.verification.outcomes")
                    .description("Verification replies and results: verified, wrong, expired, not_counted")
                    .tag("outcome", outcome).register(registry));
        }
    }

    @Override
    public void accept(List<EventLog.New> entries) {
        List<Counter> hits = new ArrayList<>();
        for (EventLog.New e : entries) {
            Map<String, ?> d = e.details();
            switch (e.kind()) {
                case "CLASSIFIED" -> {
                    String type = Labels.type(d.get("type"));
                    // a language outside the set (never written today) is counted under the bilingual answer
                    hits.add(received.get(type + "|" + Labels.oneOf(d.get("language"), Labels.LANGUAGES, "ru-kk")));
                    if (Boolean.TRUE.equals(d.get("review"))) {
                        hits.add(reviewed.get(type));
                    }
                }
                case "STATUS_VERIFIED" -> hits.add(verification.get("verified"));
                case "STATUS_EXPIRED" -> hits.add(verification.get("expired"));
                case "VERIFICATION_FAILED" -> hits.add(verification.get(
                        "wrong code".equals(d.get("reason")) ? "wrong" : "not_counted"));
                case "REPLY_NOT_COUNTED", "REPLY_WITHOUT_CODE" -> hits.add(verification.get("not_counted"));
                default -> {
                    // not counted
                }
            }
        }
        if (hits.isEmpty()) {
            return;
        }
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    hits.forEach(Counter::increment);
                }
            });
        } else {
            hits.forEach(Counter::increment);
        }
    }
}
