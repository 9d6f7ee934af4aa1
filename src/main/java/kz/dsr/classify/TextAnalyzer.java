package kz.dsr.classify;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a subject or body into {@link Token}s and finds the concepts of the rules in them.
 * Stateless apart from the rules it is given; safe to call from many threads.
 */
final class TextAnalyzer {

    /** E-mail addresses and links are identifiers, not words: hidden before tokenising. */
    private static final Pattern NOT_WORDS = Pattern.compile(
            "[\\p{L}0-9._%+\\-]{1,64}@[\\p{L}0-9.\\-]{1,255}\\.\\p{L}{2,24}|(?:https?://|www\\.)\\S{1,4000}",
            Pattern.CASE_INSENSITIVE);

    /** Longer "words" are not words (base64, hashes, a key held down): not analysed. */
    static final int MAX_WORD = 64;

    private TextAnalyzer() {
    }

    /** Splits text into word tokens with sentence/clause numbers; no matching yet. */
    static List<Token> tokenize(String text, Rules.TextSettings settings) {
        char[] c = text.toCharArray();
        Matcher m = NOT_WORDS.matcher(text);
        while (m.find()) {
            for (int i = m.start(); i < m.end(); i++) {
                c[i] = ' ';
            }
        }
        List<Token> out = new ArrayList<>();
        String breaks = settings.sentenceBreaks();
        int sentence = 0;
        boolean sentenceHasTokens = false;
        boolean pause = false;
        int i = 0;
        int n = c.length;
        while (i < n) {
            char ch = c[i];
            if (Character.isLetter(ch)) {
                int start = i;
                int cyr = 0;
                int lat = 0;
                while (i < n && (Character.isLetter(c[i]) || Character.getType(c[i]) == Character.NON_SPACING_MARK
                        || (isApostrophe(c[i]) && i + 1 < n && Character.isLetter(c[i + 1]) && i > start))) {
                    if (TextForms.isCyrillic(c[i])) {
                        cyr++;
                    } else if (TextForms.isLatin(c[i])) {
                        lat++;
                    }
                    i++;
                }
                String word = new String(c, start, i - start).replace('’', '\'');
                Token t;
                if (cyr > 0 && lat > 0 && cyr >= lat) {
                    // «пoлиция» with a Latin o: read as the Cyrillic word it pretends to be.
                    t = new Token(TextForms.latinLookalikesToCyrillic(TextForms.lower(word)), start, i, false, false);
                } else {
                    t = new Token(word, start, i, lat > cyr, false);
                }
                t.sentence = sentence;
                t.pauseBefore = pause;
                pause = false;
                out.add(t);
                sentenceHasTokens = true;
                continue;
            }
            if (ch == '?') {
                Token q = new Token("?", i, i + 1, false, true);
                q.sentence = sentence;
                out.add(q);
                if (sentenceHasTokens) {
                    sentence++;
                    sentenceHasTokens = false;
                }
                pause = false;
                i++;
                continue;
            }
            boolean sentenceEnd;
            if (ch == '\n') {
                int j = i + 1;
                while (j < n && (c[j] == ' ' || c[j] == '\t' || c[j] == '\r')) {
                    j++;
                }
                sentenceEnd = j >= n || c[j] == '\n' || c[j] == '-' || c[j] == '>';
                pause = true;
            } else if (ch == '.') {
                int j = i + 1;
                while (j < n && c[j] == ' ') {
                    j++;
                }
                sentenceEnd = j >= n || !(Character.isDigit(c[j]) || Character.isLowerCase(c[j]));
            } else if (ch == '-') {
                // A free-standing hyphen (" - ", "--") is a dash.
                boolean spaceBefore = i == 0 || Character.isWhitespace(c[i - 1]) || c[i - 1] == '-';
                boolean spaceAfter = i + 1 >= n || Character.isWhitespace(c[i + 1]) || c[i + 1] == '-';
                sentenceEnd = spaceBefore && spaceAfter;
            } else if (ch == ',') {
                sentenceEnd = false;
                pause = true;
            } else {
                sentenceEnd = breaks.indexOf(ch) >= 0;
            }
            if (sentenceEnd && sentenceHasTokens) {
                sentence++;
                sentenceHasTokens = false;
                pause = false;
            }
            i++;
        }
        int clause = 0;
        int lastSentence = 0;
        for (int k = 0; k < out.size(); k++) {
            Token t = out.get(k);
            if (t.sentence != lastSentence) {
                clause++;
                lastSentence = t.sentence;
            } else if (k > 0 && settings.clauseWords().contains(TextForms.fold(t.lower))) {
                clause++;
            }
            t.clause = clause;
        }
        return out;
    }

