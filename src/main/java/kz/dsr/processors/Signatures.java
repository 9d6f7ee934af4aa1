package kz.dsr.processors;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 over a body, as lowercase hex: the signature header of our calls to a processor
 * ({@code auth: {scheme: hmac}}) and of a processor's callbacks to us. Checked in constant time, on the
 * raw bytes, before anything parses them.
 */
public final class Signatures {

    private Signatures() {
    }

    public static String sign(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether {@code signature} (hex, optionally prefixed "sha256=") is the body's under the secret. */
    public static boolean verify(String secret, byte[] body, String signature) {
        if (signature == null || secret == null) {
            return false;
        }
        String s = signature.strip().toLowerCase(Locale.ROOT);
        if (s.startsWith("sha256=")) {
            s = s.substring("sha256=".length());
        }
        return MessageDigest.isEqual(sign(secret, body).getBytes(StandardCharsets.US_ASCII),
                s.getBytes(StandardCharsets.US_ASCII));
    }
}
