package kz.dsr.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.camel.main.Main;

/** Builds the Camel Main that runs the pipeline from a configuration file (plus overrides). */
public final class Pipeline {

    private Pipeline() {
    }

    /**
     * @param configFile the operator's properties file
     * @param overrides  values that win over the file and the environment (the demo's embedded servers)
     */
    public static Main create(Path configFile, Map<String, String> overrides) {
        if (!Files.isRegularFile(configFile)) {
            throw new kz.dsr.config.ConfigurationError("Configuration file " + configFile.toAbsolutePath()
                    + " not found. Run from the project directory or pass --config PATH.");
        }
        Main main = new Main();
        main.setDefaultPropertyPlaceholderLocation("file:" + configFile.toAbsolutePath());
        main.configure().addConfiguration(new PipelineConfiguration(configFile));
        // Camel's start-up summary masks values by key name; its list lacks some of ours (hash-secret).
        main.configure().setAdditionalSensitiveKeywords(Settings.camelSensitiveKeywords());
        if (!overrides.isEmpty()) {
            Properties props = new Properties();
            props.putAll(overrides);
            main.setOverrideProperties(props);
        }
        return main;
    }
}
