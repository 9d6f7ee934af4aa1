package kz.dsr.datamap;

import java.util.Locale;
import java.util.Optional;
import kz.dsr.classify.Contacts;

/** How an identity value is brought to the form the application database stores. */
public enum Normaliser {
    /** trimmed, lower-case e-mail address. */
    EMAIL,
    /** Kazakhstan phone number in E.164 (+77011234567). */
    PHONE,
    /** trimmed text, compared as it is. */
    TEXT;

    /** The normalised value, or empty when the input is not a value of this kind. */
    public Optional<String> apply(String raw) {
        return switch (this) {
            case EMAIL -> Contacts.email(raw);
            case PHONE -> Contacts.phone(raw);
            case TEXT -> raw == null || raw.isBlank() ? Optional.empty() : Optional.of(raw.strip());
        };
    }

    static Optional<Normaliser> named(String name) {
        for (Normaliser n : values()) {
            if (n.name().toLowerCase(Locale.ROOT).equals(name)) {
                return Optional.of(n);
            }
        }
        return Optional.empty();
    }
}
