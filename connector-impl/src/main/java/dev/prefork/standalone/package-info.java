/**
 * The engine without an application server: {@code java -jar prefork.jar} with a built-in handler
 * (echo, daytime, discard), Net::Server-style {@code --key value} options and {@code conf_file}.
 * Depends on {@link dev.prefork.engine} and {@link dev.prefork.bridge}.
 */
package dev.prefork.standalone;
