package io.vae4j.bench;

import io.vae4j.core.backend.BackendInfo;
import io.vae4j.core.backend.NativeBuild;
import io.vae4j.core.eval.ScoringProfiler;
import io.vae4j.core.model.Vae;
import java.util.Locale;
import java.util.Map;

/**
 * Where the time of one importance-sampling decoder call goes ({@link ScoringProfiler}) on the benchmark's MLP,
 * printed like {@link StepProfile}: microseconds per call, largest first. The evaluation's calls have about 4,000
 * rows.
 *
 * <pre>java -cp benchmarks.jar io.vae4j.bench.ScoreProfile [ROWS] [CALLS]</pre>
 */
public final class ScoreProfile {
    private ScoreProfile() {
    }

    public static void main(String[] args) {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 4000;
        int calls = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        BackendInfo info = BenchModels.checkBackend();
        try (Vae vae = Vae.create(BenchModels.config("mlp", 128))) {
            Map<String, Double> profile = ScoringProfiler.profile(vae.modelGraph(), BenchModels.images(100, 3), rows,
                    calls);
            StepProfile.print(String.format(Locale.ROOT, "importance-sampling decoder call of %d rows, %s, native "
                    + "build %s", rows, info.describe(), NativeBuild.selected()), "call", calls, profile);
        }
    }
}
