package kz.dsr.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import kz.dsr.request.RequestType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Identifiers found in mail text: phones, IINs, e-mails, order numbers, rectification. */
class IdentifiersTest {

    private static Classifier classifier;

    @BeforeAll
    static void load() {
        classifier = Classifier.fromFile(Corpus.RULES);
    }

    private static Identifiers ids(String body) {
        return classifier.classify("", body).identifiers();
    }

    @ParameterizedTest
    @ValueSource(strings = {"+7 701 123 45 67", "87011234567", "8 (701) 123-45-67", "+7-701-123-45-67", "+77011234567",
        "+7 (701) 1234567", "8 701 123 4567", "7 701 123 45 67", "8.701.123.45.67"})
    void kazakhstanPhonesInAnyUsualWritingBecomeE164(String written) {
        assertEquals(List.of("+77011234567"), ids("Мой номер " + written + ", спасибо").phones());
    }

    @Test
    void otherNumbersAreNotKazakhstanPhones() {
        assertEquals(List.of(), ids("Москва +7 495 123 45 67").phones(), "a Russian landline");
        assertEquals(List.of(), ids("звоните 8 800 080 08 08").phones(), "toll-free");
        assertEquals(List.of(), ids("ИИН 900101300126").phones(), "an IIN is no phone");
        assertEquals(List.of(), ids("счёт 1870112345678").phones(), "a longer number");
    }

    @Test
    void severalPhonesKeepTheirOrderWithoutDuplicates() {
        assertEquals(List.of("+77011234567", "+77478889900"),
                ids("старый 87011234567, новый +7 747 888 99 00, ещё раз 8 701 123 45 67").phones());
    }

    @Test
    void iinWithValidCheckDigit() {
        assertEquals(List.of("900101300126"), ids("Мой ИИН 900101300126.").iins());
        assertEquals(List.of("850715401236"), ids("ЖСН: 850715401236").iins());
        assertEquals(List.of("010203600450"), ids("IIN 010203600450").iins());
    }

    @Test
    void iinCheckUsesTheSecondWeightsWhenTheFirstGiveTen() {
        assertTrue(Iin.isValid("900101300811"));
        assertFalse(Iin.isValid("900101300810"));
        for (int d = 0; d <= 9; d++) {
            assertFalse(Iin.isValid("90010130080" + d), "both sums give 10: no check digit is valid");
        }
    }

    @Test
    void twelveDigitsFailingTheCheckAreNoIin() {
        assertEquals(List.of(), ids("ИИН 900101300125").iins());
        assertEquals(List.of(), ids("90010130012").iins(), "11 digits");
        assertEquals(List.of(), ids("9001013001260").iins(), "13 digits");
        assertFalse(Iin.isValid("90010130012a"));
        assertFalse(Iin.isValid(null));
    }

    @Test
    void emailsAreLowerCasedWithoutTrailingPunctuation() {
        assertEquals(List.of("ivanova@mail.kz", "a.b+c@example.co.uk"),
                ids("Пишите на Ivanova@Mail.kz. Или a.b+c@example.co.uk!").emails());
        assertEquals(List.of(), ids("это не адрес: @mail.kz и user@").emails());
    }

    @Test
    void orderNumbersAfterAnOrderWord() {
        assertEquals(List.of("123456"), ids("Где мой заказ №123456?").orderNumbers());
        assertEquals(List.of("A-1234"), ids("Where is my order #A-1234?").orderNumbers());
        assertEquals(List.of("55555"), ids("Тапсырыс 55555 қайда?").orderNumbers());
        assertEquals(List.of("77812"), ids("в заказе 77812 адрес неверный").orderNumbers());
        assertEquals(List.of("4521"), ids("номер заказа: 4521").orderNumbers());
        assertEquals(List.of("98765"), ids("order no. 98765").orderNumbers());
        assertEquals(List.of("48213"), ids("тапсырысымның нөмірі 48213").orderNumbers());
    }

    @Test
    void numbersWithoutAnOrderWordOrPhonesAreNoOrderNumbers() {
        assertEquals(List.of(), ids("Прошло уже 5 дней, 123456 раз писал").orderNumbers());
        assertEquals(List.of(), ids("заказ на номер 87011234567").orderNumbers());
        assertEquals(List.of(), ids("заказ 87011234567").orderNumbers(), "a phone after the order word");
    }

    private static Correction rectification(String body) {
        Classification c = classifier.classify("", body);
        assertEquals(RequestType.RECTIFICATION, c.type(), body + " → " + c.evidence());
        return c.identifiers().rectification();
    }

    @Test
    void rectificationOfAPhone() {
        assertEquals(new Correction("phone", "+77478889900"), rectification("Поменяйте номер на 87478889900."));
        assertEquals(new Correction("phone", "+77015554433"),
                rectification("Please update my phone number to +7 701 555 44 33."));
        assertEquals(new Correction("phone", "+77478889900"),
                rectification("Смените номер телефона с 87011234567 на 8 747 888 99 00."));
        assertEquals(new Correction("phone", "+77051112233"),
                rectification("Профиліме жаңа телефон нөмірімді енгізіңізші: +7 705 111 22 33."));
    }

    @Test
    void rectificationOfAnEmail() {
        assertEquals(new Correction("email", "new@mail.kz"), rectification("Смените мою почту на New@mail.kz, пожалуйста."));
        assertEquals(new Correction("email", "new.mail@example.com"),
                rectification("Please change the email on my account from old@example.com to new.mail@example.com."));
    }

    @Test
    void rectificationOfASurnameOrName() {
        assertEquals(new Correction("surname", "Петрова"),
                rectification("Прошу исправить фамилию в профиле: вместо «Иванова» — «Петрова»."));
        assertEquals(new Correction("surname", "Smith"), rectification("I got married, please change my last name to Smith."));
        assertEquals(new Correction("surname", "Сейткали"), rectification("Моя фамилия теперь Сейткали, исправьте в профиле."));
        assertEquals(new Correction("surname", "Сейтқали"), rectification("Профильдегі тегімді Сейтқали деп өзгертіңіз."));
        assertEquals(new Correction("name", "Асель"), rectification("Имя в аккаунте записано неправильно, надо Асель."));
    }

    @Test
    void rectificationOfABirthDate() {
        assertEquals(new Correction("birth_date", "1991-03-12"), rectification("Исправьте дату рождения на 12.03.1991."));
    }

    @Test
    void rectificationNamesTheFieldWhenNoNewValueIsStated() {
        assertEquals(new Correction("address", null), rectification("Обновите мой адрес проживания в профиле."));
        assertEquals(new Correction("surname", null), rectification("My surname is misspelled in my profile, correct it."));
    }

    @Test
    void onlyRectificationCarriesARectification() {
        assertNull(classifier.classify("", "Удалите мой аккаунт, номер 87011234567.").identifiers().rectification());
    }
}
