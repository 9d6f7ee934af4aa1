package kz.dsr.health;

import java.util.Map;
import kz.dsr.secrets.Secrets;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * A check of one part the pipeline needs to do its work, on {@code /observe/health/ready} only: a
 * part that is down takes the pod out of service until it is back, and never gets it restarted
 * ({@code /observe/health/live}), since a restart mends no database and no mail server.
 *
 * <p>The message is one line with no secret: the mask of everything this process prints is applied,
 * and line breaks (a list of problems) are folded.
 */
public abstract class ReadinessCheck extends AbstractHealthCheck {

    protected ReadinessCheck(String id) {
        super("dsr", id);
    }

    /** What the check finds now (or what it found last, for the checks that are cached). */
    protected abstract Verdict verdict();

    @Override
    public final boolean isLiveness() {
        return false;
    }

    @Override
    public final boolean isReadiness() {
        return true;
    }

    @Override
    protected final void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        Verdict verdict;
        try {
            verdict = verdict();
        } catch (RuntimeException e) {
            verdict = Verdict.down("the " + getId() + " check itself failed: " + Problems.describe(e));
        }
        builder.message(oneLine(verdict.message()));
        verdict.details().forEach((key, value) -> builder.detail(key, value instanceof String s ? oneLine(s) : value));
        if (verdict.up()) {
            builder.up();
        } else {
            builder.down();
        }
    }

    static String oneLine(String text) {
        return Secrets.mask(text).replaceAll("\\s*[\\r\\n]+\\s*", "; ").replace('"', '\'').strip();
    }
}
