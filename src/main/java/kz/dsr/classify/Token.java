package kz.dsr.classify;

/** One word (or a question mark) of a subject or body, with everything matching needs. */
final class Token {

    /** The word as written. */
    final String text;
    /** Offsets of {@link #text} in the analysed string. */
    final int start;
    final int end;
    /** Lower case (ё as е). */
    final String lower;
    /** Written in Latin letters. */
    final boolean latin;
    /** A question mark, not a word. */
    final boolean punctuation;

    /** Folded lower case (see {@link TextForms#fold}); Latin words: lower case. */
    String folded;
    /** Latin words read as Russian/Kazakh transliteration, folded; null when not applicable. */
    String translitFolded;
    /** Matching keys (see {@link Vocabulary}); null when not applicable. */
    String ruKey;
    /** Kazakh: every stem the word can be split into (see {@link KazakhStemmer#stems}). */
    String[] kkStems;
    String enKey;

    /** Index of the sentence and of the clause (a sentence split at «и», "and", «және» ...). */
    int sentence;
    int clause;
    /** A comma or line break stands between the previous token and this one. */
    boolean pauseBefore;
    /** A Kazakh verb carrying a negative ending (жоймаңыз). */
    boolean kazakhNegative;
    /** An auxiliary verb after a Kazakh converb (жойып беріңіз): no concept of its own. */
    boolean auxiliary;
    /** This cue is negated: it does not count for its type. */
    boolean negated;

    Token(String text, int start, int end, boolean latin, boolean punctuation) {
        this.text = text;
        this.start = start;
        this.end = end;
        this.lower = TextForms.lower(text);
        this.latin = latin;
        this.punctuation = punctuation;
        this.folded = lower;
    }

    @Override
    public String toString() {
        return text;
    }
}
