package io.snapfind.deploy.catalog;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import io.snapfind.contracts.DeadLetter;
import io.snapfind.deploy.catalog.CatalogFile.Entry;
import io.snapfind.deploy.catalog.CatalogFile.ImageRef;
import io.snapfind.deploy.catalog.CatalogFile.Row;

/**
 * Imports a catalog through the gateway's ingest API and follows every product until it is indexed or has failed:
 * rows are published at a bounded rate; the gateway's status API says when a product is searchable; the dead-letter
 * topics say why one failed. A product whose indexed version carries the same content digest
 * ({@value #DIGEST_KEY} in its metadata) is skipped, so an interrupted import is resumed by running it again.
 */
public final class CatalogImport {

    /** The metadata key holding the digest of what was imported: id, category, title, metadata and image bytes. */
    public static final String DIGEST_KEY = "importDigest";
    /** Larger images are refused here rather than by the gateway after the upload (its body limit is 30 MB). */
    static final long MAX_IMAGE_BYTES = 20L * 1024 * 1024;
    private static final int STATUS_CHECKS_PER_ROUND = 50;
    private static final int PUBLISH_ATTEMPTS = 5;

    /**
     * How fast to publish, how long to wait without any product finishing before giving up on the rest, and how
     * often to look at the status of the products in flight.
     */
    public record Settings(double productsPerSecond, Duration idleTimeout, Duration pollInterval) {
    }

    /** The gateway's ingest and status API. */
    public interface Gateway {
        /** Publishes one product; the answer is the accepted version or why it was refused. */
        Published publish(Upsert upsert) throws IOException, InterruptedException;

        /** What the index holds for the product, if anything. */
        Optional<Indexed> status(String productId) throws IOException, InterruptedException;
    }

    /** The body of {@code POST /v1/products}: each image an {@code url} or {@code bytes}. */
    public record Upsert(String productId, String category, String title, Map<String, String> metadata,
            List<Image> images) {
        public record Image(String imageId, String url, byte[] bytes) {
        }
    }

    /**
     * The gateway's answer to a publish: {@code occurredAt} when it accepted the event; otherwise the HTTP status
     * ({@code 0} when unreachable) and why, with {@code retry} when trying again later may succeed.
     */
    public record Published(Instant occurredAt, int status, String problem, boolean retry) {
        public static Published accepted(Instant occurredAt) {
            return new Published(occurredAt, 202, null, false);
        }

        public static Published refused(int status, String problem, boolean retry) {
            return new Published(null, status, problem, retry);
        }
    }

    /** The indexed version of a product: when it changed and its metadata. */
    public record Indexed(Instant occurredAt, Map<String, String> metadata) {
    }

    /** The dead letters published since the import started. */
    public interface DeadLetters extends AutoCloseable {
        List<DeadLetter> poll();

        @Override
        void close();
    }

    /** A row that did not make it, or an image of a product that did not. */
    public record Failure(String where, String productId, String reason) {
    }

    /** What the import did; {@code waiting} products were accepted but not yet seen indexed or failed. */
    public record Summary(int rows, int published, int skipped, int indexed, int waiting, List<Failure> failures) {
        public boolean ok() {
            return failures.isEmpty() && waiting == 0;
        }
    }

    /** Where an import is: what the progress line shows. */
    public record Counts(int rows, int published, int skipped, int indexed, int failed) {
    }

    /** A product accepted by the gateway, until it is indexed or has failed. */
    private static final class Tracked {
        final String where;
        final String productId;
        final long acceptedAtMillis;
        final Set<String> imageIds;
        final Map<String, String> failedImages = new LinkedHashMap<>();
        boolean indexed;
        String failedWhole;

        Tracked(String where, String productId, Instant acceptedAt, Set<String> imageIds) {
            this.where = where;
            this.productId = productId;
            this.acceptedAtMillis = acceptedAt.truncatedTo(ChronoUnit.MILLIS).toEpochMilli();
            this.imageIds = imageIds;
        }

        boolean done() {
            return indexed || failedWhole != null || failedImages.keySet().containsAll(imageIds);
        }
    }

    private final Gateway gateway;
    private final DeadLetters deadLetters;
    private final Settings settings;
    private final ProgressLine progress;

    private final List<Failure> failures = new ArrayList<>();
    private final Map<String, Tracked> tracked = new HashMap<>();
    private final Deque<Tracked> inFlight = new ArrayDeque<>();
    private int rows;
    private int published;
    private int skipped;
    private int indexed;
    private long lastFinishedAt;

