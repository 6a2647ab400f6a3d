package io.vae4j.mnist.viz;

import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.MatrixUtils;

/** Projection of points onto their first principal components, computed in double. */
public final class Pca {
    private Pca() {
    }

    /**
     * The points (rows) centred and projected onto the top {@code k} eigenvectors of their covariance; the result
     * has k columns. Points with at most k dimensions are returned unchanged (not centred).
     */
    public static double[][] project(double[][] points, int k) {
        int d = points[0].length;
        if (d <= k) {
            return points;
        }
        int n = points.length;
        double[] mean = new double[d];
        for (double[] p : points) {
            for (int j = 0; j < d; j++) {
                mean[j] += p[j] / n;
            }
        }
        double[][] cov = new double[d][d];
        for (double[] p : points) {
            for (int a = 0; a < d; a++) {
                for (int b = a; b < d; b++) {
                    cov[a][b] += (p[a] - mean[a]) * (p[b] - mean[b]) / Math.max(1, n - 1);
                }
            }
        }
        for (int a = 0; a < d; a++) {
            for (int b = 0; b < a; b++) {
                cov[a][b] = cov[b][a];
            }
        }
        EigenDecomposition eig = new EigenDecomposition(MatrixUtils.createRealMatrix(cov));
        double[] values = eig.getRealEigenvalues();
        Integer[] idx = new Integer[d];
        for (int i = 0; i < d; i++) {
            idx[i] = i;
        }
        java.util.Arrays.sort(idx, (x, y) -> Double.compare(values[y], values[x]));
        RealMatrix vectors = eig.getV();
        double[][] out = new double[n][k];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < k; c++) {
                double s = 0;
                for (int j = 0; j < d; j++) {
                    s += (points[i][j] - mean[j]) * vectors.getEntry(j, idx[c]);
                }
                out[i][c] = s;
            }
        }
        return out;
    }
}
