package kz.dsr.execute;

import java.nio.charset.StandardCharsets;
import javax.crypto.spec.SecretKeySpec;
import kz.dsr.secrets.Hmac;

/**
 * HMAC-SHA256 under the company's secret (from the environment, never from a file): erased values
 * that must stay unique or comparable, suppressed identities, proof that a field changed, one-time
 * code hashes. Without the secret nobody can test a guessed phone number against a hash.
 *
 * <p>After a rotation (docs/security.md) the previous secret may be given too: {@link #matches} still
 * accepts a hash written with it (a code sent before the rotation), while everything new is written
 * with the current secret.
 */
public final class KeyedHash {

    /** Every keyed hash starts with this, so an anonymised value is recognisable and never hashed twice. */
    public static final String PREFIX = "hmac:";
    /** Shortest secret accepted: 32 bytes, the size of the hash. */
    public static final int MIN_SECRET_BYTES = 32;

    private final SecretKeySpec key;
    private final SecretKeySpec previous;

    public KeyedHash(String secret) {
        this(secret, null);
    }

    /**
     * @param secret   the current secret: every hash is written with it
     * @param previous the secret before the last rotation, or null: only {@link #matches} uses it
     */
    public KeyedHash(String secret, String previous) {
        this.key = key(secret, "dsr.datamap.hash-secret (environment variable DSR_DATAMAP_HASH_SECRET)");
        if (previous != null && previous.equals(secret)) {
            throw new kz.dsr.config.ConfigurationError("dsr.datamap.previous-hash-secret is the same as dsr.datamap.hash-secret:"
                    + " after a rotation it is the old secret; without a rotation leave it empty");
        }
        this.previous = previous == null ? null
                : key(previous, "dsr.datamap.previous-hash-secret (environment variable DSR_DATAMAP_PREVIOUS_HASH_SECRET)");
    }

    private static SecretKeySpec key(String secret, String what) {
        if (secret == null || secret.getBytes(StandardCharsets.UTF_8).length < MIN_SECRET_BYTES) {
            throw new kz.dsr.config.ConfigurationError("the keyed-hash secret " + what + " must be"
                    + " set and at least " + MIN_SECRET_BYTES + " bytes long; generate one with: openssl rand -hex 32");
        }
        return Hmac.key(secret);
    }

    /** "hmac:" + 64 hex digits, under the current secret. */
    public String hash(String value) {
        return hash(key, value);
    }

    /** Whether {@code stored} is the keyed hash of {@code value} under the current or the previous secret. */
    public boolean matches(String value, String stored) {
        if (stored == null) {
            return false;
        }
        return Hmac.same(hash(key, value), stored) || previous != null && Hmac.same(hash(previous, value), stored);
    }

    /** Whether a previous secret was given (the rotation window is open). */
    public boolean hasPrevious() {
        return previous != null;
    }

    private static String hash(SecretKeySpec key, String value) {
        return PREFIX + Hmac.hex(key, value.getBytes(StandardCharsets.UTF_8));
    }

    public static boolean isHash(String value) {
        return value != null && value.length() == PREFIX.length() + 64 && value.startsWith(PREFIX);
    }
}
