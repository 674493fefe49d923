package io.snapfind.imaging.fetch;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * Which resolved addresses a fetch may connect to: only public unicast ones. Everything a server-side request could
 * use to reach the inside (loopback, private and carrier-grade NAT ranges, link-local with the cloud metadata
 * endpoints, multicast, "this network", documentation and reserved space) is refused, including when it hides inside
 * an IPv6 form that embeds an IPv4 address (mapped, compatible, translated, NAT64, 6to4).
 */
public final class AddressRules {

    private AddressRules() {
    }

    /** Why {@code address} must not be contacted, or empty when it is a public unicast address. */
    public static Optional<String> whyForbidden(InetAddress address, boolean allowLoopback) {
        byte[] bytes = address.getAddress();
        if (bytes.length == 4) {
            return whyForbiddenV4(bytes, allowLoopback);
        }
        return whyForbiddenV6(bytes, allowLoopback);
    }

    private static Optional<String> whyForbiddenV4(byte[] b, boolean allowLoopback) {
        int a0 = b[0] & 0xFF;
        int a1 = b[1] & 0xFF;
        int a2 = b[2] & 0xFF;
        int a3 = b[3] & 0xFF;
        if (a0 == 127) {
            return allowLoopback ? Optional.empty() : Optional.of("loopback");
        }
        if (a0 == 169 && a1 == 254 && a2 == 169 && a3 == 254) {
            return Optional.of("cloud metadata endpoint");
        }
        if (a0 == 0) {
            return Optional.of("'this network' (0.0.0.0/8)");
        }
        if (a0 == 10 || (a0 == 172 && (a1 & 0xF0) == 16) || (a0 == 192 && a1 == 168)) {
            return Optional.of("private (RFC 1918)");
        }
        if (a0 == 100 && (a1 & 0xC0) == 64) {
            return Optional.of("carrier-grade NAT (100.64.0.0/10)");
        }
        if (a0 == 169 && a1 == 254) {
            return Optional.of("link-local");
        }
        if (a0 == 192 && a1 == 0 && a2 == 0) {
            return Optional.of("IETF protocol assignments (192.0.0.0/24)");
        }
        if (a0 == 198 && (a1 & 0xFE) == 18) {
            return Optional.of("benchmarking (198.18.0.0/15)");
        }
        if ((a0 == 192 && a1 == 0 && a2 == 2) || (a0 == 198 && a1 == 51 && a2 == 100)
                || (a0 == 203 && a1 == 0 && a2 == 113)) {
            // Never routed on the internet, so an answer from one of them is an internal or spoofed host.
            return Optional.of("documentation (TEST-NET-1/2/3)");
        }
        if (a0 == 192 && a1 == 88 && a2 == 99) {
            return Optional.of("6to4 relay anycast (192.88.99.0/24)");
        }
        if (a0 >= 224 && a0 <= 239) {
            return Optional.of("multicast");
        }
        if (a0 >= 240) {
            return Optional.of("reserved or broadcast (240.0.0.0/4)");
        }
        return Optional.empty();
    }

