package dev.prefork.sample;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CalculatorTest {
    private final Calculator dec = new Calculator("dec");

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "6*7                 | 42",
            "1 + 2 * 3           | 7",
            "(1 + 2) * 3         | 9",
            "10 - 4 - 3          | 3",
            "2 ** 3 ** 2         | 512",
            "-2 ** 2             | -4",
            "2 ** -1 * 4         | 2",
            "7 / 2               | 3",
            "7 / 2 * 2           | 7",
            "-7 / 2              | -3",
            "-7 % 3              | 2",
            "7 % -3              | -2",
            "1.5 * 4             | 6",
            ".5 + .5             | 1",
            "0x2a                | 42",
            "0b101010            | 42",
            "052                 | 42",
            "1_000 + 0           | 1000",
            "--3                 | 3",
            "  ( ( 42 ) )        | 42",
            "0 ** 0              | 1",
            "(-1) ** 1000001     | -1",
            "2 ** 64             | 18446744073709551616",
    })
    void computesLikePerlWouldPrintWithPercentD(String expression, String expected) {
        assertEquals(expected, dec.answer(expression.trim()));
    }

    @Test
    void answersInTheConfiguredBase() {
        assertEquals("2a", new Calculator("hex").answer("6*7"));
        assertEquals("52", new Calculator("oct").answer("6*7"));
        assertEquals("-2a", new Calculator("hex").answer("-42"));
        assertThrows(IllegalArgumentException.class, () -> new Calculator("bin"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "''                        | error: empty expression at column 1",
            "2 +                       | error: expression ends where a number was expected at column 4",
            "2 $ 3                     | error: unexpected '$' at column 3",
            "(1 + 2                    | error: missing ')' at column 7",
            "1/0                       | error: Illegal division by zero",
            "5 % 0                     | error: Illegal modulus zero",
            "0 ** -1                   | error: Illegal division by zero",
            "2 ** 0.5                  | error: the exponent must be a whole number at column 5",
            "09                        | error: illegal octal digit in '09' at column 1",
            "0x                        | error: no digits after '0x' at column 1",
            "system(\"rm -rf /\")      | error: unexpected 's' where a number was expected at column 1",
            "2 ** 100000               | error: result too large (more than 4096 bits)",
    })
    void badInputGetsOneErrorLine(String expression, String expected) {
        String answer = dec.answer(expression.trim());
        assertEquals(expected, answer);
        assertTrue(!answer.contains("\n"));
    }

    @Test
    void deepNestingAndHugeNumbersAreRefusedNotCrashing() {
        assertTrue(dec.answer("(".repeat(300) + "1" + ")".repeat(300)).startsWith("error: nested too deeply"));
        assertTrue(dec.answer("-".repeat(300) + "1").startsWith("error: nested too deeply"));
        assertTrue(dec.answer("9".repeat(1500)).startsWith("error: "));
        assertTrue(dec.answer("(2**4000)*(2**4000)").startsWith("error: result too large"));
    }

    @Test
    void linesAreBoundedAndEndWithLfOrCrlf() throws IOException {
        byte[] input = ("1+1\r\n" + "x".repeat(50) + "\n" + "last").getBytes(StandardCharsets.UTF_8);
        LineReader reader = new LineReader(new ByteArrayInputStream(input), 10);
        assertEquals("1+1", reader.readLine());
        assertEquals(LineReader.TOO_LONG, reader.readLine());
        assertEquals("last", reader.readLine());
        assertNull(reader.readLine());
    }
}
