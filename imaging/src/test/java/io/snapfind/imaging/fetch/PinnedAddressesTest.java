package io.snapfind.imaging.fetch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

/** The pin on its own: nothing here opens a connection; the refused connects fail before any packet is sent. */
class PinnedAddressesTest {

    private final List<InetSocketAddress> watched = new CopyOnWriteArrayList<>();

    private PinnedAddresses pinned() throws UnknownHostException {
        return new PinnedAddresses("Images.Test", List.of(InetAddress.getByAddress("images.test",
                new byte[] { (byte) 93, (byte) 184, (byte) 216, 34 })), 443, watched::add);
    }

    @Test
    void answersOnlyForTheCheckedNameAndOnlyWithTheCheckedAddresses() throws UnknownHostException {
        PinnedAddresses pinned = pinned();
        assertArrayEquals(new byte[] { (byte) 93, (byte) 184, (byte) 216, 34 },
                pinned.resolve("images.test")[0].getAddress());
        assertEquals(443, pinned.resolve("IMAGES.test", 443).get(0).getPort());
        assertThrows(UnknownHostException.class, () -> pinned.resolve("other.test"));
        assertThrows(UnknownHostException.class, () -> pinned.resolve("proxy.test", 3128));
        assertEquals("images.test", pinned.resolveCanonicalHostname("images.test"));
    }

    @Test
    void socketsRefuseEveryOtherAddressAndPort() throws Exception {
        PinnedAddresses pinned = pinned();
        for (InetSocketAddress elsewhere : List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 443),
                new InetSocketAddress(InetAddress.getByAddress(new byte[] { (byte) 93, (byte) 184, (byte) 216, 34 }),
                        8443))) {
            try (Socket socket = pinned.create("https", null)) {
                assertThrows(SocketException.class, () -> socket.connect(elsewhere, 100), elsewhere.toString());
            }
        }
        assertTrue(watched.isEmpty(), "refused before the watcher, before any connect: " + watched);
    }

    @Test
    void ipv6LiteralsMatchWithOrWithoutBrackets() throws UnknownHostException {
        PinnedAddresses pinned = new PinnedAddresses("[2606:4700::1111]",
                List.of(AddressRules.literal("[2606:4700::1111]").orElseThrow()), 80, watched::add);
        assertEquals(1, pinned.resolve("[2606:4700::1111]").length);
        assertEquals(1, pinned.resolve("2606:4700::1111").length);
    }
}
