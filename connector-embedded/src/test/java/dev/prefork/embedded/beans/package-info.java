/**
 * Beans for the discovery test: two listener MDB classes, an observer of the pool events, and a class that
 * must not become a bean.
 */
package dev.prefork.embedded.beans;
