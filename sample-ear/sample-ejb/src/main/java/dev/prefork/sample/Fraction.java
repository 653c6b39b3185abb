package dev.prefork.sample;

import java.math.BigInteger;

/**
 * An exact rational number, always in lowest terms with a positive denominator. The calculator computes
 * with these so that {@code 7/2*2} is 7, as in Perl (whose {@code /} is not integer division), without
 * floating-point rounding.
 */
record Fraction(BigInteger numerator, BigInteger denominator) {
    static final Fraction ZERO = new Fraction(BigInteger.ZERO, BigInteger.ONE);
    static final Fraction ONE = new Fraction(BigInteger.ONE, BigInteger.ONE);

    static Fraction of(BigInteger numerator, BigInteger denominator) {
        if (denominator.signum() == 0) {
            throw new ArithmeticException("Illegal division by zero");
        }
        if (denominator.signum() < 0) {
            numerator = numerator.negate();
            denominator = denominator.negate();
        }
        BigInteger gcd = numerator.gcd(denominator);
        if (gcd.signum() != 0 && !gcd.equals(BigInteger.ONE)) {
            numerator = numerator.divide(gcd);
            denominator = denominator.divide(gcd);
        }
        return new Fraction(numerator, denominator);
    }

    static Fraction of(BigInteger whole) {
        return new Fraction(whole, BigInteger.ONE);
    }

    boolean isWhole() {
        return denominator.equals(BigInteger.ONE);
    }

    /** The bits needed for the larger of numerator and denominator: what limits a result's size. */
    int bitLength() {
        return Math.max(numerator.bitLength(), denominator.bitLength());
    }

    Fraction add(Fraction other) {
        return of(numerator.multiply(other.denominator).add(other.numerator.multiply(denominator)),
                denominator.multiply(other.denominator));
    }

    Fraction subtract(Fraction other) {
        return add(other.negate());
    }

    Fraction multiply(Fraction other) {
        return of(numerator.multiply(other.numerator), denominator.multiply(other.denominator));
    }

    Fraction divide(Fraction other) {
        if (other.numerator.signum() == 0) {
            throw new ArithmeticException("Illegal division by zero");
        }
        return of(numerator.multiply(other.denominator), denominator.multiply(other.numerator));
    }

    Fraction negate() {
        return new Fraction(numerator.negate(), denominator);
    }

    /** Raises to a whole power; a negative power inverts. */
    Fraction pow(int exponent) {
        if (exponent < 0) {
            return ONE.divide(pow(-exponent));
        }
        return of(numerator.pow(exponent), denominator.pow(exponent));
    }

    /** The whole part, rounded toward zero (what Perl's {@code printf "%d"} prints). */
    BigInteger truncate() {
        return numerator.divide(denominator);
    }
}
