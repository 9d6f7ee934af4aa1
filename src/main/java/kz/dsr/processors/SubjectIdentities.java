package kz.dsr.processors;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

/**
 * The identities processors may be told, read before the execution changed them (after an erasure
 * they are gone from the application database): the registered e-mail and phone, and our key of the
 * subject.
 */
public record SubjectIdentities(Optional<String> email, Optional<String> phone, Optional<String> subject) {

    public static final SubjectIdentities NONE = new SubjectIdentities(Optional.empty(), Optional.empty(),
            Optional.empty());

    /** The value an identity spec names ({@code email}, {@code phone}, {@code subject}). */
    public Optional<String> value(String from) {
        return switch (from) {
            case "email" -> email.map(e -> e.toLowerCase(Locale.ROOT));
            case "phone" -> phone;
            case "subject" -> subject;
            default -> Optional.empty();
        };
    }

    /** Lowercase hex SHA-256 of the UTF-8 value (the OpenDSR {@code sha256} identity format). */
    public static String sha256(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
