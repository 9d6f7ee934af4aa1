package kz.dsr.classify;

/**
 * Finds where a mail only asks about or imagines an action instead of asking for it: sentences
 * that are questions («Как удалить аккаунт?», "how do I ..."), questions about the policy («Что
 * будет с данными, если я удалю приложение?», "do you delete ...?"), and imagined cases («если я
 * удалю аккаунт», "if I delete", Kazakh «жойсам»). The word lists are concepts of the rules file
 * (section {@code mood}); the {@link Scorer} uses the marks to cancel destructive matches or to ask
 * for review.
 */
final class MoodAnalyzer {

    private MoodAnalyzer() {
    }

    static void mark(Section s, Rules.Mood mood, Vocabulary vocabulary) {
        Token[] tokens = s.tokens;
        int sentences = tokens.length == 0 ? 0 : tokens[tokens.length - 1].sentence + 1;
        boolean[] question = new boolean[sentences];
        boolean[] request = new boolean[sentences];
        boolean[] policy = new boolean[sentences];
        boolean[] hypothetical = new boolean[tokens.length];
        markSentences(s, mood.question(), question);
        markSentences(s, mood.howTo(), question);
        markSentences(s, mood.requestQuestion(), request);
        markSentences(s, mood.policy(), policy);

        // «если можно», "if possible": politeness, no imagined case.
        boolean[] polite = new boolean[tokens.length];
        if (mood.politeConditional() >= 0) {
            for (Section.Occurrence o : s.occurrences(mood.politeConditional())) {
                for (int k = o.start(); k <= o.end(); k++) {
                    polite[k] = true;
                }
            }
        }
        // «если», "if", «егер»: the imagined case runs to the next comma, question mark or sentence end.
        if (mood.conditional() >= 0) {
            for (Section.Occurrence o : s.occurrences(mood.conditional())) {
                if (polite[o.start()]) {
                    continue;
                }
                for (int k = o.start(); k < tokens.length; k++) {
                    Token t = tokens[k];
                    if (k > o.end() && (t.pauseBefore || t.punctuation || t.sentence != tokens[o.start()].sentence)) {
                        break;
                    }
                    hypothetical[k] = true;
                }
            }
        }
        // «возможно, потом удалю», "I might delete it later", «бәлкім, кейін жоямын»: the sender's own
        // maybe or later action, not a request: imagined from the word to the end of its clause.
        // Not in questions («возможно ли удалить?» asks for it).
        if (mood.hypothetical() >= 0) {
            boolean[] asked = new boolean[sentences];
            markSentences(s, mood.question(), asked);
            markSentences(s, mood.howTo(), asked);
            for (Section.Occurrence o : s.occurrences(mood.hypothetical())) {
                Token first = tokens[o.start()];
                if (polite[o.start()] || asked[first.sentence]) {
                    continue;
                }
                for (int k = o.start(); k < tokens.length; k++) {
                    Token t = tokens[k];
                    if (t.sentence != first.sentence || t.clause != first.clause) {
                        break;
                    }
                    hypothetical[k] = true;
                }
            }
        }
        // Kazakh «аккаунтты жойсам»: a verb in the conditional closes the imagined case it ends.
        if (!mood.conditionalEndings().isEmpty()) {
            for (int c = 0; c < vocabulary.size(); c++) {
                if (!vocabulary.negatable(c)) {
                    continue;
                }
                for (Section.Occurrence o : s.occurrences(c)) {
                    for (int k = o.start(); k <= o.end(); k++) {
                        if (conditionalVerb(tokens[k], mood)) {
                            int from = k;
                            while (from > 0 && !tokens[from].pauseBefore && !tokens[from - 1].punctuation
                                    && tokens[from - 1].sentence == tokens[k].sentence) {
                                from--;
                            }
                            for (int j = from; j <= k; j++) {
                                hypothetical[j] = true;
                            }
                        }
                    }
                }
            }
        }
        // A question holding an imagined case asks what would happen: a question about the policy.
        for (int k = 0; k < tokens.length; k++) {
            int sentence = tokens[k].sentence;
            if (hypothetical[k] && question[sentence] && !request[sentence]) {
                policy[sentence] = true;
            }
        }
        for (int i = 0; i < sentences; i++) {
            question[i] &= !request[i];
        }
        // «Спасибо, данные исправили», "thanks for deleting my account", «жойғандарыңызға рахмет»:
        // thanks and a completed action in one clause, no request word in the sentence: a report of
        // a request carried out, not a request («Спасибо за ответ, но вы не указали ...» is two clauses).
        if (mood.thanks() >= 0 && mood.done() >= 0) {
            int clauses = tokens.length == 0 ? 0 : tokens[tokens.length - 1].clause + 1;
            boolean[] thanks = new boolean[clauses];
            boolean[] done = new boolean[clauses];
            boolean[] asks = new boolean[sentences];
            for (Section.Occurrence o : s.occurrences(mood.thanks())) {
                thanks[tokens[o.start()].clause] = true;
            }
            boolean[] doneWord = new boolean[tokens.length];
            for (Section.Occurrence o : s.occurrences(mood.done())) {
                done[tokens[o.start()].clause] = true;
                for (int k = o.start(); k <= o.end(); k++) {
                    doneWord[k] = true;
                }
            }
            if (mood.request() >= 0) {
                for (Section.Occurrence o : s.occurrences(mood.request())) {
                    // жой-ды-ңыз-дар "you deleted" ends like жой-ыңыз-дар "delete!": the past wins.
                    if (!doneWord[o.start()] || o.end() > o.start()) {
                        asks[tokens[o.start()].sentence] = true;
                    }
                }
            }
            // «Рахмет! Жарнама енді келмейді.»: a thank-you sentence of its own, right before the
            // report, thanks for it too.
            boolean[] thanksSentence = new boolean[sentences];
            for (Section.Occurrence o : s.occurrences(mood.thanks())) {
                thanksSentence[tokens[o.start()].sentence] = true;
            }
            boolean[] reported = new boolean[tokens.length];
            for (int k = 0; k < tokens.length; k++) {
                Token t = tokens[k];
                boolean thanked = thanks[t.clause] || (t.sentence > 0 && thanksSentence[t.sentence - 1]
                        && !asks[t.sentence - 1] && !question[t.sentence - 1]);
                reported[k] = thanked && done[t.clause] && !asks[t.sentence] && !question[t.sentence];
            }
            s.reported = reported;
        }
        s.hypothetical = hypothetical;
        s.question = question;
        s.policy = policy;
    }

    private static void markSentences(Section s, int concept, boolean[] out) {
        if (concept < 0) {
            return;
        }
        for (Section.Occurrence o : s.occurrences(concept)) {
            out[s.tokens[o.start()].sentence] = true;
        }
    }

    /** жой-сам, өшір-се: a Kazakh verb form of the conditional (-саңыз is a polite request: not listed). */
    private static boolean conditionalVerb(Token t, Rules.Mood mood) {
        if (t.kkStems == null || t.punctuation) {
            return false;
        }
        String form = t.translitFolded != null ? t.translitFolded : t.folded;
        for (String e : mood.conditionalEndings()) {
            if (form.length() > e.length() + 2 && form.endsWith(e)) {
                return true;
            }
        }
        return false;
    }
}
