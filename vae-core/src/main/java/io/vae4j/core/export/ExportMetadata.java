package io.vae4j.core.export;

import java.util.List;

/**
 * What an exported network is, stored as the JSON entry {@value Dl4jExport#METADATA_ENTRY} inside each zip that
 * {@link Dl4jExport} writes, next to ModelSerializer's own entries (which ignore it).
 *
 * @param role           "encoder" (image to mu and log sigma^2), "decoder" (z to pixel means) or
 *                       "dl4j-vae" (DL4J's own VariationalAutoencoder layer)
 * @param latentSize     dimension of z
 * @param likelihood     BERNOULLI (decoder outputs probabilities) or GAUSSIAN (decoder outputs means)
 * @param inputShape     channels, height, width of one input; inputs are flattened to their product
 * @param kind           VAE, CVAE, or AE (the encoder then has only the mu output)
 * @param architecture   MLP or CONV
 * @param epochs         epochs the model was trained
 * @param testNegElbo    test -ELBO in nats per image when the model was exported, or NaN if unknown
 * @param projectVersion the version of this project that wrote the file
 * @param classes        CVAE: the number of labels; 0 for the other kinds
 * @param extraInput     CVAE: what the extra input is and where it goes; null for the other kinds
 */
public record ExportMetadata(String role, int latentSize, String likelihood, List<Integer> inputShape, String kind,
                             String architecture, int epochs, double testNegElbo, String projectVersion, int classes,
                             String extraInput) {
    public static final String ENCODER = "encoder";
    public static final String DECODER = "decoder";
    public static final String DL4J_VAE = "dl4j-vae";
}
