package kz.dsr.demo;

import static kz.dsr.demo.Draws.chance;
import static kz.dsr.demo.Draws.digits;
import static kz.dsr.demo.Draws.pick;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Realistic Kazakhstan values for both samples' random subjects: people, cities, phones, IINs, car
 * plates, IP addresses. The lists come from {@code demo/samples/reference/*.yaml}; the formats
 * (E.164, the IIN's check digit, plates) are here.
 */
final class Kazakhstan {

    record City(String name, String plateRegion, String areaCode, double lat, double lon, List<String> streets) {
    }

    record Person(String first, String last, boolean female, boolean kazakh, LocalDate birth) {
        String fullName() {
            return first + " " + last;
        }
    }

    private static final String PLATE_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ";
    private static final int[] IIN_WEIGHTS = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
    private static final int[] IIN_WEIGHTS_AGAIN = {3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2};

    final List<City> cities;
    final List<String> emailDomains;
    final List<String> androidVersions;
    final List<String> iosVersions;
    final List<String> desktopOses;
    private final Map<String, City> citiesByName = new LinkedHashMap<>();
    private final List<String> kazakhFemale;
    private final List<String> kazakhMale;
    private final List<String> russianFemale;
    private final List<String> russianMale;
    private final List<String> kazakhSurnames;
    private final List<String> russianSurnames;
    private final List<String> invariantSurnames;
    private final List<String> mobileCodes;
    private final List<String> ipPrefixes;

    private Kazakhstan() {
        ReferenceFile names = ReferenceFile.read("reference/names.yaml");
        kazakhFemale = names.strings("kazakh_female");
        kazakhMale = names.strings("kazakh_male");
        russianFemale = names.strings("russian_female");
        russianMale = names.strings("russian_male");
        kazakhSurnames = names.strings("kazakh_surnames");
        russianSurnames = names.strings("russian_surnames");
        invariantSurnames = names.strings("invariant_surnames");
        names.done();

        ReferenceFile places = ReferenceFile.read("reference/cities.yaml");
        cities = places.records("cities", c -> new City(c.string("name"), c.string("plate_region"),
                c.string("area_code"), c.number("lat"), c.number("lon"), c.strings("streets")));
        places.done();
        for (City c : cities) {
            citiesByName.put(c.name(), c);
        }

        ReferenceFile network = ReferenceFile.read("reference/network.yaml");
        mobileCodes = network.strings("mobile_codes");
        ipPrefixes = network.strings("ip_prefixes");
        emailDomains = network.strings("email_domains");
        network.done();

        ReferenceFile devices = ReferenceFile.read("reference/devices.yaml");
        androidVersions = devices.strings("android_versions");
        iosVersions = devices.strings("ios_versions");
        desktopOses = devices.strings("desktop_oses");
        devices.done();
    }

    /** Reads the reference files; a missing or malformed one is an IllegalStateException naming it. */
    static Kazakhstan load() {
        return new Kazakhstan();
    }

    /** A city of reference/cities.yaml by name, for the samples' own references to it. */
    City city(String name, String usedIn) {
        City c = citiesByName.get(name);
        if (c == null) {
            throw new IllegalStateException(usedIn + ": no city '" + name + "' in demo/samples/reference/cities.yaml");
        }
        return c;
    }

    Person person(SplittableRandom r) {
        boolean female = r.nextBoolean();
        double origin = r.nextDouble();
        String first;
        String last;
        if (origin < 0.72) {
            first = pick(r, female ? kazakhFemale : kazakhMale);
            last = pick(r, kazakhSurnames);
        } else {
            first = pick(r, female ? russianFemale : russianMale);
            last = pick(r, origin < 0.95 ? russianSurnames : invariantSurnames);
        }
        if (female && (last.endsWith("ов") || last.endsWith("ев") || last.endsWith("ин"))) {
            last += "а";
        }
        LocalDate birth = LocalDate.of(1958 + r.nextInt(48), 1, 1).plusDays(r.nextInt(365));
        return new Person(first, last, female, origin < 0.72, birth);
    }

    /** Kazakh names mostly go with Kazakh or Russian; English is rare. */
    static String language(SplittableRandom r, Person p) {
        double x = r.nextDouble();
        if (x < 0.08) {
            return "en";
        }
        return p.kazakh() && x < 0.5 ? "kk" : "ru";
    }

    String mobile(SplittableRandom r) {
        return "+7" + pick(r, mobileCodes) + digits(r, 7);
    }

    /** A city landline in E.164: +7, the area code, then the subscriber number (10 digits after +7). */
    static String landline(SplittableRandom r, City city) {
        return "+7" + city.areaCode() + digits(r, 10 - city.areaCode().length());
    }

    String ip(SplittableRandom r) {
        return pick(r, ipPrefixes) + "." + r.nextInt(256) + "." + (1 + r.nextInt(254));
    }

    /**
     * An IIN: birth date YYMMDD, century-and-gender digit (3/4 for 1900s, 5/6 for 2000s; even for
     * women), a 4-digit serial, and the check digit. A serial whose check digit does not exist
     * is skipped for the next one.
     */
    static String iin(LocalDate birth, boolean female, int serial) {
        int centuryAndGender = (birth.getYear() < 2000 ? 3 : 5) + (female ? 1 : 0);
        String date = two(birth.getYear() % 100) + two(birth.getMonthValue()) + two(birth.getDayOfMonth());
        for (int s = serial; ; s = (s + 1) % 10_000) {
            String body = date + centuryAndGender + String.valueOf(10_000 + s).substring(1);
            int check = checkDigit(body, IIN_WEIGHTS);
            if (check == 10) {
                check = checkDigit(body, IIN_WEIGHTS_AGAIN);
            }
            if (check < 10) {
                return body + check;
            }
        }
    }

    private static int checkDigit(String body, int[] weights) {
        int sum = 0;
        for (int i = 0; i < 11; i++) {
            sum += (body.charAt(i) - '0') * weights[i];
        }
        return sum % 11;
    }

    /** "123 ABC 02" (a private car) or, one in ten, "123 AB 02" (a company car); the suffix is the region. */
    static String plate(SplittableRandom r, City city) {
        return String.valueOf(1000 + 1 + r.nextInt(999)).substring(1) + " " + letters(r, chance(r, 0.9) ? 3 : 2)
                + " " + city.plateRegion();
    }

    /** Capital Latin letters without I, O and Q (read as 1 and 0), as on plates and licences. */
    static String letters(SplittableRandom r, int n) {
        StringBuilder s = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            s.append(PLATE_LETTERS.charAt(r.nextInt(PLATE_LETTERS.length())));
        }
        return s.toString();
    }

    /** Lower-case Latin transliteration of a Kazakh or Russian name, for e-mail addresses and display names. */
    static String latin(String cyrillic) {
        StringBuilder out = new StringBuilder(cyrillic.length() + 4);
        for (char ch : cyrillic.toLowerCase(Locale.ROOT).toCharArray()) {
            out.append(switch (ch) {
                case 'а', 'ә' -> "a";
                case 'б' -> "b";
                case 'в' -> "v";
                case 'г', 'ғ' -> "g";
                case 'д' -> "d";
                case 'е', 'ё', 'э' -> "e";
                case 'ж' -> "zh";
                case 'з' -> "z";
                case 'и', 'і' -> "i";
                case 'й', 'ы' -> "y";
                case 'к', 'қ' -> "k";
                case 'л' -> "l";
                case 'м' -> "m";
                case 'н', 'ң' -> "n";
                case 'о', 'ө' -> "o";
                case 'п' -> "p";
                case 'р' -> "r";
                case 'с' -> "s";
                case 'т' -> "t";
                case 'у', 'ұ', 'ү' -> "u";
                case 'ф' -> "f";
                case 'х', 'һ' -> "kh";
                case 'ц' -> "ts";
                case 'ч' -> "ch";
                case 'ш' -> "sh";
                case 'щ' -> "sch";
                case 'ю' -> "yu";
                case 'я' -> "ya";
                case 'ъ', 'ь' -> "";
                default -> String.valueOf(ch);
            });
        }
        return out.toString();
    }

    private static String two(int n) {
        return n < 10 ? "0" + n : String.valueOf(n);
    }
}
