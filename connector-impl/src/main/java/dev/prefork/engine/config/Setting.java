package dev.prefork.engine.config;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * The declaration of one setting: everything the engine's parsing, the standalone {@code --help}, the
 * adapter's resolution and the README's settings table know about it. Immutable; the methods that
 * complete a declaration return a changed copy, and {@link Settings} registers the finished one:
 *
 * <pre>{@code
 * public static final Setting<Integer> MAX_SERVERS = declare(Setting.integer("max_servers", 1, 1024)
 *         .byDefault("50").changeableWhileRunning()
 *         .means("worker processes kept running (per port)"));
 * }</pre>
 *
 * @param <T> the type of the parsed value
 */
public final class Setting<T> {
    /** Where a setting may be set unless its declaration narrows it with {@link #onlyFrom}. */
    private static final Set<SettingLayer> EVERY_LAYER =
            Collections.unmodifiableSet(EnumSet.complementOf(EnumSet.of(SettingLayer.DEFAULT)));

    private final String key;
    private final SettingType<T> type;
    private final String defaultValue;
    private final String description;
    private final Set<SettingLayer> layers;
    private final boolean changeableWhileRunning;

    private Setting(String key, SettingType<T> type, String defaultValue, String description,
                    Set<SettingLayer> layers, boolean changeableWhileRunning) {
        this.key = key;
        this.type = type;
        this.defaultValue = defaultValue;
        this.description = description;
        this.layers = layers;
        this.changeableWhileRunning = changeableWhileRunning;
    }

    /** A setting {@code key} (Net::Server's name where it has the setting: lower case, words joined by '_'). */
    public static <T> Setting<T> of(String key, SettingType<T> type) {
        if (!key.matches("[a-z][a-z0-9]*(_[a-z0-9]+)*")) {
            throw new IllegalArgumentException("a setting's key is lower-case words joined by '_', not " + key);
        }
        return new Setting<>(key, type, "", "", EVERY_LAYER, false);
    }

    /** A whole number from {@code min} to {@code max} ({@link Integer#MAX_VALUE}: no upper limit). */
    public static Setting<Integer> integer(String key, int min, int max) {
        return of(key, SettingType.integer(min, max));
    }

    /** {@code true} or {@code false}. */
    public static Setting<Boolean> bool(String key) {
        return of(key, SettingType.bool());
    }

    /** One of the constants of {@code options}, written in lower case. */
    public static <E extends Enum<E>> Setting<E> choice(String key, Class<E> options) {
        return of(key, SettingType.choice(options));
    }

    /** An absolute path, unset by default. */
    public static Setting<java.nio.file.Path> absolutePath(String key) {
        return of(key, SettingType.absolutePath());
    }

    /** Any text. */
    public static Setting<String> text(String key) {
        return of(key, SettingType.text());
    }

    /** This setting with {@code text} as its default; "" (the initial default) means unset, and the description says what that does. */
    public Setting<T> byDefault(String text) {
        return new Setting<>(key, type, text, description, layers, changeableWhileRunning);
    }

    /** This setting with its description: what it does, in lower case, without the allowed values or the default. */
    public Setting<T> means(String text) {
        return new Setting<>(key, type, defaultValue, text, layers, changeableWhileRunning);
    }

    /** This setting, settable only from {@code allowed} (by default: every layer). */
    public Setting<T> onlyFrom(SettingLayer... allowed) {
        EnumSet<SettingLayer> set = EnumSet.noneOf(SettingLayer.class);
        for (SettingLayer layer : allowed) {
            if (layer == SettingLayer.DEFAULT) {
                throw new IllegalArgumentException("every setting has a default; DEFAULT is no layer to allow");
            }
            set.add(layer);
        }
        return new Setting<>(key, type, defaultValue, description, Collections.unmodifiableSet(set), changeableWhileRunning);
    }

    /** This setting, marked as one a running pool can take a new value of. */
    public Setting<T> changeableWhileRunning() {
        return new Setting<>(key, type, defaultValue, description, layers, true);
    }

    public String key() {
        return key;
    }

    public SettingType<T> type() {
        return type;
    }

    /** The default as text; "" when the setting is unset by default. */
    public String defaultValue() {
        return defaultValue;
    }

    public String description() {
        return description;
    }

    /** What values are allowed, for the documentation; "" when the description says it or anything goes. */
    public String allowed() {
        return type.allowed();
    }

    /** The layers this setting may be set from ({@link SettingLayer#DEFAULT} is never among them). */
    public Set<SettingLayer> layers() {
        return layers;
    }

    public boolean settableFrom(SettingLayer layer) {
        return layers.contains(layer);
    }

    /** Whether a running pool can take a new value of this setting without being restarted. */
    public boolean isChangeableWhileRunning() {
        return changeableWhileRunning;
    }

    /**
     * The value {@code text} stands for; {@code null} text takes the default.
     *
     * @throws ConfigException naming this setting's key, {@code text} and what is allowed
     */
    public T parse(String text) {
        return parse(text, type);
    }

    /**
     * {@code text} parsed with {@code narrower}, a type for this setting that depends on other settings
     * (e.g. a range that shrinks as another setting grows); errors name this setting as {@link #parse} does.
     */
    public <U> U parse(String text, SettingType<U> narrower) {
        String value = text == null ? defaultValue : text;
        try {
            return narrower.parse(value);
        } catch (ConfigException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key, value, e.getMessage());
        }
    }

    /** The text that {@link #parse} reads back to {@code value}. */
    public String format(T value) {
        return type.format(value);
    }

    @Override
    public String toString() {
        return key;
    }
}
