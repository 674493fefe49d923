package io.snapfind.detector.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import io.snapfind.detector.Detection;

/** The two output layouts on hand-made tensors, where the right answer is known exactly. */
class YoloDecodingTest {

    private static final List<String> LABELS = IntStream.range(0, 80).mapToObj(i -> "c" + i).toList();
    private static final YoloDecoding.Thresholds THRESHOLDS = new YoloDecoding.Thresholds(0.25f, 0.45f, 100);
    private static final float EPS = 1e-3f;

    @Test
    void ultralyticsLayoutWithClassWiseNmsAndLetterboxUndone() {
        int anchors = 4;
        float[] out = new float[84 * anchors];
        anchor(out, anchors, 0, 100, 100, 50, 50, 16, 0.9f);
        anchor(out, anchors, 1, 102, 100, 50, 50, 16, 0.8f); // same class, IoU ≈ 0.92: suppressed
        anchor(out, anchors, 2, 100, 100, 50, 50, 2, 0.7f);  // other class, same box: kept
        anchor(out, anchors, 3, 300, 300, 20, 20, 0, 0.2f);  // below the threshold
        // Image scaled by 0.5 and centred 10 px right, 20 px down.
        Letterbox.Geometry geometry = new Letterbox.Geometry(0.5f, 10, 20, 1000, 1000);

        List<Detection> found = YoloDecoding.ultralytics(out, 80, LABELS, geometry, THRESHOLDS);

        assertEquals(List.of("c16", "c2"), found.stream().map(Detection::label).toList());
        Detection best = found.get(0);
        assertEquals(0.9f, best.score(), EPS);
        assertEquals((75 - 10) / 0.5f, best.x1(), EPS);
        assertEquals((75 - 20) / 0.5f, best.y1(), EPS);
        assertEquals((125 - 10) / 0.5f, best.x2(), EPS);
        assertEquals((125 - 20) / 0.5f, best.y2(), EPS);
    }

    @Test
    void boxesAreClippedToTheOriginalImage() {
        float[] out = new float[84];
        anchor(out, 1, 0, 5, 5, 40, 40, 1, 0.9f);
        Detection clipped = YoloDecoding.ultralytics(out, 80, LABELS, new Letterbox.Geometry(1f, 0, 0, 20, 20),
                THRESHOLDS).get(0);
        assertEquals(0f, clipped.x1(), EPS);
        assertEquals(0f, clipped.y1(), EPS);
        assertEquals(20f, clipped.x2(), EPS);
        assertEquals(20f, clipped.y2(), EPS);
    }

    @Test
    void yoloxGridsAreWalkedStride8Then16Then32AndScoresAreObjectnessTimesClass() {
        float[] out = new float[3549 * 85];
        // Stride 8, cell (gx 2, gy 3): row 3·52 + 2.
        row(out, 3 * 52 + 2, 0.5f, 0.5f, (float) Math.log(4), (float) Math.log(2), 0.9f, 0, 0.8f);
        // Stride 32, cell (0, 0): after 52² + 26² rows.
        row(out, 52 * 52 + 26 * 26, 0.5f, 0.5f, 0f, 0f, 0.95f, 5, 0.9f);
        // High class score but low objectness: dropped.
        row(out, 10, 0.5f, 0.5f, 0f, 0f, 0.2f, 7, 0.99f);

        List<Detection> found = YoloDecoding.yolox(out, 416, 80, LABELS, new Letterbox.Geometry(1f, 0, 0, 416, 416),
                THRESHOLDS);

        assertEquals(2, found.size());
        Detection bus = found.get(0);
        assertEquals("c5", bus.label());
        assertEquals(0.95f * 0.9f, bus.score(), EPS);
        assertEquals(0f, bus.x1(), EPS);
        assertEquals(32f, bus.x2(), EPS);
        Detection small = found.get(1);
        assertEquals(0.72f, small.score(), EPS);
        assertEquals(20f - 16f, small.x1(), EPS); // cx (0.5+2)·8 = 20, w 4·8 = 32
        assertEquals(28f - 8f, small.y1(), EPS);  // cy (0.5+3)·8 = 28, h 2·8 = 16
        assertEquals(20f + 16f, small.x2(), EPS);
        assertEquals(28f + 8f, small.y2(), EPS);
    }

    private static void anchor(float[] out, int anchors, int a, float cx, float cy, float w, float h, int cls,
            float score) {
        out[a] = cx;
        out[anchors + a] = cy;
        out[2 * anchors + a] = w;
        out[3 * anchors + a] = h;
        out[(4 + cls) * anchors + a] = score;
    }

    private static void row(float[] out, int row, float x, float y, float w, float h, float obj, int cls, float score) {
        int at = row * 85;
        out[at] = x;
        out[at + 1] = y;
        out[at + 2] = w;
        out[at + 3] = h;
        out[at + 4] = obj;
        out[at + 5 + cls] = score;
    }
}
