package io.vae4j.mnist.edit;

/**
 * A property of a digit image measured from its pixels alone (MNIST has no attribute labels). Images are rows of
 * {@code rows * cols} intensities in [0, 1].
 */
public enum Attribute {
    /** Ink: the mean pixel intensity. */
    THICKNESS {
        @Override
        public double measure(float[] img, int offset, int rows, int cols) {
            double s = 0;
            for (int j = 0; j < rows * cols; j++) {
                s += img[offset + j];
            }
            return s / (rows * cols);
        }
    },
    /**
     * Slant: the shear of the image's second moments, -mu11 / mu02 with x the column and y the row (the factor
     * deskewing removes). Positive for a digit leaning right (its top to the right of its bottom); 0 for an empty
     * image.
     */
    SLANT {
        @Override
        public double measure(float[] img, int offset, int rows, int cols) {
            double m = 0;
            double sx = 0;
            double sy = 0;
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    double p = img[offset + r * cols + c];
                    m += p;
                    sx += p * c;
                    sy += p * r;
                }
            }
            if (m <= 0) {
                return 0;
            }
            double cx = sx / m;
            double cy = sy / m;
            double mu11 = 0;
            double mu02 = 0;
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    double p = img[offset + r * cols + c];
                    mu11 += p * (c - cx) * (r - cy);
                    mu02 += p * (r - cy) * (r - cy);
                }
            }
            return mu02 <= 0 ? 0 : -mu11 / mu02;
        }
    };

    /** The attribute of the image stored at {@code img[offset .. offset + rows*cols)}. */
    public abstract double measure(float[] img, int offset, int rows, int cols);

    /** The attribute of each of n images stored one after another. */
    public double[] measureAll(float[] images, int n, int rows, int cols) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = measure(images, i * rows * cols, rows, cols);
        }
        return out;
    }

    /** The lower-case name used in files and flags. */
    public String key() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
