package io.snapfind.quality;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import javax.imageio.ImageIO;

/**
 * The embeddings in the TensorBoard Embedding Projector's format: {@code vectors.tsv} (a row of tab-separated
 * numbers per image), {@code metadata.tsv} (a header row, then one row per image: its labels, gallery or query, its
 * file), {@code sprite.png} (the thumbnails in a square grid, row-major, in the same order) and
 * {@code projector_config.pbtxt} tying them together. Open with {@code tensorboard --logdir <dir>} or load the two
 * TSV files at projector.tensorflow.org.
 */
final class ProjectorExport {

    static final int SPRITE_THUMB = 48;

    private ProjectorExport() {
    }

    static void write(EvalSet set, String tensorName, List<float[]> vectors, Path dir) throws IOException {
        Files.createDirectories(dir);
        List<EvalSet.Item> items = new java.util.ArrayList<>(set.gallery());
        items.addAll(set.queries());
        if (items.size() != vectors.size()) {
            throw new IllegalArgumentException(items.size() + " images but " + vectors.size() + " vectors");
        }
        try (BufferedWriter out = Files.newBufferedWriter(dir.resolve("vectors.tsv"))) {
            for (float[] vector : vectors) {
                StringBuilder row = new StringBuilder(vector.length * 10);
                for (int i = 0; i < vector.length; i++) {
                    if (i > 0) {
                        row.append('\t');
                    }
                    row.append(String.format(Locale.ROOT, "%.6g", vector[i]));
                }
                out.write(row.append('\n').toString());
            }
        }
        try (BufferedWriter out = Files.newBufferedWriter(dir.resolve("metadata.tsv"))) {
            out.write(String.join("\t", set.levels()) + "\tset\tfile\n");
            for (int i = 0; i < items.size(); i++) {
                EvalSet.Item item = items.get(i);
                out.write(String.join("\t", item.labels().stream().map(ProjectorExport::clean).toList()) + "\t"
                        + (i < set.gallery().size() ? "gallery" : "query") + "\t"
                        + clean(item.path().getFileName().toString()) + "\n");
            }
        }
        int perRow = (int) Math.ceil(Math.sqrt(items.size()));
        BufferedImage sprite = new BufferedImage(perRow * SPRITE_THUMB, perRow * SPRITE_THUMB,
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = sprite.createGraphics();
        ExampleGrid thumbs = new ExampleGrid();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, sprite.getWidth(), sprite.getHeight());
            for (int i = 0; i < items.size(); i++) {
                BufferedImage thumb = thumbs.thumbnail(items.get(i).path(), SPRITE_THUMB);
                int x = (i % perRow) * SPRITE_THUMB + (SPRITE_THUMB - thumb.getWidth()) / 2;
                int y = (i / perRow) * SPRITE_THUMB + (SPRITE_THUMB - thumb.getHeight()) / 2;
                g.drawImage(thumb, x, y, null);
            }
        } finally {
            g.dispose();
        }
        ImageIO.write(sprite, "png", dir.resolve("sprite.png").toFile());
        Files.writeString(dir.resolve("projector_config.pbtxt"), """
                embeddings {
                  tensor_name: "%s"
                  tensor_path: "vectors.tsv"
                  metadata_path: "metadata.tsv"
                  sprite {
                    image_path: "sprite.png"
                    single_image_dim: %d
                    single_image_dim: %d
                  }
                }
                """.formatted(tensorName.replace("\"", "'"), SPRITE_THUMB, SPRITE_THUMB));
    }

    private static String clean(String value) {
        return value.replace('\t', ' ').replace('\n', ' ');
    }
}