    private static boolean isApostrophe(char c) {
        return c == '\'' || c == '’';
    }

    /**
     * Computes the matching keys of the tokens, finds every concept occurrence and applies
     * negation.
     *
     * @param useTranslit Latin words may be Russian/Kazakh transliteration (not for English mail)
     * @param kazakh      the mail is Kazakh: look for Kazakh negative endings and auxiliaries in
     *                    every word, not only in words with Kazakh letters
     */
    static Section analyze(String text, List<Token> tokenList, Rules rules, boolean useTranslit,
            boolean kazakh) {
        Token[] tokens = tokenList.toArray(Token[]::new);
        KazakhStemmer kk = rules.kazakh().stemmer();
        String kkLetters = rules.language().kazakhLetters();
        for (Token t : tokens) {
            if (t.punctuation || t.text.length() > MAX_WORD) {
                continue;
            }
            if (t.latin) {
                t.folded = t.lower;
                t.enKey = Stemmers.english(t.lower);
                if (useTranslit) {
                    String cyr = TextForms.translit(t.lower, kazakh);
                    t.translitFolded = TextForms.fold(cyr);
                    t.ruKey = TextForms.fold(Stemmers.russian(cyr));
                    Vocabulary v = rules.vocabulary();
                    if (!kazakh && !v.knowsCyrillic(t.ruKey, null) && cyr.endsWith("т")) {
                        // Translit drops the soft sign: «zablokirovat» is «заблокировать».
                        String soft = TextForms.fold(Stemmers.russian(cyr + "ь"));
                        if (v.knowsCyrillic(soft, null)) {
                            t.ruKey = soft;
                        }
                    }
                    if (kazakh) {
                        kazakhKeys(t, t.translitFolded, kk);
                    } else if (!v.knowsCyrillic(t.ruKey, null) && kazakhTranslit(t, kk, v)) {
                        // A Kazakh word in a mail read as Russian translit («zharnamalyq sms zhibermenizshi»).
                        kazakhKeys(t, t.translitFolded, kk);
                    }
                }
            } else {
                t.folded = TextForms.fold(t.lower);
                t.ruKey = TextForms.fold(Stemmers.russian(t.lower));
                // Kazakh suffixes are only looked for in Kazakh: stripped from Russian words they
                // produce false matches («женщина» → «жен»).
                if (kazakh || hasAny(t.lower, kkLetters)) {
                    kazakhKeys(t, t.folded, kk);
                } else if (kazakhInRussianLetters(t.folded, t.ruKey, kk, rules.vocabulary())) {
                    // «жойындаршы» for «жойыңдаршы»: Kazakh typed on a Russian keyboard (ң→н, і→и, ә→а ...)
                    // in a mail read as Russian. Folding made both spellings one; the word is read as Kazakh
                    // when only its Kazakh stems are known.
                    kazakhKeys(t, t.folded, kk);
                }
            }
        }
        markAuxiliaries(tokens, rules.kazakh(), kazakh, kkLetters);

        Vocabulary vocabulary = rules.vocabulary();
        Section section = new Section(text, tokens, vocabulary.size());
        List<int[]> found = new ArrayList<>();
        Vocabulary.MatchSink sink = (concept, start, end) -> found.add(new int[] {concept, start, end});
        for (int i = 0; i < tokens.length; i++) {
            // Conjunctions («и», "and", «және») only separate clauses; they carry no concept.
            if (!rules.text().clauseWords().contains(tokens[i].folded)) {
                vocabulary.matchAt(tokens, i, sink);
            }
        }
        boolean[] cue = new boolean[tokens.length];
        boolean[] modal = new boolean[tokens.length];
        int[] modals = rules.negation().modals();
        for (int[] f : found) {
            if (contains(modals, f[0])) {
                modal[f[1]] = true;
            } else if (vocabulary.negatable(f[0])) {
                for (int k = f[1]; k <= f[2]; k++) {
                    cue[k] = true;
                }
            }
        }
        negate(tokens, cue, modal, rules.negation(), kazakh);
        for (int[] f : found) {
            boolean negated = false;
            for (int k = f[1]; k <= f[2]; k++) {
                negated |= tokens[k].negated;
            }
            section.add(new Section.Occurrence(f[0], f[1], f[2], negated));
        }
        if (rules.mood() != null) {
            MoodAnalyzer.mark(section, rules.mood(), vocabulary);
        }
        return section;
    }

