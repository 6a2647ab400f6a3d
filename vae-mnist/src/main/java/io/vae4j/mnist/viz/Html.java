package io.vae4j.mnist.viz;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import javax.imageio.ImageIO;

/** What the self-contained pages (run report, bench page, bench comparison) share: escaping and embedded figures. */
public final class Html {
    private Html() {
    }

    /** Text made safe for HTML content and attribute values. */
    public static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** An image as PNG bytes. */
    public static byte[] png(BufferedImage img) {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", png);
        } catch (IOException e) {
            throw new UncheckedIOException("could not encode a chart as PNG", e); // in memory: not expected
        }
        return png.toByteArray();
    }

    /** Appends a figure holding the PNG in the page itself, with the caption as its alt text and legend. */
    public static void figure(StringBuilder h, byte[] png, String caption) {
        h.append("<figure><img alt=\"").append(esc(caption)).append("\" src=\"data:image/png;base64,")
                .append(Base64.getEncoder().encodeToString(png)).append("\"><figcaption>").append(esc(caption))
                .append("</figcaption></figure>\n");
    }
}
