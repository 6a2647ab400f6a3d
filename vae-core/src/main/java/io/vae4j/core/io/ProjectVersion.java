package io.vae4j.core.io;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The version of this project, as built by Maven. */
public final class ProjectVersion {
    private static final String VERSION = read();

    private ProjectVersion() {
    }

    public static String get() {
        return VERSION;
    }

    private static String read() {
        try (InputStream in = ProjectVersion.class.getResourceAsStream("/io/vae4j/core/version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