    private static boolean contains(int[] a, int v) {
        for (int x : a) {
            if (x == v) {
                return true;
            }
        }
        return false;
    }

    /**
     * A Cyrillic word without Kazakh letters that reads as Kazakh typed with Russian ones
     * («аккаунтымды жойындаршы»): no Russian rule word has its Snowball stem, but a Kazakh rule word
     * has one of its Kazakh stems (the folded word is that stem plus a chain of Kazakh suffixes of at
     * least two letters, or a negated verb).
     */
    static boolean kazakhInRussianLetters(String folded, String ruKey, KazakhStemmer kk, Vocabulary v) {
        if (v.knowsCyrillic(ruKey, null) || folded.length() < 4) {
            return false;
        }
        String verb = kk.negatedVerb(folded);
        String word = verb != null ? verb : folded;
        for (String stem : kk.stems(word)) {
            // A one-letter ending is no evidence of Kazakh («были» is not «біл-і»).
            if ((verb != null || word.length() - stem.length() >= 2) && v.knowsCyrillic(null, new String[] {stem})) {
                return true;
            }
        }
        return false;
    }

    /** A Latin word that reads as Kazakh: Kazakh-only letters (q, ğ, ñ, ä ...) or a known Kazakh stem. */
    private static boolean kazakhTranslit(Token t, KazakhStemmer kk, Vocabulary v) {
        String w = t.lower;
        for (int i = 0; i < w.length(); i++) {
            if ("qğñäöüūı".indexOf(w.charAt(i)) >= 0) {
                return true;
            }
        }
        String verb = kk.negatedVerb(t.translitFolded);
        return v.knowsCyrillic(null, kk.stems(verb != null ? verb : t.translitFolded));
    }

    private static void kazakhKeys(Token t, String folded, KazakhStemmer kk) {
        String verb = kk.negatedVerb(folded);
        if (verb != null) {
            t.kazakhNegative = true;
            t.kkStems = kk.stems(verb);
        } else {
            t.kkStems = kk.stems(folded);
        }
    }

    private static boolean hasAny(String s, String letters) {
        for (int i = 0; i < s.length(); i++) {
            if (letters.indexOf(s.charAt(i)) >= 0) {
                return true;
            }
        }
        return false;
    }

    /** жойып БЕРІҢІЗ, өшіріп ТАСТАҢЫЗ: a verb after a converb only adds aspect or politeness. */
    private static void markAuxiliaries(Token[] tokens, Rules.KazakhMorphology morphology, boolean kazakh,
            String kkLetters) {
        for (int i = 1; i < tokens.length; i++) {
            Token prev = tokens[i - 1];
            Token t = tokens[i];
            if (t.punctuation || prev.punctuation || t.kkStems == null || prev.sentence != t.sentence || t.pauseBefore) {
                continue;
            }
            if (!kazakh && !hasAny(t.lower, kkLetters) && !hasAny(prev.lower, kkLetters)) {
                continue;
            }
            String p = prev.translitFolded != null ? prev.translitFolded : prev.folded;
            boolean converb = false;
            // «файл етіп жіберіңіз» "send it as a file": after a light converb (етіп) the verb is the main verb
            for (String e : morphology.converbEndings()) {
                if (morphology.lightConverbs().contains(p)) {
                    break;
                }
                if (p.length() > e.length() + 1 && p.endsWith(e)) {
                    converb = true;
                    break;
                }
            }
            if (converb) {
                for (String stem : t.kkStems) {
                    if (morphology.auxiliaries().contains(stem)) {
                        t.auxiliary = true;
                    }
                }
            }
        }
    }

