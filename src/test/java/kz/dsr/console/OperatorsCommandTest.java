package kz.dsr.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import kz.dsr.DsrPipeline;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code operators add}: the password is read, never taken as an argument, and only its bcrypt hash is written. */
class OperatorsCommandTest {

    private static int add(String password, String... args) {
        InputStream before = System.in;
        try {
            System.setIn(new ByteArrayInputStream((password + "\n").getBytes(StandardCharsets.UTF_8)));
            return new CommandLine(new DsrPipeline()).execute(args);
        } finally {
            System.setIn(before);
        }
    }

    @Test
    void anAddedOperatorSignsInWithThePasswordAndTheFileHoldsOnlyItsHash() throws Exception {
        Path file = Files.createTempDirectory("dsr-operators").resolve("operators.yaml");
        assertEquals(0, add("a long enough secret", "operators", "add", "Aliya", "--role", "admin", "--file", file.toString()));
        String text = Files.readString(file);
        assertFalse(text.contains("a long enough secret"), text);
        assertTrue(text.contains("$2a$12$"), "a bcrypt hash of cost 12: " + text);
        Operators operators = new Operators(file);
        assertEquals(Role.ADMIN, operators.check("aliya", "a long enough secret").orElseThrow().role());
        assertTrue(operators.check("aliya", "a wrong secret").isEmpty());
        assertTrue(operators.check("nobody", "a long enough secret").isEmpty());

        // The same name again: a new role and password; the other accounts stay.
        assertEquals(0, add("viewer's own secret", "operators", "add", "vera", "--role", "viewer", "--file", file.toString()));
        assertEquals(0, add("another long secret", "operators", "add", "aliya", "--role", "operator", "--file", file.toString()));
        assertEquals(Role.OPERATOR, operators.check("aliya", "another long secret").orElseThrow().role());
        assertEquals(Role.VIEWER, operators.check("vera", "viewer's own secret").orElseThrow().role());
    }

    @Test
    void aShortPasswordABadRoleOrABadNameWritesNothing() throws Exception {
        Path file = Files.createTempDirectory("dsr-operators").resolve("operators.yaml");
        assertEquals(2, add("short", "operators", "add", "aliya", "--role", "admin", "--file", file.toString()));
        assertEquals(2, add("a long enough secret", "operators", "add", "aliya", "--role", "root", "--file", file.toString()));
        assertEquals(2, add("a long enough secret", "operators", "add", "a b", "--role", "admin", "--file", file.toString()));
        assertFalse(Files.exists(file));
    }

    @Test
    void anUnknownNameCostsAsMuchTimeAsAWrongPassword() throws Exception {
        Path file = Files.createTempDirectory("dsr-operators").resolve("operators.yaml");
        Operators operators = new Operators(file);
        operators.put(new Operators.Account("aliya", Role.OPERATOR, "ru", Operators.hash("a long enough secret", 8)));
        operators.check("nobody", "x");
        operators.check("aliya", "x");
        java.util.List<Long> unknown = new java.util.ArrayList<>();
        java.util.List<Long> wrong = new java.util.ArrayList<>();
        for (int i = 0; i < 7; i++) {
            long t = System.nanoTime();
            operators.check("nobody-" + i, "a wrong secret");
            unknown.add(System.nanoTime() - t);
            t = System.nanoTime();
            operators.check("aliya", "a wrong secret");
            wrong.add(System.nanoTime() - t);
        }
        java.util.Collections.sort(unknown);
        java.util.Collections.sort(wrong);
        double ratio = (double) unknown.get(3) / wrong.get(3);
        assertTrue(ratio > 0.5 && ratio < 2, "an unknown name is checked against a hash of the same cost: median "
                + unknown.get(3) / 1000 + " µs against " + wrong.get(3) / 1000 + " µs");
    }
}
