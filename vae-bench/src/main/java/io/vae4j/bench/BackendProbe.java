package io.vae4j.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vae4j.core.backend.BackendInfo;

/** Run in a JVM started with the backend environment variables: prints, as JSON, the backend ND4J loaded. */
public final class BackendProbe {
    private BackendProbe() {
    }

    public static void main(String[] args) throws Exception {
        BackendInfo info = BackendInfo.current();
        System.out.println("PROBE " + new ObjectMapper().writeValueAsString(info));
    }
}
