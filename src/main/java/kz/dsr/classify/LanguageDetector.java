package kz.dsr.classify;

import java.util.List;

/**
 * ru / kk / en from the words of a mail. Cyrillic mail: Kazakh letters and Kazakh function words
 * against Russian function words. Latin mail: English words (function words and rule words)
 * against words that read as Russian or Kazakh once transliterated («udalite», «menin»), which
 * makes it translit.
 */
final class LanguageDetector {

    /** The language and whether it was written in Latin letters although Russian/Kazakh. */
    record Detected(String language, boolean translit) {
    }

    private LanguageDetector() {
    }

    static Detected detect(List<Token> tokens, Rules.LanguageWords words, Vocabulary vocabulary,
            KazakhStemmer kazakh) {
        int cyrillic = 0;
        int latin = 0;
        int kk = 0;
        int ru = 0;
        int en = 0;
        int translitRu = 0;
        int translitKk = 0;
        for (Token t : tokens) {
            if (t.punctuation || t.text.length() > TextAnalyzer.MAX_WORD) {
                continue;
            }
            if (t.latin) {
                latin++;
                if (words.en().contains(t.lower) || vocabulary.knowsEnglish(Stemmers.english(t.lower))) {
                    en++;
                    continue;
                }
                String cyr = TextForms.translit(t.lower);
                String f = TextForms.fold(cyr);
                if (hasAny(t.lower, words.kazakhLatinLetters()) || words.kk().contains(f)) {
                    translitKk++;
                } else if (words.ru().contains(f)) {
                    translitRu++;
                } else if (vocabulary.knowsCyrillic(TextForms.fold(Stemmers.russian(cyr)), null)) {
                    translitRu++;
                } else if (vocabulary.knowsCyrillic(null, kazakh.stems(f))) {
                    translitKk++;
                } else if (t.lower.indexOf('j') >= 0) {
                    // Kazakh translit writes «ж» as j (jarnama, jibermeniz), Russian translit «я/й».
                    String asKazakh = TextForms.fold(TextForms.translit(t.lower, true));
                    if (words.kk().contains(asKazakh) || vocabulary.knowsCyrillic(null, kazakh.stems(asKazakh))) {
                        translitKk++;
                    }
                }
            } else {
                cyrillic++;
                String f = TextForms.fold(t.lower);
                if (hasAny(t.lower, words.kazakhLetters()) || words.kk().contains(f)) {
                    kk++;
                } else if (words.ru().contains(f)) {
                    ru++;
                } else if (TextAnalyzer.kazakhInRussianLetters(f, TextForms.fold(Stemmers.russian(t.lower)), kazakh,
                        vocabulary)) {
                    kk++; // Kazakh typed with Russian letters («озгертип», «жойындаршы»)
                }
            }
        }
        if (cyrillic == 0 && latin == 0) {
            return new Detected(words.defaultLanguage(), false);
        }
        if (cyrillic >= latin) {
            return new Detected(kk > ru ? "kk" : "ru", false);
        }
        if (en > translitRu + translitKk || translitRu + translitKk == 0) {   // a tie ("spam zhibermenizder") reads as translit
            return new Detected("en", false);
        }
        return new Detected(translitKk > translitRu ? "kk" : "ru", true);
    }

    /** The word holds one of {@code letters}. */
    private static boolean hasAny(String word, String letters) {
        for (int i = 0; i < word.length(); i++) {
            if (letters.indexOf(word.charAt(i)) >= 0) {
                return true;
            }
        }
        return false;
    }
}
