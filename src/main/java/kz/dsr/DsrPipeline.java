package kz.dsr;

import kz.dsr.app.DemoCommand;
import kz.dsr.app.RunCommand;
import kz.dsr.intake.MailParser;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The one entry point: {@code java -jar target/dsr-pipeline.jar <command>}.
 * A new command is a picocli class added to {@code subcommands} below.
 */
@Command(name = "dsr-pipeline",
        mixinStandardHelpOptions = true,
        versionProvider = DsrPipeline.Version.class,
        description = "Answers data-subject requests (erasure, access, rectification, ...) that arrive by mail.",
        subcommands = {RunCommand.class, DemoCommand.class, kz.dsr.classify.ClassifyCommand.class,
            kz.dsr.classify.TrainCommand.class,
            kz.dsr.execute.PlanCommand.class, kz.dsr.execute.UnblockCommand.class,
            kz.dsr.request.RequestsCommand.class})
public final class DsrPipeline implements Runnable {

    public static void main(String[] args) {
        MailParser.useLenientJakartaMail();
        System.exit(new CommandLine(new DsrPipeline()).execute(args));
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = DsrPipeline.class.getPackage().getImplementationVersion();
            return new String[] {"dsr-pipeline " + (v == null ? "dev" : v)};
        }
    }
}
