package kz.dsr.processors;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/** Processors files for tests: the common OpenDSR processor, written where the pipeline reads it. */
final class TestProcessors {

    private TestProcessors() {
    }

    /**
     * An OpenDSR processor receiving erasures, told the sha256 of the e-mail, at {@code url}; each of
     * {@code extra} is one more key line of it ("auth: {...}", "poll-minutes: 60").
     */
    static String openDsr(String name, Object url, String... extra) {
        StringBuilder yaml = new StringBuilder("""
                  - name: %s
                    kind: opendsr
                    types: [ERASURE]
                    confirm-within-days: 14
                    identities:
                      - { from: email, type: email, format: sha256 }
                    url: %s
                """.formatted(name, url));
        for (String line : extra) {
            yaml.append("    ").append(line).append('\n');
        }
        return yaml.toString();
    }

    /** A processors file holding these processor blocks, under target/, a new file each call. */
    static Path file(String... processors) {
        try {
            Path file = Files.createDirectories(Path.of("target", "processors-files"))
                    .resolve("processors-" + UUID.randomUUID() + ".yaml");
            Files.writeString(file, "processors:\n" + String.join("", processors));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
