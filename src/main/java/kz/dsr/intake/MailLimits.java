package kz.dsr.intake;

import kz.dsr.app.Settings;

/**
 * How much of one inbound mail {@link MailParser} is willing to read. Mail is attacker-sized:
 * past these limits the mail is still recorded and answerable, only less of it is read.
 *
 * @param maxMailBytes   a larger raw mail has only its header block read
 * @param maxBodyChars   a longer body text is truncated to this many characters
 * @param maxAttachments attachments past this count are not recorded
 */
public record MailLimits(long maxMailBytes, int maxBodyChars, int maxAttachments) {

    /** 10 MiB, 200 000 characters, 100 attachments. */
    public static final MailLimits DEFAULTS = new MailLimits(10L * 1024 * 1024, 200_000, 100);

    public MailLimits {
        if (maxMailBytes <= 0 || maxBodyChars <= 0 || maxAttachments <= 0) {
            throw new IllegalArgumentException("mail limits must be positive: " + maxMailBytes + ", "
                    + maxBodyChars + ", " + maxAttachments);
        }
    }

    /** The limits of the configuration: {@code dsr.intake.max-mail-bytes}, {@code max-body-chars}, {@code max-attachments}. */
    public static MailLimits configured(Settings settings) {
        return new MailLimits(settings.integerAtLeast("dsr.intake.max-mail-bytes", 1024),
                settings.integerAtLeast("dsr.intake.max-body-chars", 100), settings.integerAtLeast("dsr.intake.max-attachments", 1));
    }
}
