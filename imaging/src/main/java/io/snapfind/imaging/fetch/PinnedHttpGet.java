package io.snapfind.imaging.fetch;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

import io.snapfind.imaging.fetch.FetchRefused.Reason;

/**
 * One HTTP/1.1 GET over a socket connected to an address the caller has already checked. The JDK's HttpClient
 * resolves host names itself, so it cannot be pinned to the checked address; a deliberately small client over a
 * plain socket can: TCP goes to the checked IP, while the Host header, TLS SNI and certificate check use the name.
 * It sends {@code Connection: close} and reads a body framed by Content-Length, chunked encoding, or the end of the
 * connection, never more than the byte limit, and every read is bounded by the read and total time limits.
 */
final class PinnedHttpGet {

    /** Opens a TCP connection; replaceable so tests can prove no connection was attempted. */
    @FunctionalInterface
    interface Connector {
        Connector PLAIN = (target, timeoutMillis) -> {
            Socket socket = new Socket();
            try {
                socket.connect(target, timeoutMillis);
                return socket;
            } catch (IOException e) {
                socket.close();
                throw e;
            }
        };

        Socket connect(InetSocketAddress target, int timeoutMillis) throws IOException;
    }

    /** Where to send the request: the URL as given, and the checked addresses its host resolved to. */
    record Target(URI uri, boolean https, String host, int port, List<InetAddress> addresses) {
    }

    /** A status with, for redirects, the Location and, for 200, the body. */
    record Response(int status, String location, byte[] body) {
    }

    private static final int MAX_LINE_BYTES = 8 * 1024;
    private static final int MAX_HEADER_BYTES = 64 * 1024;
    private static final int MAX_HEADERS = 100;
    private static final int MAX_INTERIM_RESPONSES = 5;
    private static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.[01] ([1-9][0-9]{2})(?: .*)?");

    private final FetchPolicy policy;
    private final Connector connector;
    private final SSLSocketFactory tls;

    PinnedHttpGet(FetchPolicy policy, Connector connector, SSLSocketFactory tls) {
        this.policy = policy;
        this.connector = connector;
        this.tls = tls;
    }

    Response execute(Target target, long deadlineNanos) throws FetchRefused {
        Socket socket = connect(target, deadlineNanos);
        try (Socket open = socket) {
            Socket channel = target.https() ? handshake(open, target, deadlineNanos) : open;
            sendRequest(channel.getOutputStream(), target);
            return readResponse(new BoundedReader(channel, policy.readTimeout().toMillis(), deadlineNanos));
        } catch (SocketTimeoutException e) {
            throw new FetchRefused(Reason.TIMEOUT, target.host() + " stayed silent past the time limit", e);
        } catch (SSLException e) {
            throw new FetchRefused(Reason.TLS_FAILED, "TLS with " + target.host() + " failed: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new FetchRefused(Reason.CONNECTION_FAILED, "connection to " + target.host() + " broke: "
                    + e.getMessage(), e);
        }
    }

    private Socket connect(Target target, long deadlineNanos) throws FetchRefused {
        IOException last = null;
        boolean timedOut = false;
        for (InetAddress address : target.addresses()) {
            int timeout = (int) Math.min(policy.connectTimeout().toMillis(), remainingMillis(deadlineNanos));
            if (timeout <= 0) {
                break;
            }
            try {
                return connector.connect(new InetSocketAddress(address, target.port()), timeout);
            } catch (SocketTimeoutException e) {
                timedOut = true;
                last = e;
            } catch (IOException e) {
                last = e;
            }
        }
        if (timedOut || last == null) {
            throw new FetchRefused(Reason.TIMEOUT, "could not connect to " + target.host() + " in time", last);
        }
        throw new FetchRefused(Reason.CONNECTION_FAILED, "could not connect to " + target.host() + ": "
                + last.getMessage(), last);
    }

    private Socket handshake(Socket plain, Target target, long deadlineNanos) throws IOException, FetchRefused {
        String name = target.host().startsWith("[") ? target.host().substring(1, target.host().length() - 1)
                : target.host();
        SSLSocket socket = (SSLSocket) tls.createSocket(plain, name, target.port(), true);
        SSLParameters parameters = socket.getSSLParameters();
        // The certificate must match the name in the URL, although the socket went to a pinned IP.
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        if (AddressRules.literal(target.host()).isEmpty()) {
            try {
                parameters.setServerNames(List.of(new SNIHostName(name)));
            } catch (IllegalArgumentException e) {
                throw new FetchRefused(Reason.TLS_FAILED, "'" + name + "' is not a valid TLS server name", e);
            }
        }
        socket.setSSLParameters(parameters);
        int timeout = (int) Math.min(policy.connectTimeout().toMillis(), remainingMillis(deadlineNanos));
        if (timeout <= 0) {
            throw new FetchRefused(Reason.TIMEOUT, "no time left for the TLS handshake with " + target.host());
        }
        socket.setSoTimeout(timeout);
        socket.startHandshake();
        return socket;
    }

