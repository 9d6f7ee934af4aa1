package kz.dsr.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The hint after an unknown name: the name the operator most likely meant, and no wild guesses. */
class DidYouMeanTest {

    private static final List<String> KEYS = List.of("dsr.intake.max-mail-bytes", "dsr.intake.max-text-chars",
            "dsr.outbox.max-attempts", "dsr.outbox.poll-ms");

    @Test
    void aTypoSuggestsTheClosestKnownName() {
        assertEquals(" (did you mean 'dsr.intake.max-mail-bytes'?)", DidYouMean.hint("dsr.intake.max-mail-byte", KEYS));
        assertEquals(" (did you mean 'dsr.outbox.max-attempts'?)", DidYouMean.hint("dsr.outbox.max-atempts", KEYS));
        assertEquals(" (did you mean 'dsr.outbox.poll-ms'?)", DidYouMean.hint("dsr.outbx.pol-ms", KEYS));
        assertEquals(" (did you mean 'trip_points'?)", DidYouMean.hint("trip_pointz", List.of("trips", "trip_points")));
    }

    @Test
    void aNameLikeNothingKnownGetsNoSuggestion() {
        assertEquals("", DidYouMean.hint("dsr.webhook.url", KEYS));
        assertEquals("", DidYouMean.hint("anything", List.of()));
    }

    @Test
    void aShortNameIsOnlyMatchedByAVeryCloseOne() {
        // Two edits in a three-letter word make it another word: no hint.
        assertEquals("", DidYouMean.hint("sms", List.of("smtp")));
        assertEquals(" (did you mean 'ru'?)", DidYouMean.hint("rus", List.of("ru", "kk", "en")));
        assertEquals("", DidYouMean.hint("de", List.of("ru", "kk", "en")));
    }
}
