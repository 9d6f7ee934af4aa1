package kz.dsr.classify;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import kz.dsr.request.RequestType;

/**
 * The classifier's rules as read from config/classifier.yaml, compiled: word lists are already
 * stemmed and indexed. Immutable; a reload builds a new instance. Each part is documented in the
 * YAML file itself.
 */
record Rules(
        Path source,
        int reloadCheckSeconds,
        Scoring scoring,
        TextSettings text,
        Negation negation,
        KazakhMorphology kazakh,
        LanguageWords language,
        Vocabulary vocabulary,
        List<Rule> rules,
        List<Guard> guards,
        IdentifierWords identifiers,
        Mood mood,
        ModelSettings model) {

    /**
     * The learned model ({@link Model}, {@code file} resolved against the rules file's folder) reads
     * every mail and gives the type; the rules are its rails. The model's type is reviewed below
     * {@code reviewBelow}. Its NOT_DSR against a request the rules read is reviewed unless the model has
     * {@code overruleConfident} ({@code overruleSure} when the rules are sure of their request). A
     * destructive type goes without review only when the rules come to it too and the model has
     * {@code confirmDestructive} ({@code confirmDoubted} when the rules doubt it); when the rules ask for
     * a person about it, a person looks. A NOT_DSR is reviewed when the model gives the data request
     * types together {@code requestReview} or more.
     */
    record ModelSettings(Path file, double reviewBelow, double overruleConfident, double overruleSure,
            double confirmDestructive, double confirmDoubted, double requestReview) {
    }

    /** How matched rule weights become a type, a confidence and a review flag. */
    record Scoring(double subjectWeight, int window, int guardWindow, double minScore, double confidenceScale,
            double reviewBelow, double reviewBelowDestructive, double closeRatio, List<Precedence> precedence,
            double requestOverTopics) {
    }

    /** When {@code type} has at least {@code minScore}, it wins over every type in {@code over}. */
    record Precedence(RequestType type, double minScore, Set<RequestType> over) {
    }

    /** Where sentences and clauses end; how much text is read. */
    record TextSettings(String sentenceBreaks, Set<String> clauseWords, int maxChars) {
    }

    /**
     * Negation. {@code before}/{@code after}: folded words that negate the next / previous cue;
     * {@code ignoreAfter}: folded word sequences after which a negation reports a wish not yet
     * done («до сих пор не удалён»); {@code transparent}: words the scope skips over;
     * {@code modals}: concepts that pass a negation on to the next cue («не хочу удалять»);
     * {@code notNegating}: folded phrases that start with a negation word but ask politely («не
     * могли бы вы удалить»): no negation; {@code coordination}: folded conjunctions that carry a
     * negation passed on by a modal to the next cue («не надо блокировать и удалять»).
     */
    record Negation(Set<String> before, Set<String> after, List<String[]> ignoreAfter, int window,
            Set<String> transparent, int[] modals, List<String[]> notNegating, Set<String> coordination,
            Set<String> disjunction) {
    }

    /** Kazakh morphology: the stemmer, converb endings and auxiliary verb stems. */
    record KazakhMorphology(KazakhStemmer stemmer, List<String> converbEndings, Set<String> auxiliaries,
            Set<String> lightConverbs) {
    }

    /** Function words per language (folded) and the letters only Kazakh uses. */
    record LanguageWords(String defaultLanguage, String kazakhLetters, String kazakhLatinLetters, Set<String> ru, Set<String> kk, Set<String> en) {
    }

    /**
     * One weighted pattern: all parts within the window in one sentence ({@code anywhere}: in
     * any sentences of the section; {@code alone}: the sentence holds nothing else).
     */
    record Rule(String name, RequestType type, double weight, List<Part> parts, Integer window, boolean anywhere,
            boolean alone, int line) {
    }

    /**
     * One part of a pattern: any of {@code concepts}. {@code polarity}: the cue must be negated
     * ("not send"), may be either ("any use"), or — the default — a negatable concept must not
     * be negated.
     */
    record Part(int[] concepts, Polarity polarity, String text) {
    }

    enum Polarity { DEFAULT, NEGATED, ANY }

    /**
     * A pattern that shows the verb is not the intent (cart, review, hacked account ...). It
     * cancels matches of {@code cancels} types in its clause, in the whole mail, or — scope
     * words — only the matches that use one of its words. {@code except}: concepts whose words,
     * covering the guard's own words, make them something else («әкемнің аты» is a patronymic, not
     * a father). {@code review}: when the guard's words occur at all (even switched off by
     * {@code unless}), a destructive type is reviewed.
     */
    record Guard(String name, List<Part> parts, int[] unless, int[] except, int[][] requires, GuardScope scope,
            Set<RequestType> cancels, double notDsr, Integer window, boolean review, int line) {

        boolean wholeMessage() {
            return scope == GuardScope.MESSAGE;
        }
    }

    enum GuardScope { WORDS, CLAUSE, MESSAGE }

    /**
     * Questions and conditionals (see {@link MoodAnalyzer}). Concept ids: {@code conditional}
     * opens an imagined case up to the next comma («если», "if", «егер»); {@code politeConditional}
     * is politeness, not a condition ("if possible"); {@code howTo} and the {@code question}
     * concept make a sentence a question; {@code requestQuestion} makes a question a polite
     * request ("could you"); {@code policy} makes a sentence a question about the policy
     * ("what happens"). {@code conditionalEndings}: folded Kazakh verb endings of the conditional
     * (жой-сам). {@code cancels}: types whose matches in an imagined case or a policy question do
     * not count; {@code policyCancels}: further types whose matches in a policy question do not count; {@code notDsr}: weight then added to NOT_DSR. {@code declarativeMin}: a
     * destructive winner needs this much score from statements in the body, else review and its
     * confidence is at most {@code askedConfidenceMax};
     * {@code closeRatioDestructive}: review a destructive winner when a non-destructive type
     * scores this fraction of it. {@code hypothetical}: a maybe / a later action of the sender's own
     * («возможно, потом удалю», "I might delete later") makes the rest of its clause imagined;
     * {@code keep}: a negated cue of this concept («пока ничего не удаляйте») reviews a destructive
     * winner and adds {@code keepBonus} to the strongest other data request; {@code personal}: a mail
     * no rule matched that names the sender's own data, account or number is reviewed, not a
     * confident NOT_DSR. {@code thanks}, {@code done}, {@code request}: a sentence holding thanks and
     * a completed action («Спасибо, данные исправили», "thanks for deleting my account") and no
     * request word reports a request already carried out: none of its matches count. A concept id of -1 means the list is not used.
     */
    record Mood(int conditional, int politeConditional, int question, int howTo, int requestQuestion, int policy,
            List<String> conditionalEndings, Set<RequestType> cancels, Set<RequestType> policyCancels, double notDsr,
            double declarativeMin, double askedConfidenceMax, double closeRatioDestructive, int hypothetical,
            int[] keep, int keepWords, double keepBonus, int personal, int thanks, int done, int request) {
    }

    /** Words the identifier extractor needs. */
    record IdentifierWords(List<String> orderWords, List<String> orderMarkers, Map<String, Integer> fieldConcepts,
            List<String> fieldOrder) {
    }
}
