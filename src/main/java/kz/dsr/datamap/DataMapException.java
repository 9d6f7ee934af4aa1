package kz.dsr.datamap;

import java.nio.file.Path;
import java.util.List;

/** The data map does not fit the application database; every problem names the file and the line. */
public final class DataMapException extends kz.dsr.config.ConfigurationError {

    private final List<String> problems;

    public DataMapException(Path file, List<String> problems) {
        super(problems.size() == 1 ? problems.get(0)
                : "The data map " + file + " does not fit the application database (" + problems.size()
                        + " problems):\n  " + String.join("\n  ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
