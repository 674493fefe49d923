package io.snapfind.harness;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class FreePortTest {

    @Test
    void handsOutFreePortsBelowTheEphemeralRangeNeverTwice() {
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            int port = FreePort.find();
            assertTrue(port >= 20000 && port < 32768, "outside the kernel's ephemeral range: " + port);
            assertFalse(FreePort.isTaken(port));
            assertTrue(seen.add(port), "handed out twice: " + port);
        }
        int first = FreePort.findBlock(4);
        for (int port = first; port < first + 4; port++) {
            assertFalse(FreePort.isTaken(port));
            assertTrue(seen.add(port), "a block overlaps a port handed out before: " + port);
        }
    }
}
