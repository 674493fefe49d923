package io.snapfind.imaging.fetch;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Turns a host name into addresses. The fetcher checks every address returned and then connects to one of exactly
 * those, so the answer cannot change between the check and the connection (DNS rebinding). Tests plug in a fixed
 * table; IP literals never reach the resolver.
 */
@FunctionalInterface
public interface HostResolver {

    /** The system resolver. */
    HostResolver SYSTEM = host -> List.of(InetAddress.getAllByName(host));

    List<InetAddress> resolve(String host) throws UnknownHostException;
}
