package io.vae4j.core.eval;

import io.vae4j.core.config.VaeConfig;
import io.vae4j.core.graph.Encoding;
import io.vae4j.core.graph.Inputs;
import io.vae4j.core.graph.LossTerms;
import io.vae4j.core.graph.ModelGraph;
import io.vae4j.core.graph.VaeNames;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A model's forward computations on checked inputs: encoding, decoding and the loss terms at given noise, run by
 * {@link Inference}. The evaluators and the model's own methods use it.
 */
public final class Forward implements AutoCloseable {
    private final ModelGraph model;
    private final VaeConfig config;
    private final Inference inference;

    public Forward(ModelGraph model) {
        this.model = model;
        this.config = model.config();
        this.inference = new Inference(model.sd());
    }

    /** The model whose computations these are. */
    public ModelGraph model() {
        return model;
    }

    /** The compiled functions, for callers that write inputs straight into their buffers. */
    Inference inference() {
        return inference;
    }

    /** Posterior means and log-variances (null for an autoencoder) of flat inputs [n, featureSize]. */
    public Encoding encode(INDArray xf) {
        if (!config.variational()) {
            return new Encoding(inference.single(Map.of(VaeNames.X, xf), VaeNames.MU), null);
        }
        Map<String, INDArray> out = inference.run(Map.of(VaeNames.X, xf), VaeNames.MU, VaeNames.LOGVAR);
        return new Encoding(out.get(VaeNames.MU), out.get(VaeNames.LOGVAR));
    }

    /** Pixel means of decoder inputs [n, decoderInputSize]. */
    public INDArray decode(INDArray z) {
        return inference.single(Map.of(VaeNames.Z_IN, Inputs.latent(z, config, model.dataType())), VaeNames.MEAN_Z);
    }

    /**
     * Reconstruction NLL and KL per example of flat inputs at noise eps ([n, latentSize]; null for an
     * autoencoder, whose KL is zero).
     */
    public LossTerms terms(INDArray x, INDArray eps) {
        if (!config.variational()) {
            INDArray recon = inference.single(Map.of(VaeNames.X, x), VaeNames.RECON_EPS);
            return new LossTerms(recon, Nd4j.zeros(recon.dataType(), recon.length()));
        }
        Map<String, INDArray> out = inference.run(Map.of(VaeNames.X, x, VaeNames.EPS, eps),
                VaeNames.RECON_EPS, VaeNames.KL);
        return new LossTerms(out.get(VaeNames.RECON_EPS), out.get(VaeNames.KL));
    }

    @Override
    public void close() {
        inference.close();
    }
}
