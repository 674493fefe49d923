package io.snapfind.imaging.fetch;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;

import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.io.DetachedSocketFactory;

/**
 * HttpClient's view of one hop's host: the addresses the fetcher has already resolved and checked. As its
 * {@link DnsResolver} it answers with exactly those, so nothing asks DNS a second time and a changed answer
 * (DNS rebinding) cannot reach the connection. As its socket factory it makes sockets that refuse to connect
 * anywhere else, a second lock should the client ever learn an address some other way.
 */
final class PinnedAddresses implements DnsResolver, DetachedSocketFactory {

    /** Sees every TCP connect just before it happens; tests use it to prove which addresses were contacted. */
    @FunctionalInterface
    interface ConnectWatcher {
        ConnectWatcher NONE = target -> {
        };

        void connecting(InetSocketAddress target) throws IOException;
    }

    private final String host;
    private final List<InetAddress> addresses;
    private final int port;
    private final ConnectWatcher watcher;

    PinnedAddresses(String host, List<InetAddress> addresses, int port, ConnectWatcher watcher) {
        this.host = unbracketed(host);
        this.addresses = List.copyOf(addresses);
        this.port = port;
        this.watcher = watcher;
    }

    @Override
    public InetAddress[] resolve(String name) throws UnknownHostException {
        requireOurHost(name);
        return addresses.toArray(new InetAddress[0]);
    }

    @Override
    public List<InetSocketAddress> resolve(String name, int requestedPort) throws UnknownHostException {
        requireOurHost(name);
        return addresses.stream().map(address -> new InetSocketAddress(address, requestedPort)).toList();
    }

    /** Only SPNEGO/Kerberos asks for this, and authentication is off; answered without a lookup all the same. */
    @Override
    public String resolveCanonicalHostname(String name) throws UnknownHostException {
        requireOurHost(name);
        return host;
    }

    @Override
    public Socket create(Proxy ignored) {
        return new PinnedSocket();
    }

    @Override
    public Socket create(String scheme, Proxy ignored) {
        return new PinnedSocket();
    }

    private void requireOurHost(String name) throws UnknownHostException {
        // Any other name means a proxy or a hop that was never checked: refuse rather than look it up.
        if (name == null || !unbracketed(name).equalsIgnoreCase(host)) {
            throw new UnknownHostException(name + " was not checked for this request");
        }
    }

    static String unbracketed(String host) {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        return bare.toLowerCase(Locale.ROOT);
    }

    /** NO_PROXY, so the socksProxyHost system property cannot route the connection elsewhere either. */
    private final class PinnedSocket extends Socket {

        PinnedSocket() {
            super(Proxy.NO_PROXY);
        }

        @Override
        public void connect(SocketAddress endpoint, int timeout) throws IOException {
            if (!(endpoint instanceof InetSocketAddress target) || target.getAddress() == null
                    || !addresses.contains(target.getAddress()) || target.getPort() != port) {
                throw new SocketException("refusing to connect to " + endpoint + ": not a checked address of " + host);
            }
            watcher.connecting(target);
            super.connect(endpoint, timeout);
        }
    }
}
