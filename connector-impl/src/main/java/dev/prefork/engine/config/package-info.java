/**
 * The settings of one pool, as data: each setting is declared once in {@link
 * dev.prefork.engine.config.Settings} (key, type with its allowed values, default, description, the
 * layers it may be set from, whether a running pool can take a new value), and everything else derives
 * from the declarations: {@link dev.prefork.engine.config.EngineConfig} parses and validates them (a bad
 * value names the key, the value and what is allowed), {@link dev.prefork.engine.config.SettingsDocs}
 * renders the standalone {@code --help} and the README's settings table, and the adapter resolves them
 * layer by layer and logs where each came from. Net::Server's names and defaults where it has the
 * setting. Depends on the JDK and {@link dev.prefork.engine.access} (which checks the access lists) only.
 *
 * <h2>Adding a setting</h2>
 * <ol>
 *   <li>Declare it in {@code Settings}, where it should appear in the documentation:
 *       <pre>{@code
 * public static final Setting<Integer> TIMEOUT = declare(Setting.integer("timeout", 1, 3_600)
 *         .byDefault("60")                                   // "" (the default): unset; say in means() what that does
 *         .onlyFrom(SettingLayer.COMMAND_LINE)               // leave out: settable from every layer
 *         .changeableWhileRunning()                          // leave out: applies when the pool starts
 *         .means("seconds a client may stay silent"));       // lower case, no default or allowed values
 *       }</pre>
 *       Types: {@code Setting.integer}, {@code bool}, {@code choice(key, AnEnum.class)}, {@code absolutePath},
 *       {@code text}, or {@code Setting.of(key, type)} with any {@link dev.prefork.engine.config.SettingType}.</li>
 *   <li>Give it its behaviour: {@code config.get(Settings.TIMEOUT)} wherever it is used (add a typed accessor to
 *       {@code EngineConfig} if the engine reads it in several places; checks that involve other settings go in
 *       {@code EngineConfig}'s constructor).</li>
 *   <li>Where the adapter takes it (the default): one setter line in {@code PreforkActivationSpec} under the key,
 *       {@code public void setTimeout(String value) { values.set("timeout", value); }} with its getter, and the
 *       same under the camelCase name, annotated {@code @ConfigProperty(type = String.class, description = ABOUT)},
 *       in {@code PreforkResourceAdapter}. No camelCase alias on the activation spec: every server takes the key.</li>
 *   <li>Regenerate the README's settings table: {@code bin/test -pl connector-impl -am -Dtest=SettingsTableTest
 *       -Dsurefire.failIfNoSpecifiedTests=false -Dprefork.readme.regenerate=true}.</li>
 * </ol>
 * The tests {@code SettingsTableTest}, {@code StandaloneHelpTest} and {@code SettingsPropertiesTest} fail
 * when a step is missing.
 */
package dev.prefork.engine.config;
