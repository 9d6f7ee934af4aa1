package kz.dsr.execute;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 under the company's secret (from the environment, never from a file): erased values
 * that must stay unique or comparable, suppressed identities, proof that a field changed. Without
 * the secret nobody can test a guessed phone number against a hash.
 */
public final class KeyedHash {

    /** Every keyed hash starts with this, so an anonymised value is recognisable and never hashed twice. */
    public static final String PREFIX = "hmac:";
    /** Shortest secret accepted: 32 bytes, the size of the hash. */
    public static final int MIN_SECRET_BYTES = 32;

    private final SecretKeySpec key;

    public KeyedHash(String secret) {
        if (secret == null || secret.getBytes(StandardCharsets.UTF_8).length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("the keyed-hash secret dsr.datamap.hash-secret (environment variable DSR_DATAMAP_HASH_SECRET) must be"
                    + " set and at least " + MIN_SECRET_BYTES + " bytes long; generate one with: openssl rand -hex 32");
        }
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    /** "hmac:" + 64 hex digits. */
    public String hash(String value) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return PREFIX + HexFormat.of().formatHex(mac.doFinal(value.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
    }

    public static boolean isHash(String value) {
        return value != null && value.length() == PREFIX.length() + 64 && value.startsWith(PREFIX);
    }
}
