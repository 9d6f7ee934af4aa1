package kz.dsr.console;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The console's sessions, kept in this node's memory: an unguessable id (the cookie) and, per session, its
 * own CSRF token. A session unused for the idle timeout is gone. A sign-in starts a new session (new id,
 * new token), so an id known before the sign-in is worth nothing after it.
 *
 * <p>In memory on purpose: a restart or another node signs everyone out, which costs an operator one
 * sign-in and keeps no session secret in the store.
 */
public final class Sessions {

    /** One browser's session; {@code operator} is null before sign-in (the sign-in form has a token too). */
    public static final class Session {
        final String id;
        final String csrf;
        final Operators.Account operator;
        volatile String language;
        volatile Instant lastSeen;
        /** What the last decision did (or why it did not), shown once on the next page. */
        volatile String flash;
        volatile boolean flashError;

        Session(String id, String csrf, Operators.Account operator, String language, Instant now) {
            this.id = id;
            this.csrf = csrf;
            this.operator = operator;
            this.language = language;
            this.lastSeen = now;
        }

        void flash(String text, boolean error) {
            flash = text;
            flashError = error;
        }

        public Operators.Account operator() {
            return operator;
        }

        public String csrf() {
            return csrf;
        }

        public String language() {
            return language;
        }
    }

    /** More sessions than this and the idle ones are swept before a new one is made. */
    private static final int SWEEP_ABOVE = 10_000;

    private final Map<String, Session> byId = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final Duration idle;
    private final Clock clock;

    public Sessions(Duration idle, Clock clock) {
        this.idle = idle;
        this.clock = clock;
    }

    public Duration idle() {
        return idle;
    }

    /** The live session of this id, its idle time reset; empty when unknown or idle too long. */
    public Optional<Session> find(String id) {
        if (id == null) {
            return Optional.empty();
        }
        Session s = byId.get(id);
        Instant now = clock.instant();
        if (s == null) {
            return Optional.empty();
        }
        if (s.lastSeen.plus(idle).isBefore(now)) {
            byId.remove(id);
            return Optional.empty();
        }
        s.lastSeen = now;
        return Optional.of(s);
    }

    /** A session without an operator, for the sign-in form. */
    public Session anonymous(String language) {
        return make(null, language);
    }

    /** Ends {@code before} (if any) and starts the operator's session. */
    public Session signIn(Session before, Operators.Account operator) {
        if (before != null) {
            byId.remove(before.id);
        }
        return make(operator, operator.language());
    }

    public void end(Session session) {
        if (session != null) {
            byId.remove(session.id);
        }
    }

    private Session make(Operators.Account operator, String language) {
        if (byId.size() > SWEEP_ABOVE) {
            Instant oldest = clock.instant().minus(idle);
            byId.values().removeIf(s -> s.lastSeen.isBefore(oldest));
        }
        Session s = new Session(token(), token(), operator, language, clock.instant());
        byId.put(s.id, s);
        return s;
    }

    private String token() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
