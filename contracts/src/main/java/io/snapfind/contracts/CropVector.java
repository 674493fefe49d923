package io.snapfind.contracts;

import static io.snapfind.contracts.ContractViolation.invalid;

/** The embedding of one crop. The vector is L2-normalised so the index can rank by inner product. */
public record CropVector(String cropId, Box box, String label, float score, float[] vector) {

    static final double NORM_TOLERANCE = 1e-3;

    public CropVector {
        Check.nonBlank(cropId, "cropId");
        Check.present(box, "box");
        Check.nonBlank(label, "label");
        Check.score(score, "score");
        vector = Check.present(vector, "vector").clone();
        double norm = l2Norm(vector);
        if (!(Math.abs(norm - 1) <= NORM_TOLERANCE)) {
            throw invalid("vector", "must be L2-normalised, norm is " + norm);
        }
    }

    @Override
    public float[] vector() {
        return vector.clone();
    }

    private static double l2Norm(float[] vector) {
        double sum = 0;
        for (float v : vector) {
            sum += (double) v * v;
        }
        return Math.sqrt(sum);
    }
}
