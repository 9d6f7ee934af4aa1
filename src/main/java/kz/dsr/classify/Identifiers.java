package kz.dsr.classify;

import java.util.List;

/**
 * Identifiers written in a mail: what subject matching can look up.
 *
 * @param emails        e-mail addresses, lower-cased, in order of appearance
 * @param phones        Kazakhstan phone numbers in E.164 ({@code +77011234567})
 * @param iins          12-digit IINs whose check digit is valid
 * @param orderNumbers  order numbers as written after an order word ("A-1234", "123456")
 * @param rectification for RECTIFICATION only: the field to change and its new value when the
 *                      mail states them; null otherwise
 */
public record Identifiers(List<String> emails, List<String> phones, List<String> iins,
        List<String> orderNumbers, Correction rectification) {

    public Identifiers {
        emails = emails == null ? List.of() : List.copyOf(emails);
        phones = phones == null ? List.of() : List.copyOf(phones);
        iins = iins == null ? List.of() : List.copyOf(iins);
        orderNumbers = orderNumbers == null ? List.of() : List.copyOf(orderNumbers);
    }

    /** No identifiers at all. */
    public static Identifiers none() {
        return new Identifiers(List.of(), List.of(), List.of(), List.of(), null);
    }

    /** The same identifiers with a rectification attached. */
    public Identifiers withRectification(Correction r) {
        return new Identifiers(emails, phones, iins, orderNumbers, r);
    }
}