    public CatalogImport(Gateway gateway, DeadLetters deadLetters, Settings settings, ProgressLine progress) {
        this.gateway = gateway;
        this.deadLetters = deadLetters;
        this.settings = settings;
        this.progress = progress;
    }

    public Summary run(List<Entry> entries) throws InterruptedException {
        rows = entries.size();
        Map<String, String> firstSeen = new HashMap<>();
        long slotNanos = (long) (1e9 / settings.productsPerSecond());
        long nextSlot = System.nanoTime();
        for (Entry entry : entries) {
            if (entry.problem() != null) {
                failures.add(new Failure(entry.where(), null, entry.problem()));
                continue;
            }
            Row row = entry.row();
            String first = firstSeen.putIfAbsent(row.productId(), entry.where());
            if (first != null) {
                failures.add(new Failure(entry.where(), row.productId(), "duplicate productId, first on " + first
                        + " (that one is imported)"));
                continue;
            }
            Upsert upsert;
            try {
                upsert = upsert(row);
            } catch (IOException e) {
                failures.add(new Failure(entry.where(), row.productId(), e.getMessage()));
                continue;
            }
            if (alreadyIndexed(upsert)) {
                skipped++;
                continue;
            }
            while (System.nanoTime() < nextSlot) {
                track(nextSlot);
                long wait = nextSlot - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
            }
            nextSlot = Math.max(nextSlot + slotNanos, System.nanoTime());
            publish(entry.where(), upsert);
            progress.show(counts(), false);
        }
        lastFinishedAt = System.nanoTime();
        while (!inFlight.isEmpty() && System.nanoTime() - lastFinishedAt < settings.idleTimeout().toNanos()) {
            track(System.nanoTime() + settings.pollInterval().toNanos());
            Thread.sleep(settings.pollInterval().toMillis());
        }
        // Late letters of products already indexed (a second image failing after the first was indexed).
        readDeadLetters();
        progress.show(counts(), true);
        int waiting = inFlight.size();
        for (Tracked product : inFlight) {
            failures.add(new Failure(product.where, product.productId, "accepted, but neither indexed nor failed after "
                    + settings.idleTimeout().toSeconds() + " s without progress: still in the pipeline (nothing is "
                    + "lost; run the import again later to see it skipped)"));
        }
        for (Tracked product : tracked.values()) {
            product.failedImages.forEach((imageId, reason) -> failures.add(new Failure(product.where,
                    product.productId, (product.indexed ? "indexed without image " : "image ") + imageId + ": "
                            + reason)));
            if (product.failedWhole != null) {
                failures.add(new Failure(product.where, product.productId, product.failedWhole));
            }
        }
        failures.sort((a, b) -> order(a.where()) - order(b.where()));
        return new Summary(rows, published, skipped, indexed, waiting, List.copyOf(failures));
    }

    private static int order(String where) {
        return where.startsWith("line ") ? Integer.parseInt(where.substring(5)) : 0;
    }

    private Counts counts() {
        int failed = (int) failures.stream().map(Failure::where).distinct().count()
                + (int) tracked.values().stream().filter(t -> t.done() && (!t.indexed || !t.failedImages.isEmpty()))
                        .count();
        return new Counts(rows, published, skipped, indexed, failed);
    }

    private boolean alreadyIndexed(Upsert upsert) throws InterruptedException {
        try {
            return gateway.status(upsert.productId()).filter(indexedVersion -> upsert.metadata().get(DIGEST_KEY)
                    .equals(indexedVersion.metadata().get(DIGEST_KEY))).isPresent();
        } catch (IOException e) {
            return false; // the publish will meet the same problem and report it
        }
    }

    private void publish(String where, Upsert upsert) throws InterruptedException {
        Published answer = null;
        for (int attempt = 1; attempt <= PUBLISH_ATTEMPTS; attempt++) {
            try {
                answer = gateway.publish(upsert);
            } catch (IOException e) {
                answer = Published.refused(0, "gateway unreachable: " + e.getMessage(), true);
            }
            if (!answer.retry() || attempt == PUBLISH_ATTEMPTS) {
                break;
            }
            long backoff = 1000L << (attempt - 1);
            track(System.nanoTime() + backoff * 1_000_000);
            Thread.sleep(backoff);
        }
        if (answer.occurredAt() == null) {
            failures.add(new Failure(where, upsert.productId(), "refused by the gateway ("
                    + (answer.status() == 0 ? "no answer" : "HTTP " + answer.status()) + "): " + answer.problem()));
            return;
        }
        published++;
        Set<String> imageIds = new LinkedHashSet<>();
        upsert.images().forEach(image -> imageIds.add(image.imageId()));
        Tracked product = new Tracked(where, upsert.productId(), answer.occurredAt(), imageIds);
        tracked.put(upsert.productId(), product);
        inFlight.addLast(product);
    }