    private static Optional<String> whyForbiddenV6(byte[] b, boolean allowLoopback) {
        if (isZero(b, 0, 16)) {
            return Optional.of("unspecified (::)");
        }
        if (isZero(b, 0, 15) && b[15] == 1) {
            return allowLoopback ? Optional.empty() : Optional.of("loopback");
        }
        int first = b[0] & 0xFF;
        int second = b[1] & 0xFF;
        if (first == 0xFF) {
            return Optional.of("multicast");
        }
        if (first == 0xFE && (second & 0xC0) == 0x80) {
            return Optional.of("link-local");
        }
        if (first == 0xFE && (second & 0xC0) == 0xC0) {
            return Optional.of("site-local");
        }
        if ((first & 0xFE) == 0xFC) {
            // fc00::/7 also holds the AWS metadata endpoint fd00:ec2::254.
            return Optional.of("unique local (fc00::/7)");
        }
        // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (deprecated compatible) reach the IPv4 address itself.
        if (isZero(b, 0, 10) && (((b[10] & 0xFF) == 0xFF && (b[11] & 0xFF) == 0xFF) || isZero(b, 10, 12))) {
            return embedded(b, 12, allowLoopback, "IPv4-mapped");
        }
        // ::ffff:0:a.b.c.d (IPv4-translated, SIIT) is translated to the IPv4 address as well.
        if (isZero(b, 0, 8) && (b[8] & 0xFF) == 0xFF && (b[9] & 0xFF) == 0xFF && isZero(b, 10, 12)) {
            return embedded(b, 12, allowLoopback, "IPv4-translated");
        }
        // 64:ff9b::/96 is NAT64, translated by a gateway to the embedded IPv4 address.
        if (first == 0x00 && second == 0x64 && (b[2] & 0xFF) == 0xFF && (b[3] & 0xFF) == 0x9B && isZero(b, 4, 12)) {
            return embedded(b, 12, allowLoopback, "NAT64");
        }
        // 64:ff9b:1::/48 is local-use NAT64 (RFC 8215): where the IPv4 address sits depends on the operator's
        // prefix length, and the translator is inside the network by definition.
        if (first == 0x00 && second == 0x64 && (b[2] & 0xFF) == 0xFF && (b[3] & 0xFF) == 0x9B && b[4] == 0
                && b[5] == 1) {
            return Optional.of("local-use NAT64 (64:ff9b:1::/48)");
        }
        if (first == 0x01 && second == 0x00 && isZero(b, 2, 8)) {
            return Optional.of("discard-only (100::/64)");
        }
        // 2002::/16 is 6to4, whose relay delivers to the IPv4 address in bytes 2..5.
        if (first == 0x20 && second == 0x02) {
            return embedded(b, 2, allowLoopback, "6to4");
        }
        if (first == 0x20 && second == 0x01 && b[2] == 0 && b[3] == 0) {
            return Optional.of("Teredo (2001::/32)");
        }
        if (first == 0x20 && second == 0x01 && (b[2] & 0xFF) == 0x0D && (b[3] & 0xFF) == 0xB8) {
            return Optional.of("documentation (2001:db8::/32)");
        }
        return Optional.empty();
    }

    private static Optional<String> embedded(byte[] b, int offset, boolean allowLoopback, String form) {
        byte[] v4 = { b[offset], b[offset + 1], b[offset + 2], b[offset + 3] };
        return whyForbiddenV4(v4, allowLoopback).map(why -> why + " via " + form + " IPv6");
    }

    private static boolean isZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code host} is written as an IP address (bracketed IPv6, or four dotted decimal numbers). */
    static boolean isLiteral(String host) {
        return (host.startsWith("[") && host.endsWith("]")) || host.matches("[0-9]+(\\.[0-9]+){3}");
    }

    /**
     * Parses an IP literal ({@code 10.0.0.1}, or bracketed IPv6 as URIs write it) without any DNS lookup. Empty for
     * a host name, which must go through the resolver.
     *
     * @throws UnknownHostException when the host is shaped like a literal but is not a valid one
     */
    static Optional<InetAddress> literal(String host) throws UnknownHostException {
        if (!isLiteral(host)) {
            return Optional.empty();
        }
        if (host.startsWith("[")) {
            // With brackets InetAddress expects IPv6 and fails rather than asking DNS.
            return Optional.of(InetAddress.getByName(host));
        }
        String[] parts = host.split("\\.");
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            // Decimal always, as most resolvers read it; the address checked is the address connected to anyway.
            int octet = parts[i].length() > 3 ? 256 : Integer.parseInt(parts[i]);
            if (octet > 255) {
                throw new UnknownHostException(host + " is not a valid IPv4 address");
            }
            bytes[i] = (byte) octet;
        }
        return Optional.of(InetAddress.getByAddress(host, bytes));
    }
}
