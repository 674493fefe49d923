package io.snapfind.imaging.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Classification only: these addresses are parsed, never contacted. */
class AddressRulesTest {

    @ParameterizedTest
    @ValueSource(strings = { "8.8.8.8", "93.184.216.34", "172.32.0.1", "100.128.0.1", "169.253.1.1", "[2606:4700::1111]",
            "[2a00:1450:4001::200e]", "[::ffff:8.8.8.8]", "[::ffff:0:808:808]", "[2002:808:808::]", "198.51.101.1",
            "203.0.114.1" })
    void publicUnicastIsAllowed(String literal) throws UnknownHostException {
        assertEquals(Optional.empty(), AddressRules.whyForbidden(parse(literal), false), literal);
    }

    @ParameterizedTest
    @ValueSource(strings = { "127.0.0.1", "10.255.255.255", "172.31.0.1", "192.168.0.1", "169.254.169.254",
            "169.254.1.1", "100.100.100.200", "0.0.0.0", "0.1.2.3", "239.255.255.250", "240.0.0.1", "192.0.0.170",
            "198.18.0.1", "[::1]", "[::]", "[fe80::abcd]", "[fec0::1]", "[fd00:ec2::254]", "[ff02::1]",
            "[::ffff:10.0.0.1]", "[::10.0.0.1]", "[64:ff9b::7f00:1]", "[2002:c0a8:101::]", "[2001::1]", "[2001:db8::1]",
            "192.0.2.1", "198.51.100.7", "203.0.113.9", "192.88.99.1", "[::ffff:0:7f00:1]", "[::ffff:0:a00:1]",
            "[::ffff:0:a9fe:a9fe]", "[64:ff9b:1::a00:1]", "[64:ff9b:1:abcd::808:808]", "[100::1]" })
    void internalAndSpecialPurposeAreRefused(String literal) throws UnknownHostException {
        assertTrue(AddressRules.whyForbidden(parse(literal), false).isPresent(), literal);
    }

    @ParameterizedTest
    @ValueSource(strings = { "127.0.0.1", "127.9.9.9", "[::1]" })
    void loopbackAllowanceCoversLoopbackOnly(String literal) throws UnknownHostException {
        assertEquals(Optional.empty(), AddressRules.whyForbidden(parse(literal), true), literal);
        assertTrue(AddressRules.whyForbidden(parse("[64:ff9b::a00:1]"), true).isPresent());
    }

    private static InetAddress parse(String literal) throws UnknownHostException {
        return AddressRules.literal(literal).orElseThrow();
    }
}