    /**
     * A negation word cancels the nearest cue after it («не удаляйте», "don't delete"); a Kazakh
     * «емес»/«жоқ» the nearest cue before it. A modal in between passes the negation on («не хочу
     * удалять», "do not want to delete", «жойғым келмейді»). Commas and line breaks end the scope
     * («больше не пользуюсь, удалите»).
     */
    private static void negate(Token[] tokens, boolean[] cue, boolean[] modal, Rules.Negation negation,
            boolean kazakh) {
        for (int i = 0; i < tokens.length; i++) {
            Token t = tokens[i];
            if (t.punctuation) {
                continue;
            }
            String w = t.latin ? t.lower : t.folded;
            // Kazakh negates with endings and «емес»/«жоқ» after the verb; its «не» means "what".
            boolean before = !(kazakh && !t.latin) && (negation.before().contains(w)
                    || (!kazakh && t.translitFolded != null && negation.before().contains(t.translitFolded)));
            if (before && startsPhrase(tokens, i, negation.notNegating())) {
                continue;
            }
            if (before) {
                if (!afterIgnored(tokens, i, negation)) {
                    scopeForward(tokens, i, cue, modal, negation);
                }
            } else if (negation.after().contains(w) || (t.translitFolded != null && negation.after().contains(t.translitFolded))) {
                scopeBackward(tokens, i, cue, modal, negation);
            } else if (t.kazakhNegative) {
                t.negated = true;
                if (modal[i]) {
                    scopeBackward(tokens, i, cue, modal, negation);
                }
            }
        }
    }

    private static void scopeForward(Token[] tokens, int i, boolean[] cue, boolean[] modal, Rules.Negation negation) {
        int budget = negation.window();
        boolean negatedModal = false;
        for (int j = i + 1; j < tokens.length && budget > 0; j++) {
            Token t = tokens[j];
            boolean transparent = negation.transparent().contains(t.latin ? t.lower : t.folded);
            // «не хочу, чтобы ...»: a comma before a transparent word does not end the scope.
            if (t.punctuation || t.sentence != tokens[i].sentence || (t.pauseBefore && !transparent)) {
                break;
            }
            if (transparent) {
                continue;
            }
            if (modal[j]) {
                t.negated = true;
                negatedModal = true;
                budget = negation.window();
                continue;
            }
            if (cue[j]) {
                t.negated = true;
                if (negatedModal) {
                    carryOver(tokens, j, cue, negation.coordination(), 0);
                } else {
                    carryOver(tokens, j, cue, negation.disjunction(), 2);
                }
                return;
            }
            budget--;
        }
        if (negatedModal) {
            // «удалять (пока) не надо», "deleting is not needed": the cue stands before.
            scopeBackward(tokens, i, cue, modal, negation);
        }
    }

