package kz.dsr.operator;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import kz.dsr.app.Components;
import kz.dsr.request.RequestType;

/**
 * The operator decisions for callers other than the shell (the web console): the very commands of
 * {@code requests approve|reclassify|reject|extend|close}, given their options here instead of on a
 * command line and run on the caller's {@link Components}. So a decision is the same locked row, the
 * same checks, the same {@link kz.dsr.request.Lifecycle} move and the same event, whoever asks; there
 * is no second copy of a transition.
 *
 * <p>Each method returns the command's own sentence about what it did, or throws {@link Refused}
 * (nothing changed: wrong status, someone else moved it), {@link kz.dsr.request.Lifecycle.IllegalTransition}
 * or {@link IllegalArgumentException} (a bad value: days out of range, a blank reason).
 */
public final class Decisions {

    private final Components parts;

    public Decisions(Components parts) {
        this.parts = parts;
    }

    public String approve(String reference, String operator, String reason, String subject) {
        ApproveRequest d = new ApproveRequest();
        d.subject = subject == null || subject.isBlank() ? null : subject.strip();
        return run(d, reference, operator, reason);
    }

    public String reclassify(String reference, String operator, String reason, RequestType type) {
        ReclassifyRequest d = new ReclassifyRequest();
        d.type = type;
        return run(d, reference, operator, reason);
    }

    public String reject(String reference, String operator, String reason) {
        return run(new RejectRequest(), reference, operator, reason);
    }

    public String extend(String reference, String operator, String reason, int days) {
        ExtendDueDate d = new ExtendDueDate();
        d.days = days;
        return run(d, reference, operator, reason);
    }

    public String close(String reference, String operator, String reason) {
        return run(new CloseRequest(), reference, operator, reason);
    }

    /**
     * Who last moved the request's status, as its timeline says ({@code operator:NAME}, {@code intake},
     * ...): what the console names when a decision finds the request moved meanwhile.
     */
    public Optional<String> lastMovedBy(String reference) {
        List<String> actor = parts.store().queryForList("select e.actor from request_event e join request r on"
                + " r.id = e.request_id where r.reference = ? and e.kind like 'STATUS\\_%' order by e.id desc limit 1",
                String.class, RequestRow.normalise(reference));
        return actor.stream().findFirst();
    }

    private String run(Decision d, String reference, String operator, String reason) {
        d.reference = reference;
        d.operator = operator;
        d.reason = reason == null ? "" : reason;
        d.check();
        ByteArrayOutputStream said = new ByteArrayOutputStream();
        try (OperatorStore store = OperatorStore.over(parts);
                PrintStream out = new PrintStream(said, true, StandardCharsets.UTF_8)) {
            d.run(store, out);
        }
        return said.toString(StandardCharsets.UTF_8).strip();
    }
}
