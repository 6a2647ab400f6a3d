package io.vae4j.mnist.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.factory.Nd4j;

/** What a written PNG holds is the model's output: every grey level exactly, read back from the file. */
class ImageGridTest {
    @TempDir
    Path tmp;

    @Test
    void writtenPngHoldsEveryPixelValueExactly() throws Exception {
        int h = 4;
        int w = 4;
        int scale = 2;
        float[][] images = new float[3][h * w];
        for (int i = 0; i < images.length; i++) {
            for (int j = 0; j < h * w; j++) {
                images[i][j] = ((i * 16 + j) * 5 % 256) / 255f; // 48 distinct levels, 0.5 among the neighbours
            }
        }
        images[1][0] = 0.5f;
        Path file = tmp.resolve("grid.png");
        ImageGrid.writePng(ImageGrid.grid(Nd4j.createFromArray(images), h, w, 2, scale), file);
        // and drawn onto a page, as the compare pictures are
        Path page = tmp.resolve("page.png");
        ImageGrid.writePng(ImageGrid.sideBySide(List.of(ImageGrid.grid(Nd4j.createFromArray(images), h, w, 2,
                scale))), page);
        for (Path p : List.of(file, page)) {
            BufferedImage read = ImageIO.read(p.toFile());
            for (int i = 0; i < images.length; i++) {
                int x0 = 2 + (i % 2) * (w * scale + 2);
                int y0 = 2 + (i / 2) * (h * scale + 2);
                for (int y = 0; y < h * scale; y++) {
                    for (int x = 0; x < w * scale; x++) {
                        int want = Math.round(images[i][(y / scale) * w + x / scale] * 255);
                        assertEquals(grey(want), read.getRGB(x0 + x, y0 + y) & 0xffffff,
                                p.getFileName() + ": image " + i + " pixel (" + x + ", " + y + ")");
                    }
                }
            }
            assertEquals(grey(ImageGrid.GAP_GREY), read.getRGB(0, 0) & 0xffffff, p.getFileName() + ": gap");
        }
        assertEquals(grey(128), ImageIO.read(file.toFile()).getRGB(2 + w * scale + 2, 2) & 0xffffff,
                "0.5 is stored as 128");
    }

    private static int grey(int v) {
        return (v << 16) | (v << 8) | v;
    }
}
