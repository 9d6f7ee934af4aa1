package kz.dsr.processors;

import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.Base64;

/**
 * Checks an OpenDSR signature header: the Base64 signature, with SHA-256, of the raw bytes of a body, by
 * the key of the processor's certificate (FIPS 186-4: RSA — PKCS#1 v1.5 or PSS — or ECDSA, its signature
 * DER-encoded or as the plain r‖s pair). The bytes are those received, never a re-serialised parse.
 */
public final class Signatures {

    private Signatures() {
    }

    /** Whether {@code base64} is a signature of {@code body} by {@code key}; a malformed header is not. */
    public static boolean verify(PublicKey key, byte[] body, String base64) {
        if (base64 == null || base64.isBlank()) {
            return false;
        }
        byte[] signature;
        try {
            // The specification's examples fold the header over several lines.
            String compact = base64.replaceAll("\\s+", "");
            signature = compact.indexOf('-') >= 0 || compact.indexOf('_') >= 0
                    ? Base64.getUrlDecoder().decode(compact) : Base64.getDecoder().decode(compact);
        } catch (IllegalArgumentException e) {
            return false;
        }
        try {
            return switch (key.getAlgorithm()) {
                case "RSA" -> check("SHA256withRSA", null, key, body, signature)
                        || check("RSASSA-PSS", new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1),
                                key, body, signature);
                case "EC" -> check("SHA256withECDSA", null, key, body, signature)
                        || (signature.length == 2 * fieldBytes((ECPublicKey) key)
                                && check("SHA256withECDSAinP1363Format", null, key, body, signature));
                default -> false;
            };
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static boolean check(String algorithm, PSSParameterSpec pss, PublicKey key, byte[] body, byte[] signature)
            throws GeneralSecurityException {
        Signature s = Signature.getInstance(algorithm);
        if (pss != null) {
            s.setParameter(pss);
        }
        s.initVerify(key);
        s.update(body);
        try {
            return s.verify(signature);
        } catch (java.security.SignatureException malformed) {
            return false;
        }
    }

    private static int fieldBytes(ECPublicKey key) {
        return (key.getParams().getCurve().getField().getFieldSize() + 7) / 8;
    }
}
