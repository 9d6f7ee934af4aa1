package kz.dsr.classify;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;

/**
 * The canonical forms of contact identifiers, shared by the classifier (what a mail says) and the
 * data map (what the database holds), so that both sides compare like with like.
 */
public final class Contacts {

    /**
     * One whole address: the local part may hold any RFC 5322 atext character (o'brien@…), which the
     * classifier's pattern for finding addresses inside prose leaves out on purpose.
     */
    private static final java.util.regex.Pattern ADDRESS = java.util.regex.Pattern.compile(
            "[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}@[A-Za-z0-9-]{1,63}(?:\\.[A-Za-z0-9-]{1,63}){0,8}\\.[A-Za-z]{2,24}");

    private Contacts() {
    }

    /** A Kazakhstan phone number in any usual writing, as E.164 (+77011234567); empty when it is not one. */
    public static Optional<String> phone(String raw) {
        if (raw == null) {
            return Optional.empty();
        }
        Matcher m = IdentifierExtractor.PHONE.matcher(raw.strip());
        return m.matches() ? Optional.of("+7" + m.group(1) + m.group(2) + m.group(3) + m.group(4)) : Optional.empty();
    }

    /** An e-mail address trimmed and lower-cased; empty when it is not one address. */
    public static Optional<String> email(String raw) {
        if (raw == null) {
            return Optional.empty();
        }
        String s = raw.strip();
        return ADDRESS.matcher(s).matches() ? Optional.of(s.toLowerCase(Locale.ROOT)) : Optional.empty();
    }

    /** A Kazakhstan IIN with a valid check digit. */
    public static boolean isIin(String raw) {
        return raw != null && Iin.isValid(raw.strip());
    }
}
