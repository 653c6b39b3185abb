/**
 * JMX for a running pool: one MXBean per pool in the platform MBeanServer,
 * {@code dev.prefork:type=Pool,name=<name>}, with the status port's figures as attributes, the worker
 * table as composite data, writable limits and operations that resize, restart, drain and resume the
 * pool without a redeploy. JDK 17 APIs only (it loads inside application servers).
 */
package dev.prefork.engine.management;
