package io.vae4j.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vae4j.core.backend.BackendInfo;
import io.vae4j.core.backend.NativeBuild;

/** Run in a JVM started with the backend environment variables: prints, as JSON, the backend ND4J loaded. */
public final class BackendProbe {
    private BackendProbe() {
    }

    public static void main(String[] args) throws Exception {
        BackendInfo info = BenchModels.checkBackend();
        com.fasterxml.jackson.databind.node.ObjectNode out = new ObjectMapper().valueToTree(info);
        out.put("native", info.gpu() ? "cuda" : NativeBuild.selected()
                + (NativeBuild.onednnLoaded() ? " (oneDNN)" : ""));
        System.out.println("PROBE " + out);
    }
}