    private void sendRequest(OutputStream out, Target target) throws IOException {
        URI uri = target.uri();
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        if (uri.getRawQuery() != null) {
            path += "?" + uri.getRawQuery();
        }
        String host = uri.getPort() == -1 ? target.host() : target.host() + ":" + uri.getPort();
        // java.net.URI has already refused spaces and control characters, so nothing here can split the request.
        String request = "GET " + path + " HTTP/1.1\r\n"
                + "Host: " + host + "\r\n"
                + "User-Agent: " + policy.userAgent() + "\r\n"
                + "Accept: image/*, */*;q=0.5\r\n"
                + "Accept-Encoding: identity\r\n"
                + "Connection: close\r\n\r\n";
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private Response readResponse(BoundedReader in) throws IOException, FetchRefused {
        int status;
        Map<String, List<String>> headers;
        int interim = 0;
        do {
            String line = in.readLine(MAX_LINE_BYTES);
            if (line == null) {
                throw new FetchRefused(Reason.BAD_RESPONSE, "the server closed the connection without a response");
            }
            Matcher matcher = STATUS_LINE.matcher(line);
            if (!matcher.matches()) {
                throw new FetchRefused(Reason.BAD_RESPONSE, "not an HTTP/1.x status line");
            }
            status = Integer.parseInt(matcher.group(1));
            headers = readHeaders(in);
        } while (status >= 100 && status < 200 && status != 101 && ++interim <= MAX_INTERIM_RESPONSES);
        if (isRedirect(status)) {
            return new Response(status, single(headers, "location"), null);
        }
        if (status != 200) {
            return new Response(status, null, null);
        }
        return new Response(status, null, readBody(in, headers));
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    private static Map<String, List<String>> readHeaders(BoundedReader in) throws IOException, FetchRefused {
        Map<String, List<String>> headers = new HashMap<>();
        int count = 0;
        int bytes = 0;
        while (true) {
            String line = in.readLine(MAX_LINE_BYTES);
            if (line == null) {
                throw new FetchRefused(Reason.BAD_RESPONSE, "the response ended inside its headers");
            }
            if (line.isEmpty()) {
                return headers;
            }
            bytes += line.length();
            int colon = line.indexOf(':');
            if (++count > MAX_HEADERS || bytes > MAX_HEADER_BYTES || colon <= 0 || line.charAt(0) == ' '
                    || line.charAt(0) == '\t') {
                throw new FetchRefused(Reason.BAD_RESPONSE, "malformed or oversized response headers");
            }
            String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            headers.computeIfAbsent(name, key -> new ArrayList<>()).add(line.substring(colon + 1).trim());
        }
    }

    private static String single(Map<String, List<String>> headers, String name) throws FetchRefused {
        List<String> values = headers.getOrDefault(name, List.of());
        if (values.size() != 1 || values.get(0).isEmpty()) {
            throw new FetchRefused(Reason.BAD_RESPONSE, "expected exactly one " + name + " header, got " + values.size());
        }
        return values.get(0);
    }

    private byte[] readBody(BoundedReader in, Map<String, List<String>> headers) throws IOException, FetchRefused {
        long max = policy.maxBytes();
        List<String> transferEncodings = headers.get("transfer-encoding");
        if (transferEncodings != null) {
            String last = transferEncodings.get(transferEncodings.size() - 1);
            String[] codings = last.split(",");
            if (!codings[codings.length - 1].trim().equalsIgnoreCase("chunked")) {
                throw new FetchRefused(Reason.BAD_RESPONSE, "unsupported Transfer-Encoding " + last);
            }
            return readChunked(in, max);
        }
        List<String> lengths = headers.get("content-length");
        if (lengths != null) {
            long length = contentLength(lengths);
            if (length > max) {
                throw new FetchRefused(Reason.TOO_LARGE, "the server declares " + length
                        + " bytes, more than the limit of " + max);
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream((int) length);
            if (in.copy(body, length) < length) {
                throw new FetchRefused(Reason.BAD_RESPONSE, "the body ended before its declared " + length + " bytes");
            }
            return body.toByteArray();
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream(64 * 1024);
        // Until the server closes: ask for one byte more than allowed to tell "exactly max" from "too large".
        if (in.copy(body, max + 1) > max) {
            throw new FetchRefused(Reason.TOO_LARGE, "the body exceeds the limit of " + max + " bytes");
        }
        return body.toByteArray();
    }

    private static long contentLength(List<String> values) throws FetchRefused {
        long length = -1;
        for (String value : values) {
            for (String part : value.split(",")) {
                long parsed;
                try {
                    parsed = Long.parseLong(part.trim());
                } catch (NumberFormatException e) {
                    throw new FetchRefused(Reason.BAD_RESPONSE, "invalid Content-Length");
                }
                if (parsed < 0 || (length >= 0 && parsed != length)) {
                    throw new FetchRefused(Reason.BAD_RESPONSE, "invalid or conflicting Content-Length");
                }
                length = parsed;
            }
        }
        return length;
    }

    private static byte[] readChunked(BoundedReader in, long max) throws IOException, FetchRefused {
        ByteArrayOutputStream body = new ByteArrayOutputStream(64 * 1024);
        long total = 0;
        while (true) {
            String line = in.readLine(MAX_LINE_BYTES);
            if (line == null) {
                throw new FetchRefused(Reason.BAD_RESPONSE, "the chunked body ended without its last chunk");
            }
            int extension = line.indexOf(';');
            String hex = (extension >= 0 ? line.substring(0, extension) : line).trim();
            long size;
            try {
                size = hex.length() > 15 ? Long.MAX_VALUE : Long.parseLong(hex, 16);
            } catch (NumberFormatException e) {
                throw new FetchRefused(Reason.BAD_RESPONSE, "invalid chunk size");
            }
            if (size < 0) {
                throw new FetchRefused(Reason.BAD_RESPONSE, "invalid chunk size");
            }
            if (size == 0) {
                readHeaders(in); // trailers, ignored
                return body.toByteArray();
            }
            if (size > max - total) {
                throw new FetchRefused(Reason.TOO_LARGE, "the body exceeds the limit of " + max + " bytes");
            }
            if (in.copy(body, size) < size) {
                throw new FetchRefused(Reason.BAD_RESPONSE, "a chunk ended early");
            }
            total += size;
            String end = in.readLine(2);
            if (end == null || !end.isEmpty()) {
                throw new FetchRefused(Reason.BAD_RESPONSE, "a chunk is not followed by CRLF");
            }
        }
    }

    static long remainingMillis(long deadlineNanos) {
        return (deadlineNanos - System.nanoTime()) / 1_000_000L;
    }

    /**
     * A buffered reader over the socket whose every underlying read waits at most the read timeout and never past
     * the total deadline, so neither a silent nor a slowly dripping server can hold a worker thread.
     */
    private static final class BoundedReader {
        private final Socket socket;
        private final InputStream raw;
        private final long readTimeoutMillis;
        private final long deadlineNanos;
        private final byte[] buffer = new byte[16 * 1024];
        private int position;
        private int limit;

        BoundedReader(Socket socket, long readTimeoutMillis, long deadlineNanos) throws IOException {
            this.socket = socket;
            this.raw = socket.getInputStream();
            this.readTimeoutMillis = readTimeoutMillis;
            this.deadlineNanos = deadlineNanos;
        }

        /** A line without its CR LF, null at end of stream before any byte; longer than {@code max} is refused. */
        String readLine(int max) throws IOException, FetchRefused {
            StringBuilder line = new StringBuilder();
            while (true) {
                if (position == limit && !fill()) {
                    if (line.length() == 0) {
                        return null;
                    }
                    throw new FetchRefused(Reason.BAD_RESPONSE, "the response ended in the middle of a line");
                }
                char c = (char) (buffer[position++] & 0xFF);
                if (c == '\n') {
                    int end = line.length();
                    return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
                }
                if (line.length() > max) {
                    throw new FetchRefused(Reason.BAD_RESPONSE, "a response line exceeds " + max + " bytes");
                }
                line.append(c);
            }
        }

        /** Copies up to {@code count} bytes (fewer at end of stream); returns how many were copied. */
        long copy(ByteArrayOutputStream out, long count) throws IOException, FetchRefused {
            long copied = 0;
            while (copied < count) {
                if (position == limit && !fill()) {
                    break;
                }
                int n = (int) Math.min(limit - position, count - copied);
                out.write(buffer, position, n);
                position += n;
                copied += n;
            }
            return copied;
        }

        private boolean fill() throws IOException, FetchRefused {
            long remaining = remainingMillis(deadlineNanos);
            if (remaining <= 0) {
                throw new FetchRefused(Reason.TIMEOUT, "the fetch exceeded its total time limit");
            }
            socket.setSoTimeout((int) Math.max(1, Math.min(readTimeoutMillis, remaining)));
            int n;
            try {
                n = raw.read(buffer);
            } catch (SocketTimeoutException e) {
                if (remainingMillis(deadlineNanos) <= 0) {
                    throw new FetchRefused(Reason.TIMEOUT, "the fetch exceeded its total time limit", e);
                }
                throw e;
            }
            if (n <= 0) {
                return false;
            }
            position = 0;
            limit = n;
            return true;
        }
    }
}
