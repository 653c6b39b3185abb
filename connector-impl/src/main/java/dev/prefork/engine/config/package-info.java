/**
 * The settings of one pool: parsing and validating every key from text (a bad value names the key, the
 * value and what is allowed), Net::Server's names and defaults where it has the setting. Depends on the
 * JDK only.
 */
package dev.prefork.engine.config;
