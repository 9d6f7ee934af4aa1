package kz.dsr.notify;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A template the pipeline will need, or a name it cannot fill, stops the start naming the file (and line). */
class TemplatesStartCheckTest {

    @TempDir
    Path dir;

    private void copyShipped() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("config/templates"))) {
            for (Path f : files.toList()) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
    }

    @Test
    void aTemplateMissingInOneLanguageStopsTheStart() throws IOException {
        copyShipped();
        Files.delete(dir.resolve("review.kk.txt"));
        String error = assertThrows(IllegalArgumentException.class, () -> new Templates(dir)).getMessage();
        assertTrue(error.contains("review.kk.txt") && error.contains("missing"), error);
    }

    @Test
    void anUnknownNameStopsTheStartNamingFileAndLine() throws IOException {
        copyShipped();
        Path ack = dir.resolve("ack.en.txt");
        Files.writeString(ack, "Hello,\n\nregistered as {{reference}}.\nWe answer by {{dueDat}}.\n");
        String error = assertThrows(IllegalArgumentException.class, () -> new Templates(dir)).getMessage();
        assertTrue(error.contains("ack.en.txt:4") && error.contains("dueDat") && error.contains("did you mean 'dueDate'"),
                error);
    }

    @Test
    void theOldPlaceholderSyntaxIsAnErrorRatherThanTextSentAsIs() throws IOException {
        copyShipped();
        Files.writeString(dir.resolve("expired.ru.txt"), "Здравствуйте,\n\nзапрос ${reference} закрыт.\n");
        String error = assertThrows(IllegalArgumentException.class, () -> new Templates(dir)).getMessage();
        assertTrue(error.contains("expired.ru.txt:3") && error.contains("{{reference}}"), error);
    }
}
