package kz.dsr.classify;

import org.tartarus.snowball.SnowballStemmer;
import org.tartarus.snowball.ext.EnglishStemmer;
import org.tartarus.snowball.ext.RussianStemmer;

/** Lucene's Snowball stemmers, one instance per thread (they keep state while stemming). */
final class Stemmers {

    private static final ThreadLocal<SnowballStemmer> RUSSIAN = ThreadLocal.withInitial(RussianStemmer::new);
    private static final ThreadLocal<SnowballStemmer> ENGLISH = ThreadLocal.withInitial(EnglishStemmer::new);

    private Stemmers() {
    }

    /** Snowball Russian stem of a lower-case word (ё already as е). */
    static String russian(String lower) {
        return stem(RUSSIAN.get(), lower);
    }

    /** Snowball English (Porter2) stem of a lower-case word. */
    static String english(String lower) {
        return stem(ENGLISH.get(), lower);
    }

    private static String stem(SnowballStemmer s, String word) {
        s.setCurrent(word);
        s.stem();
        return s.getCurrent();
    }
}
