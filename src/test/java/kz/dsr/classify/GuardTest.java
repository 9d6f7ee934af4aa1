package kz.dsr.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import kz.dsr.request.RequestType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The guards that look at the whole mail (config/classifier.yaml, {@code scope: message}): each with
 * the mail it protects — no data request of the sender's own, never carried out unseen — and a
 * plain request of the sender's own, stated in its own sentence beside the guard's words, that it
 * must not swallow.
 */
class GuardTest {

    private static Classifier classifier;

    @BeforeAll
    static void load() {
        classifier = Classifier.fromFile(Corpus.RULES);
    }

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
    })
    void aGuardProtectsItsMailAndLeavesAPlainRequest(String guard, String protectedMail, String plainRequest, RequestType want) {
        Classification p = classifier.classify("", protectedMail);
        assertTrue(p.evidence().stream().anyMatch(e -> e.contains("guard " + guard + " ")), guard + " did not fire: " + p.evidence());
        assertFalse(p.type().isDestructive() && !p.review(), guard + ": carried out unseen: " + p.evidence());
        assertTrue(p.type() == RequestType.NOT_DSR || p.review(), guard + ": " + p.type() + " without review: " + p.evidence());

        Classification r = classifier.classify("", plainRequest);
        assertEquals(want, r.type(), guard + " swallowed a plain request: " + r.evidence());
    }
}
