package kz.dsr.secrets;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256, the one keyed hash of the pipeline: the keyed hashes of erased values and codes
 * ({@code KeyedHash}) and the signatures of the calls exchanged with custom processors. Comparisons are
 * in constant time: how long a check takes says nothing about how much of a guess was right.
 */
public final class Hmac {

    private static final String ALGORITHM = "HmacSHA256";

    private Hmac() {
    }

    /** The key of a secret given as text (its UTF-8 bytes). */
    public static SecretKeySpec key(String secret) {
        return new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM);
    }

    /** HMAC-SHA256 of {@code data} under {@code key}, as lowercase hex. */
    public static String hex(SecretKeySpec key, byte[] data) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return HexFormat.of().formatHex(mac.doFinal(data));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(ALGORITHM + " is not available in this JVM", e);
        }
    }

    /** The signature of a body under a shared secret: lowercase hex. */
    public static String sign(String secret, byte[] body) {
        return hex(key(secret), body);
    }

    /** Whether {@code signature} (hex, optionally prefixed "sha256=") is the body's under the secret. */
    public static boolean verify(String secret, byte[] body, String signature) {
        if (signature == null || secret == null) {
            return false;
        }
        String given = signature.strip().toLowerCase(Locale.ROOT);
        if (given.startsWith("sha256=")) {
            given = given.substring("sha256=".length());
        }
        return same(sign(secret, body), given);
    }

    /** Equality of two texts in constant time. */
    public static boolean same(String a, String b) {
        return a != null && b != null
                && MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
