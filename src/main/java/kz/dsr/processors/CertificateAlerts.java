package kz.dsr.processors;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import kz.dsr.intake.MailIntake;
import kz.dsr.notify.MailComposer;
import kz.dsr.notify.OutgoingMail;
import kz.dsr.store.Outbox;

/**
 * Mails the operator that an OpenDSR processor has no valid certificate (template
 * {@code processor-certificate}). Discovery is asked again every few minutes while it lasts, on every
 * node: the outbox key (processor, problem, day) lets one mail per problem and day through.
 */
public final class CertificateAlerts implements ProcessorCertificates.Alert {

    private final MailComposer composer;
    private final Outbox outbox;
    private final MailIntake.Operator operator;
    private final Clock clock;

    public CertificateAlerts(MailComposer composer, Outbox outbox, MailIntake.Operator operator, Clock clock) {
        this.composer = composer;
        this.outbox = outbox;
        this.operator = operator;
        this.clock = clock;
    }

    @Override
    public void certificateRefused(DataProcessor processor, String problem) {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("processor", processor.name());
        v.put("domain", processor.openDsr().map(DataProcessor.OpenDsr::domain).orElse("?"));
        v.put("problem", problem);
        LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        OutgoingMail mail = composer.notice("processor-certificate", operator.language(), v, operator.address(),
                "processor-" + processor.name(), null);
        outbox.enqueueMail("processor-certificate:" + processor.name() + ":" + today + ":"
                + Integer.toHexString(problem.hashCode()), null, mail);
    }
}
