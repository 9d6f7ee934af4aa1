package kz.dsr.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import kz.dsr.request.RequestType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Negation, guards, precedence, language, subject and robustness of {@link Classifier}. */
class ClassifierBehaviourTest {

    private static Classifier classifier;

    @BeforeAll
    static void load() {
        classifier = Classifier.fromFile(Corpus.RULES);
    }

    private static Classification classify(String body) {
        return classifier.classify("", body);
    }

    private static void assertType(RequestType want, String body) {
        Classification c = classify(body);
        assertEquals(want, c.type(), body + " → " + c.evidence());
    }

    // ---- negation ----

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "Не удаляйте аккаунт, поменяйте почту.|RECTIFICATION",
        "Don't delete my account, just update my address in the profile.|RECTIFICATION",
        "I do not want you to delete my account, only change my email.|RECTIFICATION",
        "Аккаунтымды жоймаңыз, тек поштамды өзгертіңіз.|RECTIFICATION",
        "Не хочу удалять аккаунт, но отпишите меня от рассылки.|MARKETING_OPT_OUT",
        "Удалять ничего не надо, исправьте отчество в профиле.|RECTIFICATION",
    })
    void aNegatedDeleteDoesNotCountForErasure(String body, RequestType want) {
        assertType(want, body);
        assertTrue(classify(body).evidence().stream().anyMatch(e -> e.startsWith("negated")), "negation shows in the evidence");
    }

    // ---- a later or maybe deletion, "don't delete anything yet" ----

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "Я, возможно, потом удалю аккаунт, но сейчас пришлите копию моих данных.|ACCESS",
        "I might delete my account later, but for now send me an export of my data.|ACCESS",
        "Бәлкім, кейін аккаунтымды жоямын, бірақ қазір деректерімнің көшірмесін жіберіңіз.|ACCESS",
        "Кейін аккаунтымды жоямын, бірақ алдымен деректерімнің көшірмесін жіберіңіз.|ACCESS",
        "Может быть, в будущем удалю профиль, а пока поменяйте номер телефона на 87015554433.|RECTIFICATION",
    })
    void aLaterOrMaybeDeletionIsNotARequest(String body, RequestType want) {
        assertType(want, body);
    }

    @Test
    void possiblyDeletingStillAsksWhenItIsAQuestionOrARequest() {
        assertType(RequestType.ERASURE, "Пришлите копию данных, а потом удалите аккаунт.");
        assertType(RequestType.ERASURE, "Возможно ли удалить мой аккаунт?");
    }

    @Test
    void dontDeleteAnythingYetStrengthensTheOtherWish() {
        Classification c = classify("Пришлите копию всех моих данных. Пока ничего не удаляйте.");
        assertEquals(RequestType.ACCESS, c.type(), c.evidence().toString());
        assertTrue(c.evidence().stream().anyMatch(e -> e.startsWith("keep:")), c.evidence().toString());
    }

    // ---- no rule matched ----

    @Test
    void aMailNamingOwnDataThatNoRuleMatchesIsReviewed() {
        Classification c = classify("Что-то непонятное с моими данными у вас, разберитесь.");
        // NOT_DSR, or the model's non-destructive guess on a quiet NOT_DSR: a person looks either way
        assertTrue(c.type() == RequestType.NOT_DSR || !c.type().isDestructive(), c.evidence().toString());
        assertTrue(c.review(), c.evidence().toString());
        Classification plain = classify("Спасибо, всё понятно, хорошего дня!");
        assertEquals(RequestType.NOT_DSR, plain.type());
        assertFalse(plain.review(), plain.evidence().toString());
        Classification order = classify("Где мой заказ? Жду уже неделю.");
        assertEquals(RequestType.NOT_DSR, order.type());
        assertFalse(order.review(), order.evidence().toString());
    }

    // ---- blocking against withdrawal ----

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "До её рассмотрения прошу не обрабатывать мои сведения. Только хранить.|BLOCKING",
        "Бір айға менің мәліметтерімді қолданбаңыз, бірақ сақтаңыз.|BLOCKING",
        "Please don't use my data for a month, but keep it.|BLOCKING",
        "Больше не разрешаю обрабатывать мои данные, отзываю согласие.|CONSENT_WITHDRAWAL",
    })
    void keptButUnusedIsABlock(String body, RequestType want) {
        assertType(want, body);
    }

    // ---- translit ----

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "proshu zablokirovat obrabotku moih dannyh na vremya proverki|BLOCKING",
        "zharnamalyq sms zhibermenizshi magan|MARKETING_OPT_OUT",
        "kakie moi dannye u vas hranyatsya?|ACCESS",
        "spam zhibermenizder|MARKETING_OPT_OUT",
    })
    void translitDropsSoftSignsAndMixesKazakh(String body, RequestType want) {
        assertType(want, body);
    }

    @Test
    void aCommaEndsTheNegation() {
        assertType(RequestType.ERASURE, "Больше не пользуюсь вашим сервисом, сотрите все данные обо мне.");
        assertType(RequestType.ERASURE, "I don't use the app anymore, please delete my account.");
    }

    @Test
    void stillNotDeletedIsAComplaintAboutErasureNotANegation() {
        assertType(RequestType.ERASURE, "Пишу повторно: мой аккаунт до сих пор не удалён!");
        // The rules read the wish; a model unsure of it leaves the mail to a person, never to the support folder.
        Classification c = classify("My account has still not been deleted, delete it now.");
        assertTrue(c.evidence().stream().anyMatch(e -> e.startsWith("ERASURE +3 delete+account")), c.evidence().toString());
        assertTrue(c.type() == RequestType.ERASURE || c.review(), c.type() + " " + c.evidence());
    }

    @Test
    void negatedSendIsTheOptOutCue() {
        assertType(RequestType.MARKETING_OPT_OUT, "Не присылайте мне больше рекламу.");
        assertType(RequestType.MARKETING_OPT_OUT, "Маған жарнамалық SMS жібермеңіздер.");
        assertType(RequestType.MARKETING_OPT_OUT, "Please don't send me promotional emails.");
    }

    @Test
    void negatedConsentIsAWithdrawal() {
        assertType(RequestType.CONSENT_WITHDRAWAL, "Больше не даю согласия на передачу моих данных партнёрам.");
        assertType(RequestType.CONSENT_WITHDRAWAL, "Деректерімді үшінші тарапқа беруге келіспеймін.");
        assertType(RequestType.CONSENT_WITHDRAWAL, "I no longer consent to you sharing my data with third parties.");
    }

    // ---- guards ----

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "Как удалить товар из корзины?",
        "Себеттен тауарды қалай алып тастаймын?",
        "How do I remove an item from my cart?",
        "Удалите мой отзыв о ресторане.",
        "Пікірімді өшіріңізші.",
        "Please delete the review I left yesterday.",
        "Почему вы удалили мой заказ?",
        "Удалите сохранённую карту из приложения.",
        "Remove the saved card from my wallet.",
        "Заблокируйте аккаунт, его взломали.",
        "Аккаунтымды бұзып алыпты, бұғаттаңыз!",
        "My account was hacked, please block it.",
        "Отмените платную подписку, деньги списываются каждый месяц.",
        "Ақылы жазылымнан қалай бас тартамын?",
        "Измените адрес доставки в заказе №5521 на ул. Абая 10.",
        "Это следователь. Предоставьте данные о владельце номера +7 701 222 33 44.",
        "По решению суда прошу выдать сведения о клиенте.",
        "Я жена вашего клиента. Какие данные вы храните о моём муже?",
        "This is the police. Send us the personal data of your user.",
    })
    void guardsKeepTheVerbFromBeingTakenForTheIntent(String body) {
        Classification c = classify(body);
        assertEquals(RequestType.NOT_DSR, c.type(), body + " → " + c.evidence());
        assertTrue(c.evidence().stream().anyMatch(e -> e.startsWith("guard")), "the guard shows in the evidence: " + c.evidence());
    }

    @Test
    void removeMeFromTheMailingListIsAnOptOut() {
        assertType(RequestType.MARKETING_OPT_OUT, "Удалите меня из рассылки.");
        assertType(RequestType.MARKETING_OPT_OUT, "Удалите, пожалуйста, мой адрес из списка рассылки.");
        assertType(RequestType.MARKETING_OPT_OUT, "Please remove me from your mailing list.");
        assertType(RequestType.MARKETING_OPT_OUT, "Мені жарнамалық таратылымнан алып тастаңыз.");
    }

    @Test
    void aDeceasedParentsDataIsNotAThirdPartyRequest() {
        assertType(RequestType.ERASURE, "Прошу удалить данные моего умершего отца из вашей системы.");
    }

    @Test
    void aProfileAddressIsRectificationAnOrderAddressIsNot() {
        assertType(RequestType.RECTIFICATION, "Обновите адрес в моём профиле, я переехал.");
        assertType(RequestType.NOT_DSR, "Курьер едет не туда, в заказе адрес надо исправить.");
    }

    // ---- precedence ----

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "Отзываю согласие и прошу удалить все мои данные.",
        "Келісімімді қайтарып аламын және деректерімді жоюды талап етемін.",
        "I withdraw my consent and want all my data deleted.",
        "Отпишите меня от рассылки и удалите аккаунт.",
        "Прошу прекратить обработку и уничтожить мои персональные данные.",
    })
    void erasureWinsOverOtherWishes(String body) {
        Classification c = classify(body);
        assertEquals(RequestType.ERASURE, c.type(), body + " → " + c.evidence());
        assertTrue(c.evidence().stream().anyMatch(e -> e.startsWith("precedence")), c.evidence().toString());
    }

    @Test
    void blockingWinsOverConsentWhenTheStopIsForATime() {
        assertType(RequestType.BLOCKING, "Остановите обработку моих данных до окончания проверки.");
        // Without a time the rules read a withdrawal; the model, reading it as a block, is not sure enough to
        // overrule sure rules alone: a person decides.
        Classification c = classify("Остановите обработку моих данных.");
        assertTrue(c.type() == RequestType.CONSENT_WITHDRAWAL || c.review(), c.evidence().toString());
    }

    // ---- language ----

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "Прошу удалить мой аккаунт.|ru",
        "Аккаунтымды жоюды сұраймын.|kk",
        "Салеметсиз бе, менин аккаунтымды жойыныз, рахмет|kk",
        "Рассылкадан шығарыңызшы, керек емес.|kk",
        "Please delete my account.|en",
        "unsubscribe|en",
        "СТОП|ru",
        "|ru",
    })
    void language(String body, String want) {
        assertEquals(want, classify(body == null ? "" : body).language());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "akkauntymdy zhoiynyzshy, kerek emes|kk|ERASURE",
        "Salem, menin akkauntymdy zhoiyp beriniz.|kk|ERASURE",
        "Zdravstvuyte, udalite pozhaluysta moy akkaunt i vse dannye.|ru|ERASURE",
        "otpishite menya ot rassylki|ru|MARKETING_OPT_OUT",
        "kakie dannye obo mne vy hranite?|ru|ACCESS",
        "gde moi zakaz? uzhe 2 chasa jdu|ru|NOT_DSR",
    })
    void translitIsReadAsRussianOrKazakh(String body, String language, RequestType type) {
        Classification c = classify(body);
        assertEquals(language, c.language());
        assertEquals(type, c.type(), c.evidence().toString());
        assertTrue(c.evidence().stream().anyMatch(e -> e.contains("translit")), c.evidence().toString());
    }

    // ---- subject, confidence, review ----

    @Test
    void theSubjectCountsButLessThanTheBody() {
        Classification c = classifier.classify("Удаление персональных данных", "Здравствуйте. Прошу сделать это поскорее.");
        assertEquals(RequestType.ERASURE, c.type());
        assertTrue(c.evidence().stream().anyMatch(e -> e.contains("(subject)")));
        assertTrue(c.review(), "a destructive cue only in the subject is a person's call: " + c.evidence());
    }

    @Test
    void aClearRequestIsConfidentAndNotReviewed() {
        Classification c = classify("Прошу удалить мой аккаунт и все мои персональные данные.");
        assertEquals(RequestType.ERASURE, c.type());
        assertTrue(c.confidence() >= 0.8, "confidence " + c.confidence());
        assertFalse(c.review());
    }

    @Test
    void aLoneWeakCueIsReviewed() {
        Classification c = classify("Удалите их.");
        assertEquals(RequestType.ERASURE, c.type());
        assertTrue(c.review(), "a destructive type on a weak cue is reviewed: " + c.evidence());
    }

    @Test
    void aMailWithoutCuesIsNotDsr() {
        Classification c = classify("До скольки вы работаете?");
        assertEquals(RequestType.NOT_DSR, c.type());
        assertTrue(c.confidence() >= 0 && c.confidence() <= 1);
    }

    // ---- robustness ----

    @Test
    void neverThrowsOnAnyText() {
        String[] texts = {null, "", "   ", "\u0000\u0001\uFFFF", "?".repeat(10_000), "не ".repeat(5_000),
            "удалите ".repeat(20_000), "\uD83D\uDE00 emoji \uD83D", "a".repeat(300_000), "жоймаңыз".repeat(1000),
            "<<<>>>{{}}[[]]", "8".repeat(5000), "@".repeat(1000) + "x@y.kz", "заказ №" + "1".repeat(10_000)};
        for (String subject : texts) {
            for (String body : texts) {
                Classification c = classifier.classify(subject, body);
                assertNotNull(c.type());
                assertNotEquals(RequestType.UNKNOWN, c.type());
                assertTrue(c.confidence() >= 0 && c.confidence() <= 1);
            }
        }
    }

    @Test
    void threadSafe() throws Exception {
        List<Corpus.Labelled> rows = Corpus.tsv("dev.tsv");
        List<RequestType> expected = rows.stream().map(r -> classifier.classify(r.subject(), r.body()).type()).toList();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<List<RequestType>>> runs = IntStream.range(0, 8).mapToObj(i -> pool.submit(
                    () -> rows.stream().map(r -> classifier.classify(r.subject(), r.body()).type()).toList())).toList();
            for (Future<List<RequestType>> run : runs) {
                assertEquals(expected, run.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    // ---- mood: questions and imagined cases ----

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "Если я удалю аккаунт, вы удалите мои данные?",
        "Что будет с моими данными если я удалю приложение?",
        "What happens to my data if I delete my account?",
        "If I close my account, can I reopen it later?",
        "Do you delete user data after a year of inactivity?",
        "Тіркелгімді жойсам, менің бонустарым не болады?",
        "Қосымшаны өшірсем, деректерім сақтала ма?",
        "Esli ya udalyu akkaunt, bonusy sgorayut?",
        "Если я поменяю номер телефона, бонусы сохранятся?",
    })
    void anImaginedOrPolicyQuestionIsNotADestructiveRequest(String body) {
        Classification c = classify(body);
        assertEquals(RequestType.NOT_DSR, c.type(), body + " → " + c.evidence());
        assertTrue(c.evidence().stream().anyMatch(e -> e.startsWith("mood:")), "mood shows in the evidence");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "Как удалить аккаунт?|ERASURE",
        "Можно ли удалить мой профиль?|ERASURE",
        "Подскажите как удалить свой аккаунт|ERASURE",
        "How do I delete my account?|ERASURE",
        "Аккаунтымды қалай жоюға болады?|ERASURE",
        "Как исправить фамилию в профиле?|RECTIFICATION",
    })
    void aHowToQuestionIsReviewed(String body, RequestType want) {
        // The rules read the wish, the model may read a support question: either way a person decides.
        Classification c = classify(body);
        assertTrue(c.type() == want || c.type() == RequestType.NOT_DSR, body + " → " + c.evidence());
        assertTrue(c.review(), body + " must be reviewed: " + c.evidence());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "Удалите, пожалуйста, мой аккаунт, если это возможно.",
        "Please delete my account if you can.",
        "Delete my data if you still have it.",
        "Could you delete my account please?",
        "Не могли бы вы удалить мой профиль?",
        "Егер мүмкін болса, аккаунтымды жойыңыз.",
        "Аккаунтымды жойып берсеңіз.",
    })
    void aPoliteIfOrQuestionIsStillARequest(String body) {
        Classification c = classify(body);
        assertEquals(RequestType.ERASURE, c.type(), body + " → " + c.evidence());
        assertFalse(rulesUnsure(c), body + " does not make the rules unsure: " + c.evidence());
    }

    /**
     * Whether the rules themselves asked for review (a destructive type the learned model does not back
     * is reviewed too: the second key, checked in ClassifierModelTest, not here).
     */
    private static boolean rulesUnsure(Classification c) {
        return c.evidence().stream().anyMatch(e -> e.startsWith("review:") && !e.startsWith("review: the model")
                && !e.startsWith("review: model") && !e.contains("needs the rules and the model to agree"));
    }

    @Test
    void aQuestionBesideAStatedRequestDoesNotCancelIt() {
        Classification c = classify("Убедительно прошу: сотрите мой профиль. Что будет с бонусами?");
        assertEquals(RequestType.ERASURE, c.type(), c.evidence().toString());
        assertFalse(rulesUnsure(c), c.evidence().toString());
    }

    // ---- third parties ----

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "My husband wants his account deleted, he asked me to write.",
        "My son created an account, he is now abroad and asked me to delete his profile.",
        "I'm writing on behalf of my client, who requests deletion of all his personal data.",
        "As attorney for Ms. Lee, I request a copy of all data you hold on my client.",
        "Күйеуім аккаунтын жоюды сұрап жатыр.",
        "Ұлымның профилін жойыңызшы.",
        "Әкемнің нөмірін базаларыңыздан өшіріңіз.",
        "Адвокат ретінде клиентімнің деректерінің көшірмесін сұраймын.",
        "Я юрист, представляю интересы клиента, требую удалить его персональные данные.",
        "Moi muj hochet udalit svoi akkaunt",
    })
    void anotherPersonsDataIsNotDsr(String body) {
        assertType(RequestType.NOT_DSR, body);
    }

    @Test
    void aParentOfAMinorMayAskButIsReviewed() {
        Classification c = classify("My son is 12 years old, please delete his account.");
        assertTrue(c.type() == RequestType.ERASURE || c.type() == RequestType.NOT_DSR, c.evidence().toString());
        assertTrue(c.review(), c.evidence().toString());
    }

    @Test
    void aFieldNamedAfterARelativeIsNoRelative() {
        assertType(RequestType.RECTIFICATION, "Профильде әкемнің аты жоқ, қосып беріңізші.");
        assertType(RequestType.ERASURE, "Under Article 17 I request the erasure of all personal data relating to me.");
    }

    // ---- guards stay in their clause; requests beat topics ----

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "Удалите отзыв и мои данные",
        "Удалите мой комментарий под товаром и заодно мой аккаунт.",
        "Пікірімді өшіріңіз, сондай-ақ барлық деректерімді жойыңыз.",
        "Delete the comment I left and delete my data as well.",
    })
    void aSecondClauseNamingMyDataEscapesTheGuard(String body) {
        assertType(RequestType.ERASURE, body);
    }

    @Test
    void theGuardStillCoversItsOwnClause() {
        assertType(RequestType.NOT_DSR, "Удалите отзыв, который я оставил вчера.");
    }

    @Test
    void aStatedRequestWinsOverSupportTopics() {
        assertType(RequestType.MARKETING_OPT_OUT, "Не присылайте мне акции и скидки, только чеки по заказам.");
    }

    // ---- the safety net ----

    @Test
    void aDestructiveTypeFromTheSubjectOnlyIsReviewed() {
        Classification c = classifier.classify("Удалить аккаунт", "Здравствуйте, сделайте это побыстрее.");
        if (c.type().isDestructive()) {
            assertTrue(c.review(), c.evidence().toString());
        }
    }

    @Test
    void aNonDestructiveCompetitorCloseBehindADestructiveTypeAsksForReview() {
        Classification c = classify("Удалите аккаунт, иначе обращусь в суд.");
        assertEquals(RequestType.ERASURE, c.type(), c.evidence().toString());
        assertTrue(c.review(), c.evidence().toString());
    }

    @Test
    void aStopWithoutATimeBesideAnAccessQuestionIsNeverDestructive() {
        Classification c = classify("Please stop processing my data and tell me what you hold.");
        assertFalse(c.type().isDestructive() && !c.review(), c.type() + " " + c.evidence());
    }

    @Test
    void kazakhTranslitReadsJAsZhe() {
        assertType(RequestType.MARKETING_OPT_OUT, "Magan jarnama jibermeniz");
        assertType(RequestType.ERASURE, "Salemetsiz be! Menin akkauntymdy jane derekterimdi joiynyzdarshy.");
    }

    // ---- Kazakh typed with Russian letters ----

    /** ә→а, қ→к, ң→н, ү/ұ→у, ө→о, і→и, һ→х, ғ→г: what a Russian keyboard leaves of Kazakh. */
    static String russianKeyboard(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            int k = "әқңүұөіһғӘҚҢҮҰӨІҺҒ".indexOf(c);
            b.append(k < 0 ? c : "акнууоихгАКНУУОИХГ".charAt(k));
        }
        return b.toString();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "Аккаунтымды өшіріп тастаңыздаршы.|ERASURE",
        "Менің деректерімді жойыңдар.|ERASURE",
        "Профильдегі телефон нөмірімді өзгертіп беріңіз, жаңа нөмір 87071112233.|RECTIFICATION",
        "Жарнамалық хабарламаларды маған жібермеңіздерші.|MARKETING_OPT_OUT",
        "Сіздерде мен туралы қандай деректер сақталған?|ACCESS",
    })
    void kazakhTypedWithRussianLettersReadsAsKazakh(String body, RequestType want) {
        assertType(want, body);
        assertType(want, russianKeyboard(body));
    }

    @Test
    void everyKazakhMailOfTheTunedSetsReadsTheSameOnARussianKeyboard() {
        int same = 0;
        int all = 0;
        StringBuilder differ = new StringBuilder();
        for (String set : List.of("dev", "heldout", "heldout2", "heldout3")) {
            for (Corpus.Labelled m : Corpus.tsv(set + ".tsv")) {
                if (!m.lang().equals("kk")) {
                    continue;
                }
                all++;
                RequestType original = classifier.classify(m.subject(), m.body()).type();
                Classification typed = classifier.classify(russianKeyboard(m.subject()), russianKeyboard(m.body()));
                if (typed.type() == original) {
                    same++;
                } else {
                    differ.append(m.id()).append(' ').append(original).append(" → ").append(typed.type()).append('\n');
                }
                assertFalse(typed.type().isDestructive() && !typed.review() && !original.isDestructive(),
                        m.id() + " typed " + typed.type() + " without review on a Russian keyboard: " + typed.evidence());
            }
        }
        assertTrue(all > 100, "Kazakh mail in the sets: " + all);
        assertTrue(same >= all * 0.97, same + "/" + all + " the same; differ:\n" + differ);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "Удалите мой аккаунт.",
        "Женщина в профиле указана неверно, исправьте пол на мужской.",
        "Прошу прекратить обработку моих данных до окончания проверки.",
        "Отпишите меня от рассылки.",
    })
    void russianMailIsNotReadAsKazakh(String body) {
        assertEquals("ru", classify(body).language(), body + " " + classify(body).evidence());
    }

    // ---- thanks for a request already carried out ----

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "Благодарим, профиль удалён и письма больше не приходят.|NOT_DSR",
        "Many thanks, my phone number was updated.|NOT_DSR",
        "Thank you for removing me from the newsletter!|NOT_DSR",
        "Рахмет, аккаунтымды жойдыңыздар.|NOT_DSR",
        "Спасибо, удалите, пожалуйста, мой аккаунт.|ERASURE",
        "Thanks in advance, please delete all my data.|ERASURE",
    })
    void thanksForADoneRequestIsNoRequest(String body, RequestType want) {
        assertType(want, body);
    }

    @Test
    void thanksBeforeTwoWishesIsNoThanksForADoneRequest() {
        // Two wishes (where from, and delete): the model reads ACCESS, the rules ERASURE: a person decides.
        Classification c = classify("Спасибо за ответ, но вы не указали, откуда у вас мой номер. Удалите его.");
        assertTrue(c.type() == RequestType.ERASURE || c.type() == RequestType.ACCESS, c.evidence().toString());
        assertTrue(c.type() == RequestType.ERASURE && !c.review() || c.review(), c.evidence().toString());
        assertTrue(c.review() || c.evidence().stream().noneMatch(e -> e.startsWith("model: ACCESS")), c.evidence().toString());
    }

    // ---- the body takes back what the subject names, thinking about deletion, own data beside a relative ----

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "Закрытие профиля|Профиль закрывать не нужно, я остаюсь. Исправьте только дату рождения на 03.04.1991.|RECTIFICATION",
        "Delete account?|No, please do not delete anything. I only want my phone number corrected to +7 707 555 12 34.|RECTIFICATION",
        "Аккаунтты өшіру|Аккаунтымды өшірмеңіз, тек жарнамалық хабарламаларды жібермеңіз.|MARKETING_OPT_OUT",
        "Data deletion|Instead of deleting my data, please freeze its processing until my complaint is settled.|BLOCKING",
        "Удаление|Вместо удаления прошу приостановить обработку моих данных на время проверки.|BLOCKING",
        "|Take me off the newsletter list, but keep my account, I still order from you.|MARKETING_OPT_OUT",
    })
    void aBodyThatKeepsTheDataTakesBackTheSubject(String subject, String body, RequestType want) {
        Classification c = classifier.classify(subject == null ? "" : subject, body);
        assertEquals(want, c.type(), subject + " / " + body + " → " + c.evidence());
        assertTrue(c.evidence().stream().anyMatch(e -> e.startsWith("keep:")), "the keep shows in the evidence");
    }

    @Test
    void aSubjectNamingDeletionOverABodyThatKeepsEverythingIsNeverErasure() {
        // Neither the rules (the subject is taken back) nor the model (it reads «удаление») make it ERASURE.
        Classification c = classifier.classify("Re: удаление аккаунта", "Передумал, ничего не удаляйте, вопрос решился сам.");
        assertNotEquals(RequestType.ERASURE, c.type(), c.evidence().toString());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "Я думаю удалить профиль, но сначала пришлите мне выгрузку того, что вы обо мне храните.|ACCESS",
        "I'm thinking about deleting my account; before I decide, tell me what data you hold about me.|ACCESS",
        "Профилімді өшіру туралы ойланып жүрмін, алдымен мен туралы қандай деректер сақталғанын айтыңызшы.|ACCESS",
        "Я ещё не решил удалять аккаунт или нет, а пока заблокируйте обработку моих данных.|BLOCKING",
    })
    void theSendersOwnThoughtOfDeletingIsNoErasure(String body, RequestType want) {
        assertType(want, body);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "Помогает внучка с телефоном. Прошу удалить мой аккаунт и все мои данные.|ERASURE",
        "My wife set up the app for me, but it is my account: please delete my account and my data.|ERASURE",
        "Я мама двоих детей и устала от рекламы: больше никаких рекламных СМС, пожалуйста.|MARKETING_OPT_OUT",
    })
    void aRelativeNamedInPassingLeavesTheSendersOwnRequest(String body, RequestType want) {
        assertType(want, body);
    }

    @Test
    void aRelativesAccountIsStillNotTheSenders() {
        assertType(RequestType.NOT_DSR, "Удалите, пожалуйста, аккаунт моего мужа, он сам не может написать.");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "Как отписаться от подписки Premium? С карты списали деньги за месяц, верните их.|NOT_DSR",
        "Please unsubscribe me from the premium plan, I was charged again and want a refund.|NOT_DSR",
        "Отпишите меня от рекламной рассылки. И ещё: с карты списали лишнее за заказ.|MARKETING_OPT_OUT",
    })
    void unsubscribingFromAPaidPlanIsNoOptOut(String body, RequestType want) {
        assertType(want, body);
    }

    @Test
    void moneyToReturnIsNoDataToRestore() {
        Classification c = classify("Верните деньги за отменённый заказ, иначе удалите мой аккаунт со всеми данными.");
        assertEquals(RequestType.ERASURE, c.type(), c.evidence().toString());
        assertTrue(c.evidence().stream().noneMatch(e -> e.startsWith("guard restore")), c.evidence().toString());
    }

    // ----

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "Meniń akkaýntymdy óshirińizshi, endi qoldanbaımyn.|ERASURE|kk",
        "Jarnamalyq habarlamalardy jibermeńizder.|MARKETING_OPT_OUT|kk",
        "Derekterimdi ýaqytsha buǵattańyz, óshirmeńiz.|BLOCKING|kk",
    })
    void kazakhInThe2018LatinAlphabetReadsAsKazakh(String body, RequestType want, String language) {
        Classification c = classify(body);
        assertEquals(want, c.type(), body + " → " + c.evidence());
        assertEquals(language, c.language());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "Пока я в командировке, ничего с моими данными не делайте и не удаляйте их.|BLOCKING",
        "Please leave my data alone until the dispute is settled, but keep it.|BLOCKING",
    })
    void doNothingWithMyDataIsABlock(String body, RequestType want) {
        assertType(want, body);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "Наша компания выбирает поставщика доставки. Для тендера подтвердите, где хранятся персональные данные и кто их получает.",
        "Our compliance team is doing a vendor assessment: which countries do you transfer personal data to?",
        "Уберите старые фото из моего объявления, загрузил новые.",
        "Please delete the second photo from my listing, it shows the wrong model.",
        "As the account admin, please remove the profile of a former employee from our corporate account.",
    })
    void companiesListingsAndStaffAreNoDataRequests(String body) {
        assertType(RequestType.NOT_DSR, body);
    }

    @Test
    void askingWhyMyDataIsNeededIsAccess() {
        assertType(RequestType.ACCESS, "Why do you need my date of birth, and who gets to see it?");
    }

    // ----

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "Пишу за бабушку, она рядом и диктует: «Удалите мою учётную запись и все мои данные».|ERASURE",
        "Әжем айтып отыр, мен жазып отырмын: «Менің деректерімнің көшірмесін жіберіңіздер».|ACCESS",
    })
    void aRelativeTypingWhatThePersonDictatesIsThePersonsOwnRequest(String body, RequestType want) {
        assertType(want, body);
    }

    @Test
    void aLoyaltyCardIsNoPaymentCard() {
        assertType(RequestType.CONSENT_WITHDRAWAL,
                "I withdraw my consent to sharing my loyalty card purchase data with partner shops.");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "Забудьте моё прошлое письмо, удалять ничего не нужно, всё нашлось.",
        "Please ignore my earlier email, there is no need to delete anything.",
    })
    void takingBackAnEarlierLetterIsNoRequest(String body) {
        assertType(RequestType.NOT_DSR, body);
    }

    @Test
    void notJustDeactivatedAsksForMore() {
        assertType(RequestType.ERASURE, "I withdraw consent and want my account erased, not just deactivated.");
    }

    @Test
    void aNegationCarriesOverOr() {
        assertType(RequestType.MARKETING_OPT_OUT,
                "I'm not deleting my account or withdrawing consent, I just want no more promotional e-mails.");
    }

    // ----

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "Удалите, пожалуйста, одно фото из галереи профиля, аккаунт не трогайте.",
        "Please delete the photo from my chat message, I sent it to the wrong person.",
    })
    void aPictureInAGalleryOrChatIsNoErasure(String body) {
        assertType(RequestType.NOT_DSR, body);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "Мама помогла мне установить приложение, но это мой аккаунт: удалите его со всеми данными.|ERASURE",
        "Stop sending me promo e-mails, my dad keeps asking what they are.|MARKETING_OPT_OUT",
        "Удалите аккаунт моей мамы, она сама не может написать.|NOT_DSR",
    })
    void aRelativeCountsOnlyNearTheData(String body, RequestType want) {
        assertType(want, body);
    }

    @Test
    void aDestructiveWinnerStatedWeaklyIsReviewed() {
        Classification c = classify("Уберите мою запись на завтра, пожалуйста.");
        assertTrue(c.type() != RequestType.ERASURE || c.review(), c.evidence().toString());
    }

    @Test
    void freezingEverythingAboutMeIsABlock() {
        assertType(RequestType.BLOCKING, "Freeze everything you have on me until your privacy team answers, and do not delete it.");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "Please change the delivery address of order 4471 to 12 Abai Ave. My profile address is correct.",
        "В билете на концерт опечатка в фамилии, исправьте в билете. В профиле всё верно.",
    })
    void dataSaidToBeCorrectIsNoCorrection(String body) {
        // The rules leave nothing to correct; where the model still reads a correction, a person looks.
        Classification c = classify(body);
        assertTrue(c.type() != RequestType.RECTIFICATION || c.review(), body + " → " + c.evidence());
        assertTrue(c.evidence().stream().anyMatch(e -> e.startsWith("guard is-correct")), c.evidence().toString());
    }
}
