package dev.prefork.bridge.handover;

import java.nio.channels.SelectableChannel;

/**
 * The descriptor number of a JDK socket channel, which a worker names to the controlling JVM with
 * {@code descriptor_transfer pidfd}. The JDK has no public API for it; {@code sun.nio.ch.SelChImpl}, which
 * every JDK socket and server socket channel implements, has {@code getFDVal()}. Called directly (one interface call), not by
 * reflection: core reflection and method handles would spin classes at every worker's start, which is what
 * this transfer saves. So this one class is compiled apart from the rest, without {@code --release} and with
 * {@code --add-exports java.base/sun.nio.ch=ALL-UNNAMED}, and the worker JVM gets the same export
 * ({@code Spawner}); a JDK that no longer has the method fails the first connection with an
 * IllegalAccessError or NoSuchMethodError, which the worker logs before it leaves.
 */
public final class ChannelDescriptors {
    private ChannelDescriptors() {
    }

    /** The number of {@code channel}'s descriptor in this process (a JDK socket or server socket channel). */
    public static int of(SelectableChannel channel) {
        return ((sun.nio.ch.SelChImpl) channel).getFDVal();
    }
}
