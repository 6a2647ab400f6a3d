package io.vae4j.bench;

import io.vae4j.core.backend.BackendInfo;
import io.vae4j.core.backend.NativeBuild;
import io.vae4j.core.model.Vae;
import io.vae4j.core.train.StepProfiler;
import io.vae4j.core.train.Trainer;
import java.util.Locale;
import java.util.Map;

/**
 * Where the time of one training step goes: {@link Trainer#profile} on the benchmark's model and batch, printed
 * as a table of microseconds per step, largest first, with what ran.
 *
 * <pre>java -cp benchmarks.jar io.vae4j.bench.StepProfile [mlp|conv] [BATCH] [STEPS]</pre>
 *
 * Pin it like the other measurements, e.g. {@code taskset -c 0 env OMP_NUM_THREADS=1 java ...} for one core.
 */
public final class StepProfile {
    private StepProfile() {
    }

    public static void main(String[] args) {
        String model = args.length > 0 ? args[0] : "mlp";
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 128;
        int steps = args.length > 2 ? Integer.parseInt(args[2]) : 300;
        BackendInfo info = BenchModels.checkBackend();
        try (Vae vae = Vae.create(BenchModels.config(model, batch));
                Trainer trainer = new Trainer(vae)) {
            Map<String, Double> profile = StepProfiler.profile(trainer, BenchModels.images(batch, 3), steps);
            print(String.format(Locale.ROOT, "%s, batch %d, %s, native build %s", model, batch, info.describe(),
                    NativeBuild.selected()), "step", steps, profile);
        }
    }

    /** A profile as a Markdown table of microseconds per {@code unit}, with its total in the heading line. */
    static void print(String what, String unit, int runs, Map<String, Double> profile) {
        double total = profile.values().stream().mapToDouble(Double::doubleValue).sum();
        System.out.printf(Locale.ROOT, "%s: %.2f ms per %s (mean of %d after %d untimed)%n", what, total / 1000, unit,
                runs, runs);
        System.out.println("| op (graph name) | us per " + unit + " | share |");
        System.out.println("|---|---|---|");
        profile.forEach((op, us) -> System.out.printf(Locale.ROOT, "| %s | %.0f | %.1f%% |%n", op, us,
                100 * us / total));
    }
}
