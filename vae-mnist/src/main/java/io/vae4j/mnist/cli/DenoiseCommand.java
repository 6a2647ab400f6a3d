package io.vae4j.mnist.cli;

import io.vae4j.core.config.Corruption;
import io.vae4j.core.model.Vae;
import io.vae4j.mnist.data.MnistSplit;
import io.vae4j.mnist.edit.Denoising;
import io.vae4j.mnist.run.MnistData;
import io.vae4j.mnist.run.RunFiles;
import io.vae4j.mnist.viz.ImageGrid;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Denoising measured in PSNR, against the corrupted input and a 3x3 median filter. */
@Command(name = "denoise",
        header = "Denoise corrupted test images and compare PSNR with a median filter.",
        footerHeading = "%nExamples:%n", footer = {"  ./vae denoise --model runs/denoise --noise gaussian:0.5"}, mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Corrupt the test images with a fixed seed, denoise them by decoding the posterior mean of "
            + "each corrupted image, and compare in PSNR (dB, against the clean image) with the corrupted image and "
            + "with a 3x3 median filter of it. Writes denoise.png (rows: clean, corrupted, denoised) and "
            + "denoise.json."})
final class DenoiseCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    DataOptions data;

    @Mixin
    ImageOptions image;

    @Option(names = "--noise", paramLabel = "KIND:LEVEL", converter = ModelOptions.CorruptionConverter.class,
            description = "The corruption: gaussian:SIGMA, saltpepper:P or mask:P. Default: the one the model was "
                    + "trained with (--corrupt), else gaussian:0.5.")
    Corruption noise;

    @Mixin
    TestImageOptions images;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the corruption. Default: the model's seed.")
    Long seed;

    @Override
    public Integer call() throws IOException {
        images.check(spec, 1);
        if (noise != null && !noise.active()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--noise none leaves nothing to denoise: "
                    + "give gaussian:SIGMA, saltpepper:P or mask:P");
        }
        try (Vae vae = Models.load(image.model)) {
            long seed = this.seed != null ? this.seed : vae.config().seed();
            Corruption used = noise != null ? noise
                    : vae.config().denoising() ? vae.config().corruption() : Corruption.parse("gaussian:0.5");
            MnistData mnist = images.load(vae, image.model, data);
            MnistSplit test = mnist.test();
            int[] all = java.util.stream.IntStream.range(0, test.count()).toArray();
            Denoising.Result r = Denoising.run(vae, test.features(all), test.labelsOf(all), test.rows(), test.cols(),
                    used, seed, images.perRow);
            Path png = image.output("denoise.png");
            int k = (int) r.clean().size(0);
            ImageGrid.writePng(ImageGrid.grid(Nd4j.vstack(r.clean(), r.corrupted(), r.denoised()), test.rows(),
                    test.cols(), k, 3), png);
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("noise", used.toString());
            json.put("model_corruption", vae.config().corruption().toString());
            json.put("images", r.images());
            json.put("seed", seed);
            json.put("psnr_corrupted", r.psnrCorrupted());
            json.put("psnr_denoised", r.psnrDenoised());
            json.put("psnr_median3", r.psnrMedian3());
            Path jsonFile = image.output("denoise.json");
            RunFiles.writeJson(jsonFile, json);
            spec.commandLine().getOut().printf(Locale.ROOT, "Denoising %s on %d test images (model trained with %s): "
                    + "PSNR corrupted %.2f dB, median 3x3 %.2f dB, denoised %.2f dB%nWrote %s and %s%n", used,
                    r.images(), vae.config().corruption(), r.psnrCorrupted(), r.psnrMedian3(), r.psnrDenoised(), png,
                    jsonFile);
        }
        return 0;
    }
}
