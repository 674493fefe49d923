package io.snapfind.deploy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The demo's catalog when there is no assets directory: the 458 product photos of IvonaTau/ikea's six category
 * folders and its 11 room photos, fetched by their pinned raw URLs and checked against the sha256 of the assets'
 * copies ({@code demo-images.sha256}). Only these: the shop-the-look catalog's other products are renamed in the
 * assets from the source's {@code images/objects/}, so their source paths are not known here.
 */
public final class DemoImages {

    static final String COMMIT = "6f316e3fecf8ce95069eaef5f2021405c536168a";
    static final String ROOMS = "room_scenes";

    private DemoImages() {
    }

    /** Every image, by its path under the source's {@code images/} (category or room_scenes folder, file name). */
    static List<PinnedFiles.Source> sources() throws IOException {
        List<PinnedFiles.Source> sources = new ArrayList<>();
        try (InputStream in = DemoImages.class.getResourceAsStream("demo-images.sha256");
                BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String sha256 = line.substring(0, 64);
                String path = line.substring(66);
                String url = PinnedFiles.RAW + "IvonaTau/ikea/" + COMMIT + "/images/"
                        + URLEncoder.encode(path, StandardCharsets.UTF_8).replace("+", "%20").replace("%2F", "/");
                sources.add(new PinnedFiles.Source(path, url, sha256));
            }
        }
        return sources;
    }

    /**
     * Fetches the images into {@code dir} (from {@code offline}, the assets' {@code datasets/ikea-interior/images},
     * when given), printing a line every 50 files; returns {@code dir}: a folder per category plus room_scenes.
     */
    static Path fetch(Path dir, Optional<Path> offline, String rawBase, Consumer<String> progress)
            throws IOException, InterruptedException {
        List<PinnedFiles.Source> sources = sources();
        PinnedFiles files = new PinnedFiles(dir, offline, rawBase, line -> { });
        for (int i = 0; i < sources.size(); i++) {
            files.fetch(sources.get(i));
            if ((i + 1) % 50 == 0 || i + 1 == sources.size()) {
                progress.accept("demo images " + (i + 1) + "/" + sources.size() + " in " + dir + ", sha256 verified");
            }
        }
        return dir;
    }
}
