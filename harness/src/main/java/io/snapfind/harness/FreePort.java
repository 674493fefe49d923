package io.snapfind.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Picks a free TCP port on loopback for a server that some process will bind shortly after. The port is taken
 * below Linux's default ephemeral range (32768–60999): a port the kernel handed out (bind to port 0) can meanwhile
 * be given to any outgoing connection, such as a Kafka client's, and the server then fails with "port in use".
 */
public final class FreePort {

    private static final int FIRST = 20000;
    private static final int LAST = 32000;
    /** Ports handed out by this JVM, so two servers started in a row never get the same one. */
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private FreePort() {
    }

    public static int find() {
        return findBlock(1);
    }

    /** The first of {@code count} consecutive free ports, all reserved in this JVM. */
    public static synchronized int findBlock(int count) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 1000; attempt++) {
            int first = FIRST + random.nextInt(LAST - FIRST - count);
            boolean free = true;
            for (int port = first; port < first + count && free; port++) {
                free = !HANDED_OUT.contains(port) && !isTaken(port);
            }
            if (free) {
                for (int port = first; port < first + count; port++) {
                    HANDED_OUT.add(port);
                }
                return first;
            }
        }
        throw new UncheckedIOException(new IOException("No " + count + " free loopback ports between " + FIRST
                + " and " + LAST));
    }

    /** Whether something already listens on the loopback port. */
    public static boolean isTaken(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }
}