    /** Reads dead letters and checks products in flight, oldest first, until {@code untilNanos} at most. */
    private void track(long untilNanos) throws InterruptedException {
        readDeadLetters();
        for (int checked = 0; checked < STATUS_CHECKS_PER_ROUND && !inFlight.isEmpty()
                && System.nanoTime() < untilNanos; checked++) {
            Tracked product = inFlight.pollFirst();
            if (!product.done()) {
                try {
                    gateway.status(product.productId).filter(v -> v.occurredAt().toEpochMilli()
                            >= product.acceptedAtMillis).ifPresent(v -> product.indexed = true);
                } catch (IOException e) {
                    // the gateway may be restarting: look again next round
                }
            }
            if (product.done()) {
                finished(product);
            } else {
                inFlight.addLast(product);
                if (inFlight.size() == 1) {
                    break;
                }
            }
        }
        progress.show(counts(), false);
    }

    private void finished(Tracked product) {
        if (product.indexed) {
            indexed++;
        }
        lastFinishedAt = System.nanoTime();
    }

    private void readDeadLetters() {
        if (deadLetters == null) {
            return;
        }
        for (DeadLetter letter : deadLetters.poll()) {
            Tracked product = letter.productId() == null ? null : tracked.get(letter.productId());
            if (product == null || letter.failedAt().toEpochMilli() < product.acceptedAtMillis) {
                continue; // another product's, or this product's from before this import
            }
            boolean wasDone = product.done();
            String reason = letter.reason() + " at " + letter.stage() + ": " + detail(letter);
            if (letter.imageId() == null) {
                product.failedWhole = reason;
            } else {
                product.failedImages.putIfAbsent(letter.imageId(), reason);
            }
            if (!wasDone && product.done()) {
                inFlight.remove(product);
                finished(product);
            }
        }
    }

    /** The letter's detail without the image id the detector puts in front of it. */
    private static String detail(DeadLetter letter) {
        String detail = letter.detail();
        return letter.imageId() != null && detail.startsWith(letter.imageId() + ": ")
                ? detail.substring(letter.imageId().length() + 2) : detail;
    }

    /** The upsert of a row: files read, sizes checked, the content digest added to the metadata. */
    static Upsert upsert(Row row) throws IOException {
        MessageDigest digest = sha256();
        for (String part : List.of(row.productId(), row.category(), String.valueOf(row.title()))) {
            update(digest, part);
        }
        Map<String, String> metadata = new TreeMap<>(row.metadata());
        metadata.remove(DIGEST_KEY);
        metadata.forEach((key, value) -> {
            update(digest, key);
            update(digest, value);
        });
        List<Upsert.Image> images = new ArrayList<>();
        for (ImageRef image : row.images()) {
            update(digest, image.imageId());
            if (image.url() != null) {
                update(digest, image.url());
                images.add(new Upsert.Image(image.imageId(), image.url(), null));
                continue;
            }
            byte[] bytes;
            try {
                long size = Files.size(image.file());
                if (size > MAX_IMAGE_BYTES) {
                    throw new IOException("image file " + image.file() + " has " + size / (1024 * 1024)
                            + " MB, more than the " + MAX_IMAGE_BYTES / (1024 * 1024) + " MB an image may have");
                }
                bytes = Files.readAllBytes(image.file());
            } catch (NoSuchFileException e) {
                throw new IOException("image file not found: " + image.file());
            }
            if (bytes.length == 0) {
                throw new IOException("image file is empty: " + image.file());
            }
            digest.update(sha256().digest(bytes));
            images.add(new Upsert.Image(image.imageId(), null, bytes));
        }
        Map<String, String> withDigest = new LinkedHashMap<>(row.metadata());
        withDigest.put(DIGEST_KEY, HexFormat.of().formatHex(digest.digest(), 0, 16));
        return new Upsert(row.productId(), row.category(), row.title(), withDigest, images);
    }

    private static void update(MessageDigest digest, String part) {
        digest.update(part.getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM ships SHA-256", e);
        }
    }
}
