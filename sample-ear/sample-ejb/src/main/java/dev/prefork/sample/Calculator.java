package dev.prefork.sample;

import java.math.BigInteger;
import java.util.Locale;

/**
 * The calculator of Net::Daemon's documentation, without its security hole: instead of {@code eval}-ing
 * the client's line as code, it parses one arithmetic expression with a recursive-descent parser and
 * computes it exactly.
 *
 * <pre>
 * expression := term (('+' | '-') term)*
 * term       := unary (('*' | '/' | '%') unary)*
 * unary      := ('+' | '-') unary | power
 * power      := primary ('**' unary)?            (right-associative, binds tighter than unary minus)
 * primary    := number | '(' expression ')'
 * number     := 42 | 4.25 | 0x2a | 0b101010 | 052 (octal, as in Perl) | 1_000
 * </pre>
 *
 * <p>{@code /} divides exactly; {@code %} takes whole numbers and gives the sign of the right operand, as
 * in Perl. The answer is the result's whole part (toward zero), written in the configured base: {@code dec},
 * {@code hex} or {@code oct}; negative results keep a minus sign ({@code -2a}).
 */
public final class Calculator {
    /** Longest expression accepted, in characters. */
    public static final int MAX_LENGTH = 1000;
    /** Deepest nesting of parentheses and unary operators. */
    static final int MAX_DEPTH = 200;
    /** Largest result or intermediate value, in bits (about 1200 decimal digits). */
    static final int MAX_BITS = 4096;

    private final int radix;

    /** @param base {@code dec}, {@code hex} or {@code oct} */
    public Calculator(String base) {
        this.radix = switch (base.trim().toLowerCase(Locale.ROOT)) {
            case "dec" -> 10;
            case "hex" -> 16;
            case "oct" -> 8;
            default -> throw new IllegalArgumentException("base must be dec, hex or oct, not '" + base + "'");
        };
    }

    /** The answer line for one input line: the result, or {@code error: ...} (never throws for bad input). */
    public String answer(String line) {
        try {
            return evaluate(line).toString(radix);
        } catch (SyntaxError e) {
            return "error: " + e.getMessage() + " at column " + (e.position + 1);
        } catch (ArithmeticException e) {
            return "error: " + e.getMessage();
        }
    }

    /** The whole part of the expression's value. */
    BigInteger evaluate(String line) {
        if (line.length() > MAX_LENGTH) {
            throw new SyntaxError("expression longer than " + MAX_LENGTH + " characters", 0);
        }
        Parser parser = new Parser(line);
        Fraction value = parser.parseAll();
        return value.truncate();
    }

    static final class SyntaxError extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int position;

