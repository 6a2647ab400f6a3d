package io.vae4j.mnist.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vae4j.core.config.Activation;
import io.vae4j.core.config.Architecture;
import io.vae4j.core.config.Corruption;
import io.vae4j.core.config.Likelihood;
import io.vae4j.core.config.ModelKind;
import io.vae4j.core.config.VaeConfig;
import io.vae4j.core.graph.LossTerms;
import io.vae4j.core.model.Vae;
import io.vae4j.mnist.data.MnistSplit;
import io.vae4j.mnist.data.SyntheticMnist;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;

/**
 * The report's latent explorer in a real browser (Debian's chromium through its chromium-driver): its JavaScript
 * forward pass decodes and encodes as the Java model does, for every dense model kind, activation and likelihood;
 * the page loads nothing from the network; a code in the URL fragment is the one shown.
 *
 * <p>Without a browser the test is skipped on a developer's machine, and fails in CI ({@code CI} or
 * {@code VAE_BROWSER_TEST=required} set), where {@code .ci/run} installs one.
 */
class ReportExplorerBrowserTest {
    private static final double TOLERANCE = 1e-4;
    private static WebDriver browser;

    @TempDir
    Path dir;

    @BeforeAll
    static void startBrowser() {
        File chromium = new File(env("CHROME_BIN", "/usr/bin/chromium"));
        File driver = new File(env("CHROMEDRIVER", "/usr/bin/chromedriver"));
        if (!chromium.canExecute() || !driver.canExecute()) {
            String missing = "no browser for the explorer's test: " + chromium + " and " + driver + " must exist; "
                    + "install Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)";
            if (!env("CI", "").isEmpty() || "required".equals(env("VAE_BROWSER_TEST", ""))) {
                fail(missing);
            }
            Assumptions.abort(missing);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium);
        // root in a container has no user namespace for Chromium's sandbox
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1200,1800");
        browser = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(driver).build(), options);
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }

    private static VaeConfig.Builder small() {
        return VaeConfig.builder().optEncoderHidden(List.of(48)).optSeed(7);
    }

    @Test
    void vaeWithATwoDimensionalLatentSpace() throws Exception {
        try (Vae vae = Vae.create(small().setLatentSize(2).build())) {
            report(vae);
            checkForwardPass(vae);
            // the fragment's code is the one decoded and drawn
            String left = digitCanvas("#z=-1.5,1.5");
            assertEquals(List.of(-1.5, 1.5), state().get("z"));
            checkCanvasShows(vae, new double[] {-1.5, 1.5}, 0);
            String right = digitCanvas("#z=1.5,-1.5");
            assertEquals(List.of(1.5, -1.5), state().get("z"));
            assertNotEquals(left, right, "two codes, two pictures");
            screenshot("vae-2d");
        }
    }

    @Test
    void vaeWithTwentyDimensionsTwoLayersAndLeakyRelu() throws Exception {
        check(small().optEncoderHidden(List.of(64, 32)).setLatentSize(20).optActivation(Activation.LEAKY_RELU)
                .build(), "vae-20d");
    }

    @Test
    void autoencoderWithElu() throws Exception {
        check(small().optKind(ModelKind.AE).setLatentSize(8).optActivation(Activation.ELU).build(), "ae");
    }

    @Test
    void conditionalVaePassesItsLabelToTheDecoder() throws Exception {
        try (Vae vae = Vae.create(small().optKind(ModelKind.CVAE).setLatentSize(4).optActivation(Activation.TANH)
                .build())) {
            Path page = report(vae);
            checkForwardPass(vae);
            double[] z = {0.5, -1.0, 0.25, 1.5};
            load(page, "#z=0.5,-1,0.25,1.5&label=7");
            assertEquals(7L, state().get("label"));
            checkCanvasShows(vae, z, 7);
            String seven = canvas("vx-digit");
            load(page, "#z=0.5,-1,0.25,1.5&label=2");
            checkCanvasShows(vae, z, 2);
            assertNotEquals(seven, canvas("vx-digit"), "the label steers the decoder");
            screenshot("cvae");
        }
    }

    @Test
    void denoisingVaeWithSigmoid() throws Exception {
        check(small().setLatentSize(6).optActivation(Activation.SIGMOID)
                .optCorruption(Corruption.parse("gaussian:0.3")).build(), "denoising");
    }

    @Test
    void gaussianLikelihoodWithSoftplus() throws Exception {
        check(small().setLatentSize(5).optActivation(Activation.SOFTPLUS).optLikelihood(Likelihood.GAUSSIAN)
                .optGaussianVariance(0.5).build(), "gaussian");
    }

    @Test
    void aConvolutionalModelGetsANoteInsteadOfAnExplorer() throws Exception {
        try (Vae vae = Vae.create(VaeConfig.builder().optArchitecture(Architecture.CONV)
                .optConvChannels(List.of(4, 8)).optEncoderHidden(List.of(16)).setLatentSize(2).build())) {
            load(report(vae), "");
        }
        String note = browser.findElement(By.id("explorer-unsupported")).getText();
        assertTrue(note.contains("--arch conv") && note.contains("MLP"), note);
        assertTrue(browser.findElements(By.id("vx")).isEmpty(), "no explorer to run");
        assertEquals(List.of(), js("return window.vaeExplorerErrors || []"));
    }

    @Test
    void drawingADigitScoresItAmongTheTestImages() throws Exception {
        try (Vae vae = Vae.create(small().setLatentSize(3).build())) {
            load(report(vae), "");
        }
        var canvas = browser.findElement(By.id("vx-draw"));
        new Actions(browser).moveToElement(canvas, -20, -80).clickAndHold().moveByOffset(30, 60)
                .moveByOffset(10, 80).release().perform();
        String text = browser.findElement(By.id("vx-score")).getText();
        assertTrue(text.matches("-ELBO [0-9.]+ nats \\(reconstruction [0-9.]+, KL [0-9.]+\\): higher than "
                + "[0-9.]+% of the test images\\..*"), text);
        assertTrue(browser.findElement(By.id("vx-use")).isEnabled());
        browser.findElement(By.id("vx-use")).click();
        Matcher m = Pattern.compile("Mean code \\(([-0-9., ]+)\\)").matcher(text);
        assertTrue(m.find(), text);
        List<?> z = (List<?>) state().get("z");
        String[] shown = m.group(1).split(", ");
        for (int i = 0; i < shown.length; i++) {
            assertEquals(Double.parseDouble(shown[i]), ((Number) z.get(i)).doubleValue(), 0.006,
                    "Explore its code moves z to the drawing's mean code");
        }
        assertEquals(List.of(), js("return window.vaeExplorerErrors"));
        screenshot("drawn");
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    private void check(VaeConfig config, String name) throws Exception {
        try (Vae vae = Vae.create(config)) {
            report(vae);
            checkForwardPass(vae);
            screenshot(name);
        }
    }

    private MnistSplit test;

    /** Writes the report of a model (untrained: its weights as initialised) over a small synthetic test set. */
    private Path report(Vae vae) throws Exception {
        byte[][] idx = SyntheticMnist.split(60, 11);
        test = new MnistSplit("test", Arrays.copyOfRange(idx[0], 16, idx[0].length),
                Arrays.copyOfRange(idx[1], 8, idx[1].length), 60, 28, 28);
        return RunReport.write(dir, null, ReportExplorer.of(vae, test));
    }

    /** Decoding at several codes, encoding and scoring test images: the page's numbers are Java's. */
    private void checkForwardPass(Vae vae) throws Exception {
        load(dir.resolve(RunReport.FILE), "");
        String html = Files.readString(dir.resolve(RunReport.FILE));
        assertFalse(Pattern.compile("(src|href)\\s*=\\s*\"(?!data:|#)").matcher(html).find(),
                "every resource is inlined");
        assertEquals(0L, js("return performance.getEntriesByType('resource').filter("
                + "function (e) { return !e.name.startsWith('data:'); }).length"), "the page fetched nothing");
        int latent = vae.config().latentSize();
        boolean conditional = vae.config().conditional();
        SplittableRandom rnd = new SplittableRandom(5);
        for (int k = 0; k < 5; k++) {
            double[] z = new double[latent];
            for (int i = 0; i < latent; i++) {
                z[i] = k == 0 ? 0 : 2.5 * (rnd.nextDouble() * 2 - 1);
            }
            int label = conditional ? k * 3 % 10 : 0;
            INDArray zj = Nd4j.createFromArray(z).castTo(DataType.FLOAT).reshape(1, latent);
            double[] expected = vae.decode(conditional ? vae.withLabels(zj, new int[] {label}) : zj).toDoubleVector();
            assertClose(expected, numbers(js("return vaeExplorer.decode(arguments[0], arguments[1])", list(z), label)),
                    "decoded pixel means at z = " + Arrays.toString(z));
        }
        for (int i : new int[] {0, 17, 42}) {
            INDArray x = test.inputs(conditional, i);
            double[] pixels = test.features(i).toDoubleVector();
            Map<?, ?> page = (Map<?, ?>) js("return vaeExplorer.encode(arguments[0], arguments[1])", list(pixels),
                    test.label(i));
            assertClose(vae.encode(x).mu().toDoubleVector(), numbers(page.get("mu")), "mu of test image " + i);
            // the page's anomaly score is the -ELBO with z at the posterior mean: Java's terms at eps = 0
            LossTerms terms = vae.lossTerms(x, vae.config().variational()
                    ? Nd4j.zeros(DataType.FLOAT, 1, latent) : null);
            Map<?, ?> score = (Map<?, ?>) js("return vaeExplorer.score(arguments[0], arguments[1])", list(pixels),
                    test.label(i));
            double expected = terms.negElbo().getDouble(0);
            assertEquals(expected, ((Number) score.get("score")).doubleValue(), 1e-3 + 1e-5 * Math.abs(expected),
                    "-ELBO of test image " + i);
        }
        assertEquals(List.of(), js("return window.vaeExplorerErrors"), "no script error");
        assertFalse(browser.findElement(By.id("vx-problem")).isDisplayed(), "no problem shown");
    }

    /** The digit canvas shows the pixel means of (z, label) as grey levels: each 6x6 cell's centre. */
    private void checkCanvasShows(Vae vae, double[] z, int label) {
        INDArray zj = Nd4j.createFromArray(z).castTo(DataType.FLOAT).reshape(1, z.length);
        double[] means = vae.decode(vae.config().conditional() ? vae.withLabels(zj, new int[] {label}) : zj)
                .toDoubleVector();
        List<?> grey = (List<?>) js("var c = document.getElementById('vx-digit'), s = c.width / 28, out = [];"
                + "var d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
                + "for (var r = 0; r < 28; r++) for (var q = 0; q < 28; q++)"
                + " out.push(d[4 * ((r * s + s / 2) * c.width + q * s + s / 2)]);"
                + "return out;");
        for (int i = 0; i < means.length; i++) {
            long expected = Math.round(255 * Math.min(1, Math.max(0, means[i])));
            assertEquals(expected, ((Number) grey.get(i)).longValue(), 1, "grey level of pixel " + i);
        }
    }

    /** Opens the page and waits until the explorer has encoded the test images (or given up). */
    private void load(Path page, String fragment) throws InterruptedException {
        browser.get("about:blank"); // a new document even when only the fragment differs
        browser.get(page.toUri() + fragment);
        for (int i = 0; i < 600; i++) {
            if (Boolean.TRUE.equals(js("return !!(document.getElementById('explorer-unsupported') || "
                    + "(window.vaeExplorer && window.vaeExplorer.ready) || (window.vaeExplorerErrors || []).length)"))) {
                return;
            }
            Thread.sleep(100);
        }
        fail("the explorer did not finish loading in a minute");
    }

    private String digitCanvas(String fragment) throws InterruptedException {
        load(dir.resolve(RunReport.FILE), fragment);
        return canvas("vx-digit");
    }

    private String canvas(String id) {
        return (String) js("return document.getElementById(arguments[0]).toDataURL()", id);
    }

    private Map<?, ?> state() {
        return (Map<?, ?>) js("return vaeExplorer.state()");
    }

    private static Object js(String script, Object... args) {
        return ((JavascriptExecutor) browser).executeScript(script, args);
    }

    private static List<Double> list(double[] values) {
        List<Double> out = new ArrayList<>();
        for (double v : values) {
            out.add(v);
        }
        return out;
    }

    private static double[] numbers(Object list) {
        return ((List<?>) list).stream().mapToDouble(v -> ((Number) v).doubleValue()).toArray();
    }

    private static void assertClose(double[] expected, double[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], TOLERANCE * Math.max(1, Math.abs(expected[i])),
                    what + ", element " + i);
        }
    }

    /** With -Dvae.screenshots=DIR, keeps a screenshot of the page for a person to look at. */
    private static void screenshot(String name) throws Exception {
        String out = System.getProperty("vae.screenshots");
        if (out != null && !out.isBlank()) {
            Files.createDirectories(Path.of(out));
            Files.write(Path.of(out, name + ".png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
        }
    }
}
