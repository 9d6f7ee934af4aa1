package kz.dsr.config;

/**
 * Why the pipeline (or a command) cannot start, as one line an operator acts on: what is wrong, where
 * (the file and line, the key or the environment variable) and what to do. A mistake in a value, a
 * required secret missing, a server the configuration names that cannot be reached. It is never a bug,
 * so it is shown without a stack trace ({@code kz.dsr.DsrPipeline}); anything else that stops a start
 * keeps its trace.
 */
public class ConfigurationError extends IllegalArgumentException {

    public ConfigurationError(String message) {
        super(message);
    }

    public ConfigurationError(String message, Throwable cause) {
        super(message, cause);
    }
}
