package kz.dsr.classify;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Finds e-mails, Kazakhstan phones, IINs, order numbers and, for RECTIFICATION, the change asked for. */
final class IdentifierExtractor {

    static final Pattern EMAIL = Pattern.compile(
            "(?<![\\w.+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\\.[A-Za-z0-9-]{1,63}){0,8}\\.[A-Za-z]{2,24}(?![A-Za-z0-9-])");

    /**
     * +7 701 123 45 67 · 87011234567 · 8 (701) 123-45-67 · +7-701-1234567: a trunk prefix (+7, 8
     * or 7) and a 10-digit national number starting with 6 or 7 (Kazakhstan's ranges).
     */
    static final Pattern PHONE = Pattern.compile(
            "(?<![\\d+])(?:\\+\\s?7|8|7)[\\s\\-.]*\\(?\\s*([67]\\d{2})\\s*\\)?[\\s\\-.]*(\\d{3})[\\s\\-.]*(\\d{2})[\\s\\-.]*(\\d{2})(?![\\d])");

    static final Pattern TWELVE_DIGITS = Pattern.compile("(?<!\\d)\\d{12}(?!\\d)");

    private static final Pattern DATE = Pattern.compile("(?<!\\d)(\\d{1,2})[./-](\\d{1,2})[./-](\\d{4})(?!\\d)|(?<!\\d)(\\d{4})-(\\d{2})-(\\d{2})(?!\\d)");

    /** Kazakhstan car plate: 123ABC02 (letters Latin or look-alike Cyrillic). */
    private static final Pattern PLATE = Pattern.compile("(?<![\\p{L}\\d])(\\d{3})\\s?([A-ZА-Я]{2,3})\\s?(\\d{2})(?![\\p{L}\\d])");

    /** A hit with its place in the text. */
    record Hit(String value, int start, int end) {
    }

    private final Pattern order;

