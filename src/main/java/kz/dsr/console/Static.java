package kz.dsr.console;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The console's one stylesheet, served from the jar (the CSP allows styles from this site only). */
final class Static {

    private static volatile byte[] css;

    private Static() {
    }

    static byte[] css() {
        if (css == null) {
            try (InputStream in = Static.class.getResourceAsStream("/console/console.css")) {
                if (in == null) {
                    throw new IllegalStateException("console/console.css is missing from the jar: rebuild it");
                }
                css = in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return css;
    }
}
