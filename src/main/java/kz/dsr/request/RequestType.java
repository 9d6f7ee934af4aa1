package kz.dsr.request;

/** What the sender wants done with their own personal data (each type explained in docs/classifier.md). */
public enum RequestType {
    ERASURE,
    ACCESS,
    RECTIFICATION,
    BLOCKING,
    CONSENT_WITHDRAWAL,
    MARKETING_OPT_OUT,
    NOT_DSR,
    /** Not classified yet: the type until the classifier has looked at the mail. */
    UNKNOWN;

    /** True for the types that change or remove data and so must never be guessed. */
    public boolean isDestructive() {
        return this == ERASURE || this == RECTIFICATION || this == BLOCKING;
    }
}
