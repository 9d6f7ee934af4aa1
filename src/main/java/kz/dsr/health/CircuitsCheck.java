package kz.dsr.health;

import java.util.List;
import kz.dsr.processors.CircuitBreakers;
import kz.dsr.processors.DataProcessor;
import kz.dsr.processors.Processors;

/**
 * The processors' circuit breakers: an open circuit means a processor failed its last calls and its
 * messages wait, untried. The pipeline works on (everything else goes out, the messages are kept), so
 * this check stays UP — degraded — and names the open circuits in its line and details; taking the
 * pod out of service would not bring the processor back.
 */
public final class CircuitsCheck extends ReadinessCheck {

    private final Processors processors;
    private final CircuitBreakers breakers;

    public CircuitsCheck(Processors processors, CircuitBreakers breakers) {
        super("processors");
        this.processors = processors;
        this.breakers = breakers;
    }

    @Override
    protected Verdict verdict() {
        if (processors.all().isEmpty()) {
            return Verdict.up("no processors are configured (dsr.processors.file)").with("open.circuits", "");
        }
        List<String> open = processors.all().stream().map(DataProcessor::name).filter(breakers::isOpen).sorted().toList();
        if (open.isEmpty()) {
            return Verdict.up("every processor's circuit is closed (" + processors.all().size() + " processors)")
                    .with("open.circuits", "");
        }
        return Verdict.up("degraded: the circuit of " + String.join(", ", open) + (open.size() == 1 ? " is" : " are")
                + " open after failed calls; their messages wait and are tried again later. Check that "
                + (open.size() == 1 ? "this processor is" : "these processors are")
                + " up and their url in the processors file is right.")
                .with("open.circuits", String.join(",", open)).with("degraded", true);
    }
}
