package dev.prefork.bridge;

import dev.prefork.engine.config.Settings;

/**
 * The line a client that is turned away reads ({@code busy_message}): no thread took its connection, it
 * waited {@code max_wait} for a slot, no bean instance was free or the endpoint is stopping. The text is
 * the user's, with {@code {reason}} standing for why; one line, already checked by its setting.
 *
 * @param template the setting's text, e.g. {@code busy: {reason}, try again later}
 */
public record BusyMessage(String template) {
    /** What every refusal said before the text was configurable, and still says by default. */
    public static final BusyMessage DEFAULT = new BusyMessage(Settings.BUSY_MESSAGE.defaultValue());

    /** The line for {@code reason}, with its line end. */
    public String line(String reason) {
        return template.replace("{reason}", reason) + "\n";
    }
}
