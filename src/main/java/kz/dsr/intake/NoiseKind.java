package kz.dsr.intake;

/** Mail that is recorded but never answered: answering it would loop or spam. */
public enum NoiseKind {
    /** An out-of-office or other automatic answer. */
    AUTO_REPLY,
    /** A delivery failure report. */
    BOUNCE,
    /** A newsletter or mailing list post. */
    MAILING_LIST,
    /** Mail from one of our own addresses, e.g. our reply echoed back. */
    OWN_MAIL
}
