package kz.dsr.datamap;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import kz.dsr.classify.Contacts;

/**
 * Checks and normalises the new value of a RECTIFICATION before it is written. Written in the data
 * map as {@code phone}, {@code email}, {@code date}, {@code text(MIN..MAX)} or {@code enum(a, b, c)}.
 */
public sealed interface FieldValidator {

    /** The value to write, or empty when the new value is not acceptable. */
    Optional<String> check(String value);

    /** What an acceptable value looks like, for messages to the operator. */
    String describe();

    /** The validators a data map may name, for the error when it names another. */
    String KNOWN = "phone, email, date, text(MIN..MAX), enum(a, b, ...)";

    Pattern TEXT = Pattern.compile("text\\(\\s*(\\d+)\\s*\\.\\.\\s*(\\d+)\\s*\\)");
    Pattern ENUM = Pattern.compile("enum\\((.+)\\)");

    /** Parses a validator from the map; empty when the name is not one of {@link #KNOWN}. */
    static Optional<FieldValidator> parse(String spec) {
        String s = spec.strip();
        switch (s) {
            case "phone":
                return Optional.of(new Phone());
            case "email":
                return Optional.of(new Email());
            case "date":
                return Optional.of(new Date());
            default:
                break;
        }
        Matcher t = TEXT.matcher(s);
        if (t.matches()) {
            int min = Integer.parseInt(t.group(1));
            int max = Integer.parseInt(t.group(2));
            return min <= max && max > 0 ? Optional.of(new Text(min, max)) : Optional.empty();
        }
        Matcher e = ENUM.matcher(s);
        if (e.matches()) {
            List<String> values = List.of(e.group(1).split("\\s*,\\s*")).stream().map(String::strip)
                    .filter(v -> !v.isEmpty()).toList();
            return values.isEmpty() ? Optional.empty() : Optional.of(new OneOf(values));
        }
        return Optional.empty();
    }

    record Phone() implements FieldValidator {
        public Optional<String> check(String value) {
            return Contacts.phone(value);
        }

        public String describe() {
            return "a Kazakhstan phone number";
        }
    }

    record Email() implements FieldValidator {
        public Optional<String> check(String value) {
            return Contacts.email(value);
        }

        public String describe() {
            return "an e-mail address";
        }
    }

    /** A calendar date written 2001-02-03, 03.02.2001 or 03/02/2001, stored as ISO. */
    record Date() implements FieldValidator {
        // STRICT: 31.02.1993 is refused, not quietly turned into 28 February.
        private static final List<DateTimeFormatter> FORMS = List.of(
                DateTimeFormatter.ofPattern("uuuu-MM-dd").withResolverStyle(java.time.format.ResolverStyle.STRICT),
                DateTimeFormatter.ofPattern("d.M.uuuu").withResolverStyle(java.time.format.ResolverStyle.STRICT),
                DateTimeFormatter.ofPattern("d/M/uuuu").withResolverStyle(java.time.format.ResolverStyle.STRICT));

        public Optional<String> check(String value) {
            if (value == null) {
                return Optional.empty();
            }
            for (DateTimeFormatter f : FORMS) {
                try {
                    LocalDate d = LocalDate.parse(value.strip(), f);
                    if (d.getYear() >= 1900 && !d.isAfter(LocalDate.now().plusYears(50))) {
                        return Optional.of(d.toString());
                    }
                } catch (DateTimeParseException ignored) {
                    // try the next form
                }
            }
            return Optional.empty();
        }

        public String describe() {
            return "a date (2001-02-03 or 03.02.2001)";
        }
    }

    /** Text of MIN..MAX characters without control characters. */
    record Text(int min, int max) implements FieldValidator {
        public Optional<String> check(String value) {
            if (value == null) {
                return Optional.empty();
            }
            String s = value.strip().replaceAll("\\s+", " ");
            int n = s.codePointCount(0, s.length());
            boolean clean = s.codePoints().noneMatch(Character::isISOControl);
            return clean && n >= min && n <= max ? Optional.of(s) : Optional.empty();
        }

        public String describe() {
            return "text of " + min + " to " + max + " characters";
        }
    }

    /** One of a fixed list of values (compared without regard to case). */
    record OneOf(List<String> values) implements FieldValidator {
        public Optional<String> check(String value) {
            if (value == null) {
                return Optional.empty();
            }
            String s = value.strip().toLowerCase(Locale.ROOT);
            return values.stream().filter(v -> v.toLowerCase(Locale.ROOT).equals(s)).findFirst();
        }

        public String describe() {
            return "one of " + String.join(", ", values);
        }
    }
}
