package dev.prefork.engine.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * How a setting's text becomes a value, and what text is allowed. Every setting arrives as text (a
 * properties file, a command line, MicroProfile Config, an activation spec), so parsing is one step for
 * all of them.
 *
 * @param <T> the parsed value's type; {@code null} stands for "unset" where a type allows blank text
 */
public interface SettingType<T> {

    /**
     * The value {@code text} stands for.
     *
     * @throws IllegalArgumentException whose message says what is allowed ("must be ..."), for
     *                                  {@link Setting#parse} to put after the key and the value; a
     *                                  {@link ConfigException} passes through as it is
     */
    T parse(String text);

    /** The text that {@link #parse} reads back to {@code value}. */
    default String format(T value) {
        return String.valueOf(value);
    }

    /** What is allowed, for the documentation ("1 to 1024", "flock, semaphore, pipe or none"); "" when anything is. */
    String allowed();

    /** A whole number from {@code min} to {@code max}. */
    static SettingType<Integer> integer(int min, int max) {
        String allowed = max == Integer.MAX_VALUE ? min + " or more" : min + " to " + max;
        String requirement = max == Integer.MAX_VALUE
                ? "must be a whole number, " + min + " or more"
                : "must be a whole number from " + min + " to " + max;
        return of(allowed, text -> {
            long parsed;
            try {
                parsed = Long.parseLong(text.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(requirement);
            }
            if (parsed < min || parsed > max) {
                throw new IllegalArgumentException(requirement);
            }
            return (int) parsed;
        });
    }

    /** {@code true} or {@code false} in any case, or {@code 1} or {@code 0}. */
    static SettingType<Boolean> bool() {
        return of("true or false", text -> {
            String value = text.trim();
            if (value.equalsIgnoreCase("true") || value.equals("1")) {
                return true;
            }
            if (value.equalsIgnoreCase("false") || value.equals("0")) {
                return false;
            }
            throw new IllegalArgumentException("must be true or false");
        });
    }

    /** One of an enum's constants, by its name in any case; documented and formatted in lower case. */
    static <E extends Enum<E>> SettingType<E> choice(Class<E> options) {
        List<String> names = new ArrayList<>();
        for (E option : options.getEnumConstants()) {
            names.add(option.name().toLowerCase(Locale.ROOT));
        }
        String allowed = String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.get(names.size() - 1);
        String requirement = "must be one of " + String.join(", ", names);
        return new SettingType<>() {
            @Override
            public E parse(String text) {
                for (E option : options.getEnumConstants()) {
                    if (option.name().equalsIgnoreCase(text.trim())) {
                        return option;
                    }
                }
                throw new IllegalArgumentException(requirement);
            }

            @Override
            public String format(E value) {
                return value.name().toLowerCase(Locale.ROOT);
            }

            @Override
            public String allowed() {
                return allowed;
            }
        };
    }

    /** An absolute path; blank text is unset ({@code null}). */
    static SettingType<Path> absolutePath() {
        return of("an absolute path", text -> {
            String value = text.trim();
            if (value.isEmpty()) {
                return null;
            }
            if (!value.startsWith("/")) {
                throw new IllegalArgumentException("must be an absolute path");
            }
            return Path.of(value);
        });
    }

    /** Any text, as it is. */
    static SettingType<String> text() {
        return of("", text -> text);
    }

    /** Text that matches {@code pattern} as a whole, e.g. a name; {@code allowed} is said in the documentation. */
    static SettingType<String> matching(String pattern, String allowed, String requirement) {
        Pattern compiled = Pattern.compile(pattern);
        return of(allowed, text -> {
            if (!compiled.matcher(text).matches()) {
                throw new IllegalArgumentException(requirement);
            }
            return text;
        });
    }

    /** Words separated by white space, e.g. command-line options; blank text is no words. */
    static SettingType<List<String>> words() {
        return new SettingType<>() {
            @Override
            public List<String> parse(String text) {
                String trimmed = text.trim();
                return trimmed.isEmpty() ? List.of() : List.of(trimmed.split("\\s+"));
            }

            @Override
            public String format(List<String> value) {
                return String.join(" ", value);
            }

            @Override
            public String allowed() {
                return "";
            }
        };
    }

    /** {@code type}, or unset ({@code null}) for blank text: for settings whose default is worked out from others. */
    static <T> SettingType<T> optional(SettingType<T> type) {
        return new SettingType<>() {
            @Override
            public T parse(String text) {
                return text.isBlank() ? null : type.parse(text);
            }

            @Override
            public String format(T value) {
                return type.format(value);
            }

            @Override
            public String allowed() {
                return type.allowed();
            }
        };
    }

    /** A type from a parsing function that throws {@link IllegalArgumentException} saying what is allowed. */
    static <T> SettingType<T> of(String allowed, Function<String, T> parser) {
        return new SettingType<>() {
            @Override
            public T parse(String text) {
                return parser.apply(text);
            }

            @Override
            public String allowed() {
                return allowed;
            }
        };
    }
}
