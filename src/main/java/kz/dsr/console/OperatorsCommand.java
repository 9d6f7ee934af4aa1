package kz.dsr.console;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code operators add NAME --role R}: an account of the web console, its password asked for, never an argument. */
@Command(name = "operators", mixinStandardHelpOptions = true,
        description = "Accounts of the web console (config/operators.yaml).",
        subcommands = {OperatorsCommand.Add.class})
public final class OperatorsCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: add");
    }

    /** Adds an account, or gives an existing one a new role and password. */
    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Add a console operator (or replace one's role and password). The password is read from"
                    + " the terminal (twice), or as one line from standard input when there is no terminal;"
                    + " only its bcrypt hash is written.")
    static final class Add implements Callable<Integer> {

        @Parameters(index = "0", paramLabel = "NAME", description = "a-z, 0-9, dot, dash, underscore; up to 40")
        String name;

        @Option(names = "--role", required = true, description = "viewer, operator or admin")
        String role;

        @Option(names = "--language", defaultValue = "ru", description = "ru or en: the console's language for this"
                + " operator (default: ${DEFAULT-VALUE})")
        String language;

        @Option(names = "--file", defaultValue = "config/operators.yaml",
                description = "the accounts file (default: ${DEFAULT-VALUE}; the pipeline reads dsr.console.operators-file)")
        Path file;

        /** Long enough that guessing it online, five tries per quarter hour, is hopeless. */
        static final int MIN_LENGTH = 10;

        @Override
        public Integer call() throws IOException {
            PrintStream err = new PrintStream(System.err, true, StandardCharsets.UTF_8);
            String n = name.strip().toLowerCase(java.util.Locale.ROOT);
            Role r = Role.parse(role);
            if (!Operators.NAME.matcher(n).matches()) {
                err.println("operators add: NAME must be 1 to 40 of a-z, 0-9, dot, dash, underscore, starting with a"
                        + " letter or digit");
                return 2;
            }
            if (r == null) {
                err.println("operators add: --role must be viewer, operator or admin");
                return 2;
            }
            if (!language.equals("ru") && !language.equals("en")) {
                err.println("operators add: --language must be ru or en");
                return 2;
            }
            String password = readPassword(err);
            if (password == null) {
                return 2;
            }
            Operators operators = new Operators(file);
            operators.put(new Operators.Account(n, r, language, Operators.hash(password, Operators.ROUNDS)));
            System.out.println("Operator " + n + " (" + r.label() + ") written to " + file
                    + ". The running pipeline reads it at the next sign-in.");
            return 0;
        }

        private static String readPassword(PrintStream err) throws IOException {
            Console console = System.console();
            String password;
            if (console != null) {
                char[] first = console.readPassword("Password: ");
                char[] again = console.readPassword("Password again: ");
                if (first == null || again == null || !java.util.Arrays.equals(first, again)) {
                    err.println("operators add: the two passwords differ; nothing written");
                    return null;
                }
                password = new String(first);
            } else {
                password = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            }
            if (password == null || password.strip().length() < MIN_LENGTH) {
                err.println("operators add: the password must have at least " + MIN_LENGTH + " characters; nothing"
                        + " written");
                return null;
            }
            return password;
        }
    }
}
