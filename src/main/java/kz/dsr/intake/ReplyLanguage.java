package kz.dsr.intake;

/**
 * The language to answer in, from the letters a mail is written in: Kazakh letters → kk, other
 * Cyrillic → ru, Latin → en, nothing to go on → Russian and Kazakh together.
 */
public final class ReplyLanguage {

    private static final String KAZAKH_LETTERS = "әғқңөұүһіӘҒҚҢӨҰҮҺІ";

    private ReplyLanguage() {
    }

    public static String of(String text) {
        int cyrillic = 0;
        int latin = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (KAZAKH_LETTERS.indexOf(c) >= 0) {
                return "kk";
            }
            if (Character.UnicodeBlock.of(c) == Character.UnicodeBlock.CYRILLIC) {
                cyrillic++;
            } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
                latin++;
            }
        }
        if (cyrillic == 0 && latin == 0) {
            return "ru-kk";
        }
        return cyrillic >= latin ? "ru" : "en";
    }
}
