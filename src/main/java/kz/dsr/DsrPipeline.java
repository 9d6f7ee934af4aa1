package kz.dsr;

import kz.dsr.app.DemoLauncher;
import kz.dsr.app.Refusals;
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
        subcommands = {RunCommand.class, DemoLauncher.class, kz.dsr.app.SamplesLauncher.class,
            kz.dsr.classify.ClassifyCommand.class, kz.dsr.classify.TrainCommand.class,
            kz.dsr.execute.PlanCommand.class, kz.dsr.execute.UnblockCommand.class,
            kz.dsr.operator.RequestsCommand.class, kz.dsr.console.OperatorsCommand.class})
public final class DsrPipeline implements Runnable {

    public static void main(String[] args) {
        MailParser.useLenientJakartaMail();
        // A thread's uncaught exception goes to the log (masked), not raw to stderr.
        Thread.setDefaultUncaughtExceptionHandler((thread, e) -> org.slf4j.LoggerFactory.getLogger(DsrPipeline.class)
                .error("Uncaught exception in thread {}", thread.getName(), e));
        CommandLine cli = new CommandLine(new DsrPipeline());
        cli.setExecutionExceptionHandler(DsrPipeline::report);
        System.exit(cli.execute(args));
    }

    /**
     * What is printed for a command that failed. A refusal ({@link Refusals}: a configuration error, a route
     * that cannot start) is one line, what is wrong and what to do, exit code 2; its stack trace goes to the
     * log at DEBUG only. Anything else is a bug and keeps its stack trace (exit code 1). Secrets are masked
     * in both: a message may quote a setting, such as a JDBC URL with its password.
     */
    public static int report(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        java.util.Optional<String> refusal = Refusals.oneLine(e);
        if (refusal.isPresent()) {
            cmd.getErr().println(kz.dsr.secrets.Secrets.mask(refusal.get()));
            cmd.getErr().flush();
            org.slf4j.LoggerFactory.getLogger(DsrPipeline.class).debug("The refusal above, with its stack trace", e);
            return Refusals.EXIT_CODE;
        }
        java.io.StringWriter trace = new java.io.StringWriter();
        e.printStackTrace(new java.io.PrintWriter(trace));
        cmd.getErr().print(kz.dsr.secrets.Secrets.mask(trace.toString()));
        cmd.getErr().flush();
        return cmd.getExitCodeExceptionMapper() != null ? cmd.getExitCodeExceptionMapper().getExitCode(e)
                : cmd.getCommandSpec().exitCodeOnExecutionException();
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
