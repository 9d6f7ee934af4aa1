package kz.dsr.classify;

/**
 * The correction a RECTIFICATION mail asks for (carried out by {@code kz.dsr.execute.Rectification}).
 *
 * @param field    which profile field: {@code phone}, {@code email}, {@code surname}, {@code name},
 *                 {@code patronymic}, {@code birth_date}, {@code address}, {@code document},
 *                 {@code vehicle} (the names are keys of {@code identifiers.rectification.fields}
 *                 in config/classifier.yaml)
 * @param newValue the new value when the mail states it (phones in E.164, e-mails lower-cased,
 *                 dates as yyyy-MM-dd), else null
 */
public record Correction(String field, String newValue) {
}