    IdentifierExtractor(Rules.IdentifierWords words) {
        String w = words.orderWords().stream().map(Pattern::quote).collect(Collectors.joining("|"));
        String m = words.orderMarkers().stream().map(Pattern::quote).collect(Collectors.joining("|"));
        this.order = Pattern.compile("(?<![\\p{L}])(?:" + w + ")\\p{L}*[\\s:,]*(?:(?:" + m
                + ")\\.?[\\s:]*)?#?((?:[A-Za-z]{1,3}-?)?\\d{3,20}(?:-[A-Za-z0-9]{1,20}){0,3})(?![\\w-])",
                Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    }

    static List<Hit> emails(String text) {
        List<Hit> out = new ArrayList<>();
        Matcher m = EMAIL.matcher(text);
        while (m.find()) {
            out.add(new Hit(m.group().toLowerCase(Locale.ROOT), m.start(), m.end()));
        }
        return out;
    }

    static List<Hit> phones(String text) {
        List<Hit> out = new ArrayList<>();
        Matcher m = PHONE.matcher(text);
        while (m.find()) {
            out.add(new Hit("+7" + m.group(1) + m.group(2) + m.group(3) + m.group(4), m.start(), m.end()));
        }
        return out;
    }

    static List<String> iins(String text) {
        Set<String> out = new LinkedHashSet<>();
        Matcher m = TWELVE_DIGITS.matcher(text);
        while (m.find()) {
            if (Iin.isValid(m.group())) {
                out.add(m.group());
            }
        }
        return List.copyOf(out);
    }

    List<String> orderNumbers(String text) {
        Set<String> out = new LinkedHashSet<>();
        Matcher m = order.matcher(text);
        while (m.find()) {
            String id = m.group(1);
            if (!PHONE.matcher(id).matches()) {
                out.add(id);
            }
        }
        return List.copyOf(out);
    }

    /** All identifiers of subject and new text, without rectification. */
    Identifiers extract(String subject, String body) {
        String all = subject.isEmpty() ? body : subject + "\n" + body;
        return new Identifiers(values(emails(all)), values(phones(all)), iins(all), orderNumbers(all), null);
    }

    private static List<String> values(List<Hit> hits) {
        return List.copyOf(hits.stream().map(Hit::value).collect(Collectors.toCollection(LinkedHashSet::new)));
    }

    /**
     * The field a RECTIFICATION mail wants changed and the new value when it is clearly stated:
     * the value written right after a marker («на», "to", «теперь») near the field word, else the
     * last phone/e-mail of the text for those fields. Null when no field is named or implied.
     */
    static Correction rectification(Section s, Rules rules) {
        Rules.IdentifierWords words = rules.identifiers();
        Vocabulary v = rules.vocabulary();
        int marker = v.id(Vocabulary.NEW_VALUE);
        int oldMarker = v.id(Vocabulary.OLD_VALUE);
        List<Hit> phones = phones(s.text);
        List<Hit> emails = emails(s.text);

        List<int[]> mentions = new ArrayList<>(); // {fieldIndex, tokenIndex}
        for (int f = 0; f < words.fieldOrder().size(); f++) {
            Integer concept = words.fieldConcepts().get(words.fieldOrder().get(f));
            for (Section.Occurrence o : s.occurrences(concept)) {
                mentions.add(new int[] {f, o.start(), o.end()});
            }
        }
        mentions.sort((a, b) -> Integer.compare(a[1], b[1]));
        Correction firstNamed = null;
        for (int[] mention : mentions) {
            String field = words.fieldOrder().get(mention[0]);
            String value = switch (field) {
                case "phone" -> pick(phones, s, marker, mention[2]);
                case "email" -> pick(emails, s, marker, mention[2]);
                case "birth_date" -> date(s.text, s.tokens[mention[2]].end);
                case "vehicle" -> plate(s.text, s.tokens[mention[2]].end);
                case "surname", "name", "patronymic" -> name(s, mention[2], marker, oldMarker);
                default -> null;
            };
            if (value != null) {
                return new Correction(field, value);
            }
            if (firstNamed == null) {
                firstNamed = new Correction(field, null);
            }
        }
        if (firstNamed != null) {
            return firstNamed;
        }
        // No field word: a phone or e-mail right after «на» / "to" is the new value.
        String phone = afterMarker(phones, s, marker);
        if (phone != null) {
            return new Correction("phone", phone);
        }
        String email = afterMarker(emails, s, marker);
        return email == null ? null : new Correction("email", email);
    }

    /** The hit right after a marker, else the last hit after the field word, else the last hit. */
    private static String pick(List<Hit> hits, Section s, int marker, int fieldEnd) {
        if (hits.isEmpty()) {
            return null;
        }
        String after = afterMarker(hits, s, marker);
        if (after != null) {
            return after;
        }
        int fieldOffset = s.tokens[fieldEnd].end;
        Hit last = null;
        for (Hit h : hits) {
            if (h.start() >= fieldOffset) {
                last = h;
            }
        }
        return (last != null ? last : hits.get(hits.size() - 1)).value();
    }

    private static String afterMarker(List<Hit> hits, Section s, int marker) {
        if (marker < 0) {
            return null;
        }
        for (Section.Occurrence o : s.occurrences(marker)) {
            int markerEnd = s.tokens[o.end()].end;
            int nextToken = o.end() + 1 < s.tokens.length ? s.tokens[o.end() + 1].start : Integer.MAX_VALUE;
            for (Hit h : hits) {
                if (h.start() >= markerEnd && h.start() <= nextToken && s.text.substring(markerEnd, h.start()).strip().length() <= 1) {
                    return h.value();
                }
            }
        }
        return null;
    }

    private static String date(String text, int from) {
        Matcher m = DATE.matcher(text);
        if (!m.find(from)) {
            return null;
        }
        try {
            LocalDate d = m.group(1) != null
                    ? LocalDate.of(Integer.parseInt(m.group(3)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(1)))
                    : LocalDate.of(Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)), Integer.parseInt(m.group(6)));
            return d.toString();
        } catch (DateTimeException e) {
            return null;
        }
    }

    private static String plate(String text, int from) {
        Matcher m = PLATE.matcher(text);
        return m.find(from) ? (m.group(1) + TextForms.latinLookalikesToLatin(m.group(2)) + m.group(3)) : null;
    }

    /**
     * A capitalised word right after a marker following the field word («фамилию на Петрову»,
     * "last name to Smith", «теперь Сейткали»), or after «вместо X —» ("instead of X"), or before
     * Kazakh «деп».
     */
    private static String name(Section s, int fieldEnd, int marker, int oldMarker) {
        Token[] t = s.tokens;
        int limit = Math.min(t.length, fieldEnd + 9);
        boolean sawOld = false;
        for (int i = fieldEnd + 1; i < limit; i++) {
            if (t[i].punctuation) {
                return null;
            }
            if (isMarker(s, i, oldMarker)) {
                sawOld = true;
                continue;
            }
            if (isMarker(s, i, marker)) {
                Token next = nextWord(t, i, limit);
                if (next != null && capitalised(next)) {
                    return joined(s, next);
                }
                continue;
            }
            if (sawOld && capitalised(t[i])) {
                Token next = nextWord(t, i, limit);
                // «вместо «Иванова» — «Петрова»»: the word after the old one is the new one.
                if (next != null && capitalised(next)) {
                    return joined(s, next);
                }
                return null;
            }
            if (capitalised(t[i]) && i + 1 < t.length && t[i + 1].folded.equals("деп")) {
                return t[i].text;
            }
        }
        return null;
    }

    private static boolean isMarker(Section s, int i, int marker) {
        if (marker < 0) {
            return false;
        }
        for (Section.Occurrence o : s.occurrences(marker)) {
            if (o.start() == i) {
                return true;
            }
        }
        return false;
    }

    private static Token nextWord(Token[] t, int i, int limit) {
        for (int k = i + 1; k < limit; k++) {
            if (!t[k].punctuation && !t[k].lower.equals("of") && !t[k].lower.equals("is") && !t[k].lower.equals("be")) {
                return t[k];
            }
        }
        return null;
    }

    private static boolean capitalised(Token t) {
        return !t.punctuation && Character.isUpperCase(t.text.charAt(0)) && t.text.length() > 1
                && !t.text.equals(t.text.toUpperCase(Locale.ROOT));
    }

    /** A double-barrelled name written with a hyphen is one value. */
    private static String joined(Section s, Token first) {
        int end = first.end;
        for (Token t : s.tokens) {
            if (t.start == end + 1 && s.text.charAt(end) == '-' && capitalised(t)) {
                end = t.end;
            }
        }
        return s.text.substring(first.start, end);
    }
}
