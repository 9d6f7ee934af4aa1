package kz.dsr.classify;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Development aid: {@code EVAL=a.tsv,b.tsv (environment)} prints every wrong or reviewed mail with its evidence. No-op otherwise. */
class EvalTsvTest {

    @Test
    void printMistakes() {
        String files = System.getenv("EVAL");
        if (files == null || files.isBlank()) {
            return;
        }
        Classifier c = Classifier.fromFile(Corpus.RULES);
        boolean all = System.getenv("EVAL_REVIEW") != null;
        for (String f : files.split(",")) {
            List<Corpus.Labelled> rows = Corpus.tsv(f);
            int ok = 0;
            StringBuilder out = new StringBuilder();
            for (Corpus.Labelled row : rows) {
                Classification r = c.classify(row.subject(), row.body());
                boolean right = r.type().name().equals(row.type());
                if (right) {
                    ok++;
                }
                if (!right || (all && r.review())) {
                    out.append(right ? "  REVIEW " : "  WRONG ").append(row.id()).append(' ').append(row.type())
                            .append(" -> ").append(r.type()).append(r.review() ? " review " : " ").append(r.confidence())
                            .append(" | ").append(row.subject()).append(" | ").append(row.body().replace('\n', ' ')).append('\n');
                    for (String e : r.evidence()) {
                        out.append("        ").append(e).append('\n');
                    }
                }
            }
            System.err.printf("== %s: %d/%d = %.1f%%%n%s", f, ok, rows.size(), 100.0 * ok / rows.size(), out);
        }
    }
}
