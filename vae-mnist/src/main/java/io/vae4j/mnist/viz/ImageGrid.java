package io.vae4j.mnist.viz;

import io.vae4j.core.io.AtomicFiles;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Grey-scale image grids as PNG, written with javax.imageio.
 *
 * <p>Grids are RGB images with equal red, green and blue: a pixel value v is stored as round(255 v) exactly. (A
 * {@code TYPE_BYTE_GRAY} image is not: Java treats its bytes as linear grey, so {@code setRGB} and drawing it onto
 * an RGB page convert them, and 0.5 became 55 instead of 128.)
 */
public final class ImageGrid {
    private static final int GAP = 2;
    /** Grey level of the gaps between cells. */
    static final int GAP_GREY = 96;

    private ImageGrid() {
    }

    /**
     * A grid of images: row i of {@code images} ([n, height*width], values in [0, 1], white digits on black) is
     * drawn at cell (i / cols, i % cols), each pixel as a scale x scale block, with thin grey gaps.
     */
    public static BufferedImage grid(INDArray images, int height, int width, int cols, int scale) {
        float[][] px = images.castTo(DataType.FLOAT).reshape(images.size(0), (long) height * width).toFloatMatrix();
        int n = px.length;
        int rows = (n + cols - 1) / cols;
        int cw = width * scale;
        int ch = height * scale;
        BufferedImage img = new BufferedImage(cols * cw + (cols + 1) * GAP, rows * ch + (rows + 1) * GAP,
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(new Color(GAP_GREY, GAP_GREY, GAP_GREY));
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.dispose();
        for (int i = 0; i < n; i++) {
            int x0 = GAP + (i % cols) * (cw + GAP);
            int y0 = GAP + (i / cols) * (ch + GAP);
            for (int r = 0; r < height; r++) {
                for (int c = 0; c < width; c++) {
                    float v = px[i][r * width + c];
                    int grey = Math.round(Math.max(0f, Math.min(1f, Float.isNaN(v) ? 0f : v)) * 255f);
                    int rgb = (grey << 16) | (grey << 8) | grey;
                    for (int dy = 0; dy < scale; dy++) {
                        for (int dx = 0; dx < scale; dx++) {
                            img.setRGB(x0 + c * scale + dx, y0 + r * scale + dy, rgb);
                        }
                    }
                }
            }
        }
        return img;
    }

    /** Images stacked top to bottom on a white page, each under its caption. */
    public static BufferedImage captioned(List<String> captions, List<BufferedImage> images) {
        int lineHeight = 22;
        int width = 0;
        int height = 0;
        for (BufferedImage im : images) {
            width = Math.max(width, im.getWidth());
            height += im.getHeight() + lineHeight + 8;
        }
        BufferedImage page = new BufferedImage(width + 16, height + 8, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = page.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, page.getWidth(), page.getHeight());
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        int y = 8;
        for (int i = 0; i < images.size(); i++) {
            g.setColor(Color.DARK_GRAY);
            g.drawString(captions.get(i), 8, y + 15);
            y += lineHeight;
            g.drawImage(images.get(i), 8, y, null);
            y += images.get(i).getHeight() + 8;
        }
        g.dispose();
        return page;
    }

    /** Images side by side, top-aligned, with a gap. */
    public static BufferedImage sideBySide(List<BufferedImage> images) {
        int width = 0;
        int height = 0;
        for (BufferedImage im : images) {
            width += im.getWidth() + 16;
            height = Math.max(height, im.getHeight());
        }
        BufferedImage page = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = page.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        int x = 0;
        for (BufferedImage im : images) {
            g.drawImage(im, x, 0, null);
            x += im.getWidth() + 16;
        }
        g.dispose();
        return page;
    }

    /** Writes a PNG atomically (temporary file, then rename). */
    public static void writePng(BufferedImage image, Path file) throws IOException {
        AtomicFiles.write(file, out -> {
            if (!ImageIO.write(image, "png", out)) {
                throw new IOException("no PNG writer in this JVM");
            }
        });
    }
}
