package io.snapfind.embedder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.zip.CRC32;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.snapfind.embedder.model.OnnxImageModel;
import io.snapfind.imaging.ImageDecoder;
import io.snapfind.imaging.ImageLimits;
import io.snapfind.imaging.ImageRejected;

/** The whole pipeline (decode, preprocess, micro-batch, infer) on the real model and real photos. */
class EmbedderTest {

    private static OnnxImageModel model;
    private static Embedder embedder;
    private static final List<Integer> BATCH_SIZES = Collections.synchronizedList(new ArrayList<>());

    @BeforeAll
    static void start() {
        model = OnnxImageModel.load(TestModels.mobilenet(), new OnnxImageModel.Options(1, "cpu"));
        embedder = new Embedder(model.spec(), new ImageDecoder(new ImageLimits(2 * 1024 * 1024, 40_000_000)),
                List.of(model.newSession(), model.newSession()),
                new Embedder.Settings(8, Duration.ofMillis(20), 2, 64),
                (size, nanos, failed) -> BATCH_SIZES.add(size), Embedder.Listener.NONE);
    }

    @AfterAll
    static void stop() {
        embedder.close();
        model.close();
    }

    @Test
    void photosOfOneIkeaCategoryAreCloserThanPhotosOfDifferentCategories() {
        List<String> categories = List.of("chair", "couch", "clock", "bed");
        List<List<float[]>> vectors = new ArrayList<>();
        for (String category : categories) {
            vectors.add(embed(EmbedderTestImages.ikea(category).subList(0, 4)));
        }
        for (int a = 0; a < categories.size(); a++) {
            double within = meanCosine(vectors.get(a), vectors.get(a));
            for (int b = 0; b < categories.size(); b++) {
                if (a != b) {
                    double across = meanCosine(vectors.get(a), vectors.get(b));
                    assertTrue(within > across, categories.get(a) + ": mean cosine within " + within
                            + " must exceed that to " + categories.get(b) + " " + across);
                }
            }
        }
    }

    @Test
    void aShopPhotoIsCloserToItsOwnCatalogueImageThanToOtherProducts() {
        float[] bananaIconic = embed(List.of(EmbedderTestImages.groceryIconic("Fruit/Banana/Banana_Iconic.jpg"))).get(0);
        float[] milkIconic = embed(List.of(EmbedderTestImages.groceryIconic("Packages/Milk/Arla-Standard-Milk/"
                + "Arla-Standard-Milk_Iconic.jpg"))).get(0);
        List<float[]> bananas = embed(EmbedderTestImages.grocery("Fruit/Banana").subList(0, 3));
        List<float[]> milks = embed(EmbedderTestImages.grocery("Packages/Milk/Arla-Standard-Milk").subList(0, 3));
        for (int i = 0; i < 3; i++) {
            assertTrue(Vectors.cosine(bananas.get(i), bananaIconic) > Vectors.cosine(bananas.get(i), milkIconic),
                    "banana photo " + i);
            assertTrue(Vectors.cosine(milks.get(i), milkIconic) > Vectors.cosine(milks.get(i), bananaIconic),
                    "milk photo " + i);
        }
    }

    @Test
    void aBatchGivesTheSameVectorsAsOneByOneAndTheSameCropTheSameVector() {
        List<byte[]> images = EmbedderTestImages.mixed(12);
        List<float[]> single = new ArrayList<>();
        for (byte[] image : images) {
            single.add(embedder.embed(image).join());
        }
        BATCH_SIZES.clear();
        List<ImageEmbedder.Attempt> together = embedder.embedEach(images).join();
        for (int i = 0; i < images.size(); i++) {
            assertTrue(together.get(i).succeeded(), "image " + i);
            assertEquals(1280, together.get(i).vector().length);
            assertEquals(1.0, Vectors.norm(together.get(i).vector()), 1e-5);
            assertArrayEquals(single.get(i), together.get(i).vector(), 1e-5f, "image " + i);
        }
        assertTrue(BATCH_SIZES.stream().anyMatch(size -> size > 1), "images were batched: " + BATCH_SIZES);
    }

    @Test
    void corruptBytesAreRefused() {
        byte[] jpeg = EmbedderTestImages.read(EmbedderTestImages.photo("dog.jpg"));
        byte[] corrupt = Arrays.copyOf(jpeg, 600);
        Arrays.fill(corrupt, 200, 600, (byte) 0x5A);
        assertRejected(corrupt, ImageRejected.Reason.CORRUPT);
    }

    @Test
    void aTextFileIsRefused() {
        assertRejected("name,price\nchair,49.99\n".getBytes(StandardCharsets.UTF_8), ImageRejected.Reason.NOT_AN_IMAGE);
    }

    @Test
    void aZeroByteImageIsRefused() {
        assertRejected(new byte[0], ImageRejected.Reason.EMPTY);
    }

    @Test
    void oversizedImagesAreRefusedBeforeDecoding() throws IOException {
        assertRejected(new byte[3 * 1024 * 1024], ImageRejected.Reason.TOO_LARGE);
        assertRejected(pngHeader(20_000, 20_000), ImageRejected.Reason.TOO_MANY_PIXELS);
    }

    @Test
    void goodImagesInTheSameCallStillEmbedNextToABadOne() {
        List<ImageEmbedder.Attempt> attempts = embedder.embedEach(List.of(
                EmbedderTestImages.read(EmbedderTestImages.photo("dog.jpg")), new byte[0],
                EmbedderTestImages.read(EmbedderTestImages.photo("cat.png")))).join();
        assertTrue(attempts.get(0).succeeded());
        assertInstanceOf(ImageRejected.class, attempts.get(1).failure());
        assertTrue(attempts.get(2).succeeded());
    }

    private static void assertRejected(byte[] image, ImageRejected.Reason reason) {
        CompletionException error = org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class,
                () -> embedder.embed(image).join());
        ImageRejected rejected = assertInstanceOf(ImageRejected.class, error.getCause());
        assertEquals(reason, rejected.reason(), rejected.getMessage());
        assertTrue(rejected.getMessage() != null && rejected.getMessage().length() > 10, "a clear message");
    }

    private static List<float[]> embed(List<Path> files) {
        return embedder.embedEach(files.stream().map(EmbedderTestImages::read).toList()).join().stream()
                .map(attempt -> {
                    assertTrue(attempt.succeeded(), () -> String.valueOf(attempt.failure()));
                    return attempt.vector();
                }).toList();
    }

    private static double meanCosine(List<float[]> a, List<float[]> b) {
        double sum = 0;
        int pairs = 0;
        for (int i = 0; i < a.size(); i++) {
            for (int j = 0; j < b.size(); j++) {
                if (a != b || i != j) {
                    sum += Vectors.cosine(a.get(i), b.get(j));
                    pairs++;
                }
            }
        }
        return sum / pairs;
    }

    /** A valid PNG signature and header chunk that claims {@code width × height} pixels, and nothing else. */
    private static byte[] pngHeader(int width, int height) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.write(new byte[] { (byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n' });
        ByteArrayOutputStream chunk = new ByteArrayOutputStream();
        DataOutputStream header = new DataOutputStream(chunk);
        header.writeBytes("IHDR");
        header.writeInt(width);
        header.writeInt(height);
        header.write(new byte[] { 8, 2, 0, 0, 0 });
        byte[] typeAndData = chunk.toByteArray();
        out.writeInt(typeAndData.length - 4);
        out.write(typeAndData);
        CRC32 crc = new CRC32();
        crc.update(typeAndData);
        out.writeInt((int) crc.getValue());
        return bytes.toByteArray();
    }
}
