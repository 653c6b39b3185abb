package dev.prefork.bridge.descriptor;

import dev.prefork.bridge.BridgeHeader;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.OptionalLong;

/**
 * The count of connections in service or waiting for their first bytes in this JVM, against
 * {@code max_clients}, and the connections handed over while it is reached, each with its worker held
 * back. A worker accepts its next client only after "done", so withholding it is how the limit stops
 * accepting: the excess waits in the kernel's backlog, where it costs this JVM nothing.
 *
 * <p>So at most {@code max_clients} connections are served or wait for their first bytes, and at most one
 * per worker waits here for a slot (the one its worker brought as the limit was reached); the oldest
 * takes the next slot that frees.
 */
final class ClientSlots {
    /** A connection waiting for a slot: its socket and header, the link of the worker held back, since when. */
    record Parked(HandoffLink link, GuardedDescriptor socket, BridgeHeader header, long workerPid, long sinceNanos) {
    }

    private final ArrayDeque<Parked> parked = new ArrayDeque<>();
    private int max;
    private int taken;

    ClientSlots(int max) {
        this.max = max;
    }

    /**
     * Takes a slot for a connection just handed over; true when it has one (and its link may free the
     * worker now). Otherwise the connection waits here, its worker held back, until {@link #release}
     * gives it a slot or {@link #expired} gives it up.
     */
    synchronized boolean take(Parked connection) {
        if (taken < max) {
            taken++;
            return true;
        }
        parked.addLast(connection);
        return false;
    }

    /**
     * A connection has ended: its slot goes to the connection that has waited longest, which is returned
     * for the caller to admit (and free its worker); null when none waits.
     */
    synchronized Parked release() {
        taken--;
        return next();
    }

    /** Changes {@code max_clients}; returns the waiting connections that now have a slot, oldest first. */
    synchronized List<Parked> resize(int newMax) {
        max = newMax;
        List<Parked> admitted = new ArrayList<>();
        for (Parked next; (next = next()) != null; ) {
            admitted.add(next);
        }
        return admitted;
    }

    private Parked next() {
        if (taken >= max || parked.isEmpty()) {
            return null;
        }
        taken++;
        return parked.pollFirst();
    }

    /** Removes and returns the connections that have waited {@code limitNanos} or longer at {@code now}. */
    synchronized List<Parked> expired(long now, long limitNanos) {
        List<Parked> expired = new ArrayList<>();
        Iterator<Parked> oldestFirst = parked.iterator();
        while (oldestFirst.hasNext()) {
            Parked connection = oldestFirst.next();
            if (now - connection.sinceNanos() < limitNanos) {
                break;
            }
            oldestFirst.remove();
            expired.add(connection);
        }
        return expired;
    }

    /** When the connection waiting longest came ({@code System.nanoTime()}); empty when none waits. */
    synchronized OptionalLong oldestSince() {
        Parked oldest = parked.peekFirst();
        return oldest == null ? OptionalLong.empty() : OptionalLong.of(oldest.sinceNanos());
    }

    /** Removes every waiting connection (the bridge closes). */
    synchronized List<Parked> drain() {
        List<Parked> all = new ArrayList<>(parked);
        parked.clear();
        return all;
    }

    /** Whether every slot is taken now. */
    synchronized boolean full() {
        return taken >= max;
    }

    /** Connections in service or waiting for their first bytes now. */
    synchronized int taken() {
        return taken;
    }

    /** Connections waiting for a slot now. */
    synchronized int waiting() {
        return parked.size();
    }
}