        SyntaxError(String message, int position) {
            super(message, null, false, false);
            this.position = position;
        }
    }

    /** One parse of one line; {@code position} is the next character to read. */
    private static final class Parser {
        private final String text;
        private int position;
        private int depth;

        Parser(String text) {
            this.text = text;
        }

        Fraction parseAll() {
            skipSpaces();
            if (position == text.length()) {
                throw new SyntaxError("empty expression", position);
            }
            Fraction value = expression();
            skipSpaces();
            if (position < text.length()) {
                throw new SyntaxError("unexpected '" + text.charAt(position) + "'", position);
            }
            return value;
        }

        private Fraction expression() {
            Fraction value = term();
            while (true) {
                if (accept("+")) {
                    value = checked(value.add(term()));
                } else if (accept("-")) {
                    value = checked(value.subtract(term()));
                } else {
                    return value;
                }
            }
        }

        private Fraction term() {
            Fraction value = unary();
            while (true) {
                if (accept("*")) {
                    value = checked(value.multiply(unary()));
                } else if (accept("/")) {
                    value = checked(value.divide(unary()));
                } else if (accept("%")) {
                    int at = position;
                    value = modulo(value, unary(), at);
                } else {
                    return value;
                }
            }
        }

        private Fraction unary() {
            enter();
            try {
                if (accept("-")) {
                    return unary().negate();
                }
                if (accept("+")) {
                    return unary();
                }
                return power();
            } finally {
                depth--;
            }
        }

        private Fraction power() {
            Fraction base = primary();
            if (!accept("**")) {
                return base;
            }
            int at = position;
            Fraction exponent = unary();
            if (!exponent.isWhole()) {
                throw new SyntaxError("the exponent must be a whole number", at);
            }
            BigInteger e = exponent.numerator();
            if (base.numerator().signum() == 0 && e.signum() < 0) {
                throw new ArithmeticException("Illegal division by zero");
            }
            boolean trivialBase = base.isWhole() && base.numerator().abs().compareTo(BigInteger.ONE) <= 0;
            if (trivialBase) {
                // 0, 1 and -1 stay small for any exponent
                return base.numerator().signum() == 0 ? (e.signum() == 0 ? Fraction.ONE : Fraction.ZERO)
                        : base.pow(e.testBit(0) ? 1 : 0);
            }
            if (e.bitLength() > 31 || (long) base.bitLength() * e.abs().longValue() > MAX_BITS + 64L) {
                throw new ArithmeticException("result too large (more than " + MAX_BITS + " bits)");
            }
            return checked(base.pow(e.intValue()));
        }

        private Fraction primary() {
            skipSpaces();
            if (accept("(")) {
                enter();
                try {
                    Fraction value = expression();
                    if (!accept(")")) {
                        throw new SyntaxError(position < text.length() ? "expected ')' but found '" + text.charAt(position) + "'"
                                : "missing ')'", position);
                    }
                    return value;
                } finally {
                    depth--;
                }
            }
            if (position < text.length() && Character.isDigit(text.charAt(position)) || peek(".")) {
                return number();
            }
            if (position >= text.length()) {
                throw new SyntaxError("expression ends where a number was expected", position);
            }
            throw new SyntaxError("unexpected '" + text.charAt(position) + "' where a number was expected", position);
        }

        private Fraction number() {
            int start = position;
            if (peek("0x") || peek("0X")) {
                return whole(start, 2, 16);
            }
            if (peek("0b") || peek("0B")) {
                return whole(start, 2, 2);
            }
            while (position < text.length() && (Character.isDigit(text.charAt(position)) || text.charAt(position) == '_')) {
                position++;
            }
            String integer = text.substring(start, position).replace("_", "");
            if (position < text.length() && text.charAt(position) == '.') {
                position++;
                int fractionStart = position;
                while (position < text.length() && Character.isDigit(text.charAt(position))) {
                    position++;
                }
                String fraction = text.substring(fractionStart, position);
                if (integer.isEmpty() && fraction.isEmpty()) {
                    throw new SyntaxError("a lone '.' is not a number", start);
                }
                checkDigits(integer.length() + fraction.length(), start);
                BigInteger numerator = new BigInteger((integer.isEmpty() ? "0" : integer) + fraction);
                return checked(Fraction.of(numerator, BigInteger.TEN.pow(fraction.length())));
            }
            checkDigits(integer.length(), start);
            if (integer.length() > 1 && integer.charAt(0) == '0') {
                // A leading zero means octal, as in Perl.
                if (!integer.chars().allMatch(c -> c >= '0' && c <= '7')) {
                    throw new SyntaxError("illegal octal digit in '" + integer + "'", start);
                }
                return Fraction.of(new BigInteger(integer, 8));
            }
            return Fraction.of(new BigInteger(integer));
        }

        private Fraction whole(int start, int prefixLength, int radix) {
            position += prefixLength;
            int digitsStart = position;
            while (position < text.length() && (Character.digit(text.charAt(position), radix) >= 0 || text.charAt(position) == '_')) {
                position++;
            }
            String digits = text.substring(digitsStart, position).replace("_", "");
            if (digits.isEmpty()) {
                throw new SyntaxError("no digits after '" + text.substring(start, digitsStart) + "'", start);
            }
            checkDigits(digits.length(), start);
            return checked(Fraction.of(new BigInteger(digits, radix)));
        }

        private void checkDigits(int digits, int start) {
            if (digits > MAX_BITS / 3) {
                throw new SyntaxError("number too long", start);
            }
        }

        private Fraction modulo(Fraction left, Fraction right, int at) {
            if (!left.isWhole() || !right.isWhole()) {
                throw new SyntaxError("'%' takes whole numbers", at - 1);
            }
            BigInteger divisor = right.numerator();
            if (divisor.signum() == 0) {
                throw new ArithmeticException("Illegal modulus zero");
            }
            BigInteger remainder = left.numerator().mod(divisor.abs());
            if (divisor.signum() < 0 && remainder.signum() != 0) {
                remainder = remainder.add(divisor);
            }
            return Fraction.of(remainder);
        }

        private Fraction checked(Fraction value) {
            if (value.bitLength() > MAX_BITS) {
                throw new ArithmeticException("result too large (more than " + MAX_BITS + " bits)");
            }
            return value;
        }

        private void enter() {
            if (++depth > MAX_DEPTH) {
                throw new SyntaxError("nested too deeply", position);
            }
        }

        private boolean peek(String token) {
            skipSpaces();
            return text.startsWith(token, position);
        }

        private boolean accept(String token) {
            skipSpaces();
            if (!text.startsWith(token, position)) {
                return false;
            }
            // '*' must not swallow the first half of '**'
            if (token.equals("*") && text.startsWith("**", position)) {
                return false;
            }
            position += token.length();
            return true;
        }

        private void skipSpaces() {
            while (position < text.length() && Character.isWhitespace(text.charAt(position))) {
                position++;
            }
        }
    }
}
