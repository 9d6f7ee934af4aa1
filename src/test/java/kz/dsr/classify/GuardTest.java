package kz.dsr.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import kz.dsr.request.RequestType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every guard of config/classifier.yaml, each with the mail it protects and a plain request of the
 * sender's own, stated in its own sentence beside the guard's words, that it must not swallow.
 */
class GuardTest {

    private static Classifier classifier;

    @BeforeAll
    static void load() {
        classifier = Classifier.fromFile(Corpus.RULES);
    }

    /**
     * The guards that look at the whole mail ({@code scope: message}): the mail they protect is no data
     * request of the sender's own, or is held for a person — never carried out unseen.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "order-change|Измените адрес доставки моего заказа 12345, номер дома указан неверно.|Мой заказ 12345 уже доставлен, спасибо. Исправьте, пожалуйста, фамилию в моём профиле: Сейткали, не Сейтказы.|RECTIFICATION",
        "paid-subscription|Хочу отписаться от платной подписки Plus, каждый месяц списание 1990 тг.|Подписку Plus я оплачиваю и оставлю. Отпишите меня от рекламной рассылки на почту.|MARKETING_OPT_OUT",
        "hacked|Мой аккаунт взломали, заблокируйте его срочно!|Аккаунт взломали в прошлом месяце, доступ уже вернули. Удалите мой аккаунт и все мои данные.|ERASURE",
        "hacked-change|Аккаунт взломали и поменяли номер телефона, я не могу войти.|Аккаунт взломали год назад, всё давно решено. Смените номер телефона в профиле на 87015550011.|RECTIFICATION",
        "third-party|Это следователь полиции. Предоставьте данные пользователя с номером 87015551234.|У меня судебный спор с третьим лицом. Прошу предоставить копию всех моих персональных данных, которые вы храните.|ACCESS",
        "relative|Мой муж хочет узнать, какие данные хранятся в его аккаунте.|Мой муж тоже у вас зарегистрирован, но пишу о себе. Какие мои персональные данные вы храните?|ACCESS",
        "general-interest|Просто интересно, какие данные вы вообще собираете о клиентах?|Просто интересно было бы узнать: пришлите мне копию моих данных.|ACCESS",
        "business-inquiry|Для тендера подтвердите, пожалуйста, где хранятся данные ваших клиентов.|Я пишу как частное лицо, не для тендера. Пришлите, пожалуйста, выгрузку моих персональных данных.|ACCESS",
        "representative|Я юрист, представляю интересы клиента, требую удалить его персональные данные.|Please delete my account and all my personal data. I am writing for myself.|ERASURE",
        "other-person-data|Пришлите, пожалуйста, его ИИН, он оформлял заказ на мой адрес.|Пришлите, пожалуйста, копию моих персональных данных, которые вы храните обо мне.|ACCESS",
        "bonus|Перенесите бонусы со старого номера на новый, пожалуйста.|Бонусы мне не важны. Удалите мой аккаунт и все мои данные.|ERASURE",
        "relative-erasure|Удалите аккаунт моего мужа, он сам не может.|Мой муж тоже ваш клиент, но пишу о себе. Удалите мой аккаунт и все мои данные.|ERASURE",
        "other-person-account|Уберите машину из его профиля.|Его профиль меня не касается. Удалите мой аккаунт и все мои данные.|ERASURE",
    })
    void aGuardProtectsItsMailAndLeavesAPlainRequest(String guard, String protectedMail, String plainRequest, RequestType want) {
        Classification p = classifier.classify("", protectedMail);
        assertTrue(p.evidence().stream().anyMatch(e -> e.contains("guard " + guard + " ")), guard + " did not fire: " + p.evidence());
        assertFalse(p.type().isDestructive() && !p.review(), guard + ": carried out unseen: " + p.evidence());
        assertTrue(p.type() == RequestType.NOT_DSR || p.review(), guard + ": " + p.type() + " without review: " + p.evidence());

        Classification r = classifier.classify("", plainRequest);
        assertEquals(want, r.type(), guard + " swallowed a plain request: " + r.evidence());
    }

    /**
     * The guards that take back rule matches only in their own words or clause (config/classifier.yaml,
     * {@code scope: words} or {@code clause}, the default): each with a mail where the verb is not the
     * sender's intent — the guard fires (its name shows in the evidence) and the mail gets the type it
     * really is (no data request, or the request the guard leaves standing: an opt-out, a correction),
     * or is held for a person — and a plain request of the sender's own, stated in its own sentence
     * beside the guard's words, that it must not take back.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "cart|Удалите товар из корзины, пожалуйста, он больше не нужен.|NOT_DSR|Удалите, пожалуйста, товар из корзины. Ещё удалите мой аккаунт и все мои персональные данные.|ERASURE",
        "review|Удалите мой отзыв о магазине, пожалуйста.|NOT_DSR|Удалите мой отзыв о магазине. Также удалите мой аккаунт и все мои данные.|ERASURE",
        "listing|Уберите фото из моего объявления о продаже машины.|NOT_DSR|Уберите фото из моего объявления о продаже машины. Также удалите мой аккаунт и все мои данные.|ERASURE",
        "content-place|Уберите одно фото из галереи, остальные пусть будут.|NOT_DSR|Уберите одно фото из галереи. И удалите мой аккаунт и все мои персональные данные.|ERASURE",
        "saved-card|Удалите сохранённую карту из приложения.|NOT_DSR|Удалите сохранённую карту из приложения. Также удалите мою учётную запись и все мои данные.|ERASURE",
        "card-change|Хочу поменять сохранённую карту на другую.|NOT_DSR|Карту оплаты я уже поменял сам. Исправьте фамилию в моём профиле: Ахметова.|RECTIFICATION",
        "mailing-list|Удалите меня из списка рассылки.|MARKETING_OPT_OUT|Удалите меня из списка рассылки. Кроме того, удалите мой аккаунт и все мои данные.|ERASURE",
        "mailing-pronoun|I never subscribed to your newsletter. Remove me from it.|MARKETING_OPT_OUT|I never subscribed to your newsletter. Remove me from it. Also delete my account and all my personal data.|ERASURE",
        "wrong-value|Please remove the typo in my surname, it should be Smith.|RECTIFICATION|I asked you to remove the typo in my surname last week. Now please delete my account and all my data.|ERASURE",
        "consent-object|Дербес деректерімді өңдеуге келісімімді жоямын.|CONSENT_WITHDRAWAL|Келісімімді жоямын. Сонымен қатар аккаунтымды және барлық деректерімді жойыңыз.|ERASURE",
        "order-address|Поменяйте адрес доставки в заказе 5521 на улицу Абая 10.|NOT_DSR|Заказ 5521 я получил. Исправьте мою фамилию в профиле на Ким.|RECTIFICATION",
        "ticket|Измените время в моей брони билета на завтра.|NOT_DSR|Бронь билета на завтра уже изменили. Исправьте моё имя в профиле: Айгерим.|RECTIFICATION",
        "is-correct|В профиле всё верно, спасибо.|NOT_DSR|Адрес в профиле указан верно. Исправьте мою фамилию: Ахметова, не Ахметов.|RECTIFICATION",
        "generic-data|Сколько вы храните данные пользователей?|NOT_DSR|Я читал, как вы храните данные пользователей. Пришлите мне копию моих персональных данных.|ACCESS",
        "replaced-value|Удалите старый номер, новый 87011112233.|RECTIFICATION|Старый номер удалите. И вообще удалите мой аккаунт и все мои данные.|ERASURE",
        "from-profile|Удалите из профиля старый адрес, я переехал.|RECTIFICATION|В профиле всё видно. Удалите мой аккаунт и все мои данные.|ERASURE",
        "policy-document|Где найти вашу политику обработки персональных данных?|NOT_DSR|Политику конфиденциальности я прочитал. Пришлите копию моих персональных данных.|ACCESS",
        "objection|Шетелге деректерімді жіберуге қарсымын.|CONSENT_WITHDRAWAL|Жарнамаға қарсы емеспін. Менің дербес деректерімнің көшірмесін жіберіңіз.|ACCESS",
        "data-to-give|Какие данные нужно предоставить для регистрации?|NOT_DSR|Я знаю, какие данные нужно предоставить для регистрации. Пришлите копию моих персональных данных.|ACCESS",
        "app-navigation|Где посмотреть историю заказов в приложении?|NOT_DSR|Историю заказов я нашёл в приложении. Пришлите копию всех моих персональных данных.|ACCESS",
        "paid|Отключите платную подписку, с карты списывают деньги.|NOT_DSR|Платную подписку я оставлю. Отпишите меня от рекламной рассылки.|MARKETING_OPT_OUT",
        "own-letter|Забудьте моё прошлое письмо.|NOT_DSR|Забудьте моё прошлое письмо. Отпишите меня от рекламных рассылок.|MARKETING_OPT_OUT",
        "marketing-purpose|Не хочу получать рекламу, отзываю согласие на рекламные рассылки.|MARKETING_OPT_OUT|Рекламу присылайте дальше. Отзываю согласие на обработку моих персональных данных.|CONSENT_WITHDRAWAL",
        "service-job|Запись на замену масла, машина Тойота, поменяйте время на 15:00.|NOT_DSR|Замену масла сделали хорошо. Исправьте номер телефона в моём профиле на 87017770011.|RECTIFICATION",
        "app-itself|Я удалил приложение с телефона.|NOT_DSR|Приложение я удалил. Удалите также мой аккаунт и все мои данные.|ERASURE",
        "restore|Случайно удалил фото, восстановите, пожалуйста.|NOT_DSR|Случайно удалил фото, восстановите, пожалуйста. А после этого удалите мой аккаунт и все мои данные.|ERASURE",
        "accident|Случайно удалил фотографии в приложении, что делать?|NOT_DSR|Случайно удалил фото на прошлой неделе, не страшно. Удалите мой аккаунт и все мои данные.|ERASURE",
        "inactivity|Мне пришло письмо, что мой аккаунт удалят за неактивность.|NOT_DSR|Пришло письмо, что аккаунт удалят за неактивность. Не ждите, удалите мой аккаунт и все мои данные сейчас.|ERASURE",
        "app-content|В меню неправильная цена на пиццу.|NOT_DSR|Цена в меню неправильная, но это мелочь. Исправьте мою фамилию в профиле: Нурланова.|RECTIFICATION",
        "login-code|SMS код не приходит, не могу войти.|NOT_DSR|SMS код уже приходит. Отпишите меня от рекламных рассылок.|MARKETING_OPT_OUT",
        "not-kept|I don't want you to keep anything about me.|ERASURE|I don't want you to store my card. Please send me a copy of all my personal data.|ACCESS",
        "stop-giving|Stop giving my info to your partners.|CONSENT_WITHDRAWAL|Your partners stopped giving me discounts. Please send me a copy of all my personal data.|ACCESS",
        "consent-for|Согласия на геолокацию не даю.|CONSENT_WITHDRAWAL|Согласие на геолокацию я давал раньше. Удалите мой аккаунт и все мои данные.|ERASURE",
        "app-error|The app crashes when I add a second car.|NOT_DSR|The app crashed yesterday but works now. Please correct my surname in my profile: it is Ivanova.|RECTIFICATION",
        "phone-device|Мой телефон Samsung, поменяйте что-нибудь, приложение не открывается.|NOT_DSR|Мой телефон Samsung, это не важно. Измените номер телефона в профиле на 87015550033.|RECTIFICATION",
        "service-notice|Please stop the booking reminders by SMS.|NOT_DSR|Booking reminders are useful, keep them. Please unsubscribe me from your advertising emails.|MARKETING_OPT_OUT",
    })
    void aLocalGuardTypesItsMailRightAndLeavesAPlainRequest(String guard, String protectedMail, RequestType protectedAs,
            String plainRequest, RequestType want) {
        Classification p = classifier.classify("", protectedMail);
        assertTrue(p.evidence().stream().anyMatch(e -> e.contains("guard " + guard + " ")), guard + " did not fire: " + p.evidence());
        assertTrue(p.type() == protectedAs || p.review(), guard + ": " + p.type() + " without review, not " + protectedAs + ": " + p.evidence());

        Classification r = classifier.classify("", plainRequest);
        assertEquals(want, r.type(), guard + " swallowed a plain request: " + r.evidence());
    }
}