    /**
     * Carries a negation from the cue at {@code j} over a conjunction to the cue right after it, and
     * on along such a chain: after a negated modal over «и / или» («не надо блокировать и удалять»,
     * "don't want to block or delete"), after any negation over "or" only, past the first cue's object
     * ("I'm not deleting my account or withdrawing consent": {@code objectWords} 2).
     */
    private static void carryOver(Token[] tokens, int j, boolean[] cue, Set<String> conjunctions, int objectWords) {
        int sentence = tokens[j].sentence;
        int k = j;
        while (true) {
            k++;
            while (k < tokens.length && cue[k] && !tokens[k].pauseBefore) {
                k++; // the rest of a phrase cue
            }
            for (int skipped = 0; k < tokens.length && skipped < objectWords && !cue[k] && !tokens[k].punctuation
                    && !tokens[k].pauseBefore && tokens[k].sentence == sentence
                    && !conjunctions.contains(word(tokens[k])); skipped++) {
                k++; // the first cue's object
            }
            if (k + 1 >= tokens.length) {
                return;
            }
            Token and = tokens[k];
            Token next = tokens[k + 1];
            if (and.punctuation || next.punctuation || and.sentence != sentence || next.sentence != sentence
                    || and.pauseBefore || next.pauseBefore || !cue[k + 1] || !conjunctions.contains(word(and))) {
                return;
            }
            next.negated = true;
            k++;
        }
    }

    private static String word(Token t) {
        return t.latin ? t.lower : t.folded;
    }

    private static void scopeBackward(Token[] tokens, int i, boolean[] cue, boolean[] modal, Rules.Negation negation) {
        if (afterIgnored(tokens, Math.max(0, i - 1), negation)) {
            return;
        }
        int budget = negation.window();
        for (int j = i - 1; j >= 0 && budget > 0; j--) {
            Token t = tokens[j];
            if (t.punctuation || t.sentence != tokens[i].sentence || tokens[j + 1].pauseBefore) {
                return;
            }
            if (negation.transparent().contains(t.latin ? t.lower : t.folded)) {
                continue;
            }
            if (j < i - 1 && !modal[j] && politeImperative(t)) {
                // «жойып жіберіңізші, керек емес»: an imperative asks; the «емес» after it negates
                // the later words («(маған) керек емес» "I don't need it"), not the request.
                return;
            }
            if (modal[j]) {
                t.negated = true;
                budget = negation.window();
                continue;
            }
            if (cue[j]) {
                t.negated = true;
                if (afterIgnored(tokens, j, negation)) {
                    t.negated = false;
                }
                return;
            }
            budget--;
        }
    }

    /** Kazakh polite imperatives (жіберіңіз, тастаңыздаршы; folded: ң→н, і→и): a request, never negated from after. */
    private static final java.util.regex.Pattern POLITE_IMPERATIVE = java.util.regex.Pattern.compile(
            ".{2,}(низ|низдар|низдер|нниз|ндар|ндер)(ши)?");

    private static boolean politeImperative(Token t) {
        String w = t.latin ? (t.translitFolded != null ? t.translitFolded : t.lower) : t.folded;
        return w != null && !t.kazakhNegative && POLITE_IMPERATIVE.matcher(w).matches();
    }

    /** «не могли бы вы ...»: a polite request that starts with a negation word. */
    private static boolean startsPhrase(Token[] tokens, int i, List<String[]> phrases) {
        for (String[] phrase : phrases) {
            if (i + phrase.length > tokens.length) {
                continue;
            }
            boolean all = true;
            for (int k = 0; k < phrase.length && all; k++) {
                Token t = tokens[i + k];
                all = t.sentence == tokens[i].sentence && phrase[k].equals(t.latin ? t.lower : t.folded);
            }
            if (all) {
                return true;
            }
        }
        return false;
    }

    /** «до сих пор не», "still not", «әлі ... жоқ»: the negation reports a wish not yet done. */
    private static boolean afterIgnored(Token[] tokens, int i, Rules.Negation negation) {
        for (String[] phrase : negation.ignoreAfter()) {
            for (int gap = 0; gap <= 2; gap++) {
                int end = i - 1 - gap;
                int start = end - phrase.length + 1;
                if (start < 0) {
                    continue;
                }
                boolean all = true;
                for (int k = 0; k < phrase.length && all; k++) {
                    Token t = tokens[start + k];
                    all = t.sentence == tokens[i].sentence && phrase[k].equals(t.latin ? t.lower : t.folded);
                }
                if (all) {
                    return true;
                }
            }
        }
        return false;
    }
}
