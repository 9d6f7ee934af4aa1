package kz.dsr.classify;

import java.util.Locale;

/**
 * Spelling normalisation shared by mail text and rule words, so that both sides of a comparison
 * went through the same steps.
 *
 * <p>{@link #fold} maps Cyrillic onto a reduced alphabet: Kazakh letters onto their Russian
 * look-alikes (people type Kazakh on Russian keyboards: «жойыныз» for «жойыңыз») and the letters
 * transliteration cannot tell apart (й/ы/і/и) onto one. {@link #translit} turns Latin-letter
 * Russian or Kazakh («udalite», «zhoiynyzshy») into Cyrillic before folding.
 */
final class TextForms {

    private TextForms() {
    }

    /** Lower case, «ё» as «е»: the form given to the Snowball stemmers. */
    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT).replace('ё', 'е');
    }

    static boolean isCyrillic(char c) {
        return c >= '\u0400' && c <= '\u04FF';
    }

    static boolean isLatin(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '\u00C0' && c <= '\u024F');
    }

    /** Folds lower-case Cyrillic (other characters pass through). */
    static String fold(String lower) {
        StringBuilder b = null;
        for (int i = 0; i < lower.length(); i++) {
            char c = lower.charAt(i);
            String r = foldChar(c);
            if (r != null && b == null) {
                b = new StringBuilder(lower.length());
                b.append(lower, 0, i);
            }
            if (b != null) {
                b.append(r != null ? r : String.valueOf(c));
            }
        }
        return b == null ? lower : b.toString();
    }

    private static String foldChar(char c) {
        switch (c) {
            case 'ә': return "а";
            case 'ғ': return "г";
            case 'қ': return "к";
            case 'ң': return "н";
            case 'ө': return "о";
            case 'ұ': case 'ү': return "у";
            case 'һ': return "х";
            case 'і': case 'ы': case 'й': return "и";
            case 'ё': case 'э': return "е";
            case 'щ': return "ш";
            case 'ъ': case 'ь': return "";
            default: return null;
        }
    }

    /** Latin-letter Russian/Kazakh (lower case) as Cyrillic; the result is meant to be folded. */
    static String translit(String latinLower) {
        return translit(latinLower, false);
    }

    /**
     * As {@link #translit(String)}; in Kazakh mail a "j" is «ж» (jarnama, joiynyz, jeke), not the
     * «я/ю/ё» or «й» of Russian translit.
     */
    static String translit(String latinLower, boolean kazakh) {
        String s = kazakh ? latinLower.replace('j', 'ž') : latinLower;
        StringBuilder b = new StringBuilder(s.length());
        int i = 0;
        while (i < s.length()) {
            String three = i + 3 <= s.length() ? s.substring(i, i + 3) : "";
            String two = i + 2 <= s.length() ? s.substring(i, i + 2) : "";
            if (s.startsWith("shch", i)) { b.append('щ'); i += 4; continue; }
            if (three.equals("sch")) { b.append('щ'); i += 3; continue; }
            // -tsya / -tsa: «хранятся», «кажется» (a reflexive ending), not «ц».
            if (s.startsWith("tsya", i) && i + 4 == s.length()) { b.append("тся"); i += 4; continue; }
            switch (two) {
                case "zh": b.append('ж'); i += 2; continue;
                case "kh": b.append('х'); i += 2; continue;
                case "ts": b.append('ц'); i += 2; continue;
                case "ch": b.append('ч'); i += 2; continue;
                case "sh": b.append('ш'); i += 2; continue;
                case "ya": case "ja": b.append('я'); i += 2; continue;
                case "yu": case "ju": b.append('ю'); i += 2; continue;
                case "yo": case "jo": b.append('е'); i += 2; continue;
                default: break;
            }
            char c = s.charAt(i);
            b.append(switch (c) {
                case 'a', 'ä', 'á', 'à', 'â' -> "а";
                case 'b' -> "б";
                case 'v', 'w' -> "в";
                case 'g', 'ğ', 'ǵ' -> "г";
                case 'd' -> "д";
                case 'e', 'é', 'è', 'ê' -> "е";
                case 'z' -> "з";
                case 'ž' -> "ж";
                case 'i', 'ı', 'í', 'ì', 'î', 'ï' -> "и";
                case 'y', 'j' -> "ы";
                case 'k', 'q' -> "к";
                case 'l' -> "л";
                case 'm' -> "м";
                case 'n', 'ñ', 'ń' -> "н";
                case 'o', 'ö', 'ó', 'ò', 'ô' -> "о";
                case 'p' -> "п";
                case 'r' -> "р";
                case 's' -> "с";
                case 't' -> "т";
                case 'u', 'ū', 'ü', 'ú', 'ý', 'ù', 'û' -> "у";   // ý: У of the 2018 Kazakh Latin alphabet (á ǵ ı ń ó ú ý)
                case 'f' -> "ф";
                case 'h', 'x' -> "х";
                case 'c' -> "ц";
                case 'ş' -> "ш";
                case 'ç' -> "ч";
                case '\'', '’' -> "ь";
                default -> String.valueOf(c);
            });
            i++;
        }
        return b.toString();
    }

    /** Latin letters that look like Cyrillic ones, for words that mix both alphabets («пoлиция»). */
    static String latinLookalikesToCyrillic(String lower) {
        StringBuilder b = new StringBuilder(lower.length());
        for (int i = 0; i < lower.length(); i++) {
            char c = lower.charAt(i);
            b.append(switch (c) {
                case 'a' -> 'а';
                case 'e' -> 'е';
                case 'o' -> 'о';
                case 'p' -> 'р';
                case 'c' -> 'с';
                case 'x' -> 'х';
                case 'y' -> 'у';
                case 'k' -> 'к';
                case 'm' -> 'м';
                case 't' -> 'т';
                case 'h' -> 'н';
                case 'b' -> 'в';
                case 'i' -> 'і';
                default -> c;
            });
        }
        return b.toString();
    }

    /** Cyrillic capitals that look like Latin ones (car plates typed on a Russian keyboard). */
    static String latinLookalikesToLatin(String upper) {
        StringBuilder b = new StringBuilder(upper.length());
        for (int i = 0; i < upper.length(); i++) {
            char c = upper.charAt(i);
            b.append(switch (c) {
                case 'А' -> 'A';
                case 'В' -> 'B';
                case 'Е' -> 'E';
                case 'К' -> 'K';
                case 'М' -> 'M';
                case 'Н' -> 'H';
                case 'О' -> 'O';
                case 'Р' -> 'P';
                case 'С' -> 'C';
                case 'Т' -> 'T';
                case 'У' -> 'Y';
                case 'Х' -> 'X';
                default -> c;
            });
        }
        return b.toString();
    }
}
