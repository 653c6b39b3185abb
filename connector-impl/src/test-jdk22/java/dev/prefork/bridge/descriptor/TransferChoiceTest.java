package dev.prefork.bridge.descriptor;

import dev.prefork.engine.config.ConfigException;
import dev.prefork.engine.config.DescriptorTransfer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pool-start decision between pidfd and message, and the probe on this machine (Linux 6.x, no Yama). */
class TransferChoiceTest {
    @Test
    void autoFallsBackToMessagesWherePidfdCannotWork() {
        assertEquals(DescriptorTransfer.PIDFD, TransferChoice.choose(DescriptorTransfer.AUTO, null).transfer());
        TransferChoice fallback = TransferChoice.choose(DescriptorTransfer.AUTO, "the kernel has no pidfd_getfd");
        assertEquals(DescriptorTransfer.MESSAGE, fallback.transfer());
        assertTrue(fallback.reason().contains("the kernel has no pidfd_getfd"), fallback.reason());
        ConfigException forced = assertThrows(ConfigException.class,
                () -> TransferChoice.choose(DescriptorTransfer.PIDFD, "the kernel has no pidfd_getfd"));
        assertEquals("descriptor_transfer", forced.key());
        assertTrue(forced.getMessage().contains("the kernel has no pidfd_getfd") && forced.getMessage().contains("'pidfd'"),
                forced.getMessage());
        assertEquals(DescriptorTransfer.MESSAGE, TransferChoice.decide(DescriptorTransfer.MESSAGE, false).transfer());
    }

    @Test
    void whatStandsInPidfdsWay() {
        assertNull(TransferChoice.obstacle(null, false, false, 0));
        assertNull(TransferChoice.obstacle(null, false, false, 1), "Yama 1 lets a parent take from its descendants");
        assertNull(TransferChoice.obstacle(null, true, true, 2), "CAP_SYS_PTRACE reaches workers of another user");
        assertTrue(TransferChoice.obstacle(null, true, false, 0).contains("another user"));
        assertTrue(TransferChoice.obstacle(null, false, false, 2).contains("ptrace_scope is 2"));
        assertTrue(TransferChoice.obstacle(null, false, true, 3).contains("ptrace_scope is 3"));
        assertTrue(TransferChoice.obstacle("refused", false, true, 0).contains("refused"));
    }

    @Test
    void theProbeFindsPidfdGetfdHere() {
        assertNull(dev.prefork.posix.PidfdCalls.probe(), "pidfd_getfd works on this kernel (6.x)");
        assertEquals(DescriptorTransfer.PIDFD, TransferChoice.decide(DescriptorTransfer.AUTO, false).transfer());
    }
}
