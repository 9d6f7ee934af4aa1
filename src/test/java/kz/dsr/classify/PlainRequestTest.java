package kz.dsr.classify;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import kz.dsr.request.RequestType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The misses new writers found in the rules: a plain request stated in its own sentence is never
 * sent to the support folder unread because of what the rest of the mail says (a court case, "keep
 * the account", a leak), and a request the sender takes back is never carried out unseen.
 */
class PlainRequestTest {

    private static Classifier classifier;

    @BeforeAll
    static void load() {
        classifier = Classifier.fromFile(Corpus.RULES);
    }

    @ParameterizedTest(name = "{1}: {0}")
    @CsvSource(delimiter = '|', value = {
        "Прошу предоставить копию всех моих персональных данных. Они нужны мне для судебного дела против третьего лица.|ACCESS",
        "Удалите, пожалуйста, историю моих заказов и сохранённые адреса. Аккаунт оставьте, я им пользуюсь.|ERASURE",
        "Я подозреваю утечку. Заблокируйте обработку моих данных, пока вы не проверите, что произошло.|BLOCKING",
        "I uploaded my ID card for verification. What did you store from it, why, and for how long?|ACCESS",
        "Please forget me. I want to not exist in your system anymore.|ERASURE",
        "Сделайте так, чтобы меня в вашей системе вообще не существовало.|ERASURE",
        "Құрметті компания! Менің барлық дербес деректерімнің көшірмесін беруіңізді сұраймын.|ACCESS",
    })
    void aPlainRequestIsNeverSentToSupportUnread(String body, RequestType want) {
        Classification c = classifier.classify("", body);
        assertTrue(c.type() == want || c.review(), body + " → " + c.type() + " " + c.evidence());
        assertFalse(c.type() == RequestType.NOT_DSR && !c.review(), "a request typed NOT_DSR without review: " + c.evidence());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "nvm about deleting my account, ill stay. cancel that",
        "Please ignore my email from yesterday asking to delete my account. Changed my mind.",
        "Передумала, ничего не удаляйте.",
        "Ойымнан қайттым, аккаунтымды жоймаңыз.",
        "Рахмет, аккаунтымды жойдыңыздар.",
    })
    void aRequestTakenBackOrAlreadyDoneIsNotCarriedOutUnseen(String body) {
        Classification c = classifier.classify("", body);
        assertFalse(c.type().isDestructive() && !c.review(), body + " → " + c.type() + " " + c.evidence());
        assertNotEquals(RequestType.UNKNOWN, c.type());
    }
}
