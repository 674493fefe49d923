package io.snapfind.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.snapfind.deploy.LocalSystem;
import io.snapfind.deploy.catalog.CatalogFile;
import io.snapfind.deploy.catalog.CatalogImport;
import io.snapfind.deploy.catalog.HttpGateway;
import io.snapfind.deploy.catalog.KafkaDeadLetters;
import io.snapfind.deploy.catalog.ProgressLine;
import io.snapfind.evaluation.LabelledImage;
import io.snapfind.evaluation.LabelledSets;
import io.snapfind.harness.ProjectPaths;

/**
 * A hit's pictures and its explanation on the real stack, with the deployed model: products sent as inline bytes
 * come back as pictures (the crop that matched, the product's main picture); the explanation of a room's chair hit
 * is computed by the embedder on the very crops search compared, so its score is the hit's score; a delete removes
 * the pictures. The web page shows the pictures and the heatmaps in a real browser. With the embedder gone, the
 * gateway is no longer ready; a service killed with {@code kill -9} is restarted by the launcher's supervision.
 */
class MatchPicturesIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static LocalSystem.ProcessState state(List<LocalSystem.ProcessState> states, String name) {
        return states.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    /**
     * The search page in Debian's headless Chromium: every hit shows its stored picture, and a click on one opens
     * the heatmaps; no match and an error are said as such; the photo picker and the hits work by keyboard; nothing is
     * wider than a phone's screen. The screenshots are kept in target/screenshots.
     */
    private static void showsThePicturesAndTheHeatmapsInTheWebPage(String gatewayUrl, Path room) throws Exception {
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        // No network but loopback here: keep Chromium from reaching out on its own.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic",
                "--no-first-run", "--window-size=1280,1400",
                "--user-data-dir=" + Files.createTempDirectory("snapfind-chromium"));
        ChromeDriver browser = new ChromeDriver(new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of("/usr/bin/chromedriver").toFile()).build(), options);
        try {
            browser.get(gatewayUrl + "/");
            browser.findElement(By.id("photo")).sendKeys(room.toString());
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
            wait.until(driver -> driver.findElement(By.id("status")).getText().startsWith("Found in"));
            // The first object's hits are on screen (further ones load lazily, when scrolled to).
            wait.until(driver -> (Boolean) ((JavascriptExecutor) driver).executeScript("const imgs = Array.from("
                    + "document.querySelectorAll('.object:first-child .hit img')); return imgs.length > 0 && "
                    + "imgs.every(img => img.complete && img.naturalWidth > 0)"));
            List<WebElement> hits = browser.findElements(By.cssSelector(".object:first-child .hit"));
            List<WebElement> pictures = browser.findElements(By.cssSelector(".object:first-child .hit img"));
            assertEquals(hits.size(), pictures.size(), "every hit shows its picture");
            Path screenshots = Files.createDirectories(Path.of("target/screenshots"));
            Files.write(screenshots.resolve("results-real-stack.png"),
                    ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));

            browser.findElement(By.cssSelector(".hit")).click();
            wait.until(driver -> driver.findElement(By.id("explain-note")).getText().startsWith("Similarity"));
            Object red = ((JavascriptExecutor) browser).executeScript("const c = document.getElementById("
                    + "'explain-query'); const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
                    + "let n = 0; for (let i = 0; i < d.length; i += 4) if (d[i] > 200 && d[i + 1] < 120 && d[i + 2] < 90) n++;"
                    + "return n;");
            assertTrue(((Number) red).longValue() > 0, "the query's heatmap is drawn");
            Files.write(screenshots.resolve("explain-real-stack.png"),
                    ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
            browser.findElement(By.cssSelector("#explain button")).click();

            // No match: every hit is below the score threshold, and each object says so.
            WebElement minScore = browser.findElement(By.id("min-score"));
            minScore.clear();
            minScore.sendKeys("0.99", Keys.TAB);
            wait.until(driver -> !driver.findElements(By.cssSelector(".object .empty")).isEmpty()
                    && driver.findElements(By.cssSelector(".hit")).isEmpty());
            minScore.clear();
            minScore.sendKeys("0", Keys.TAB);
            wait.until(driver -> !driver.findElements(By.cssSelector(".hit")).isEmpty());

            // An error: a filter that does not parse is named in the status line, styled as an error.
            WebElement filter = browser.findElement(By.id("filter"));
            filter.sendKeys("category =", Keys.TAB);
            wait.until(driver -> driver.findElement(By.id("status")).getText().startsWith("Search failed"));
            assertTrue(browser.findElement(By.id("status")).getText().contains("position"));
            assertEquals("error", browser.findElement(By.id("status")).getAttribute("class"));
            filter.clear();
            filter.sendKeys(Keys.TAB);
            wait.until(driver -> driver.findElement(By.id("status")).getText().startsWith("Found in"));

            // By keyboard: Tab reaches the photo picker and then the hits; Enter on a hit opens its explanation.
            JavascriptExecutor js = (JavascriptExecutor) browser;
            // Start from the top of the page, as after loading it (the header takes the focus, not a Tab stop).
            js.executeScript("const h = document.querySelector('header'); h.tabIndex = -1; h.focus();");
            Actions keyboard = new Actions(browser);
            List<String> focused = new ArrayList<>();
            for (int i = 0; i < 40 && !"hit".equals(js.executeScript("return document.activeElement.className")); i++) {
                keyboard.sendKeys(Keys.TAB).perform();
                focused.add(String.valueOf(js.executeScript("return document.activeElement.id || "
                        + "document.activeElement.className")));
            }
            assertTrue(focused.contains("photo"), "the photo picker is reachable by Tab: " + focused);
            assertEquals("hit", js.executeScript("return document.activeElement.className"), focused.toString());
            keyboard.sendKeys(Keys.ENTER).perform();
            wait.until(driver -> (Boolean) js.executeScript("return document.getElementById('explain').open"));
            keyboard.sendKeys(Keys.ESCAPE).perform();
            wait.until(driver -> !(Boolean) js.executeScript("return document.getElementById('explain').open"));

            // A phone-sized screen: nothing wider than the screen.
            browser.manage().window().setSize(new Dimension(390, 844));
            wait.until(driver -> ((Number) js.executeScript("return window.innerWidth")).intValue() <= 390);
            Number overflow = (Number) js.executeScript(
                    "return document.documentElement.scrollWidth - window.innerWidth");
            assertTrue(overflow.intValue() <= 0, "the page is " + overflow + " px wider than a phone's screen");
            Files.write(screenshots.resolve("results-phone-real-stack.png"),
                    ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
        } finally {
            browser.quit();
        }
    }

    /**
     * The catalog of this test comes in as a user's would, through {@code ./snapfind import}'s code on a folder per
     * category: six chair photos and a file that is no image. The import waits until the six are indexed and reads
     * the seventh's reason back from the dead-letter topic; run again, it skips the six.
     */
    private static void importsACatalogFolderAndResumesIt(LocalSystem system, Path runDir) throws Exception {
        Path catalog = Files.createDirectories(runDir.resolve("catalog/chair"));
        for (LabelledImage product : LabelledSets.folderPerClass(ProjectPaths.asset("datasets/ikea-interior/images"),
                Set.of("room_scenes")).stream().filter(p -> p.label().equals("chair")).limit(6).toList()) {
            Files.copy(product.path(), catalog.resolve(product.path().getFileName()));
        }
        Files.writeString(catalog.resolve("notes.jpg"), "<html>not a photo</html>");
        for (int run = 1; run <= 2; run++) {
            CatalogImport.Summary summary;
            try (KafkaDeadLetters letters = new KafkaDeadLetters(system.kafka().bootstrapServers(),
                    Instant.now().minusSeconds(5), System.out::println)) {
                summary = new CatalogImport(new HttpGateway(system.gatewayUrl(), "e2e-key"), letters,
                        new CatalogImport.Settings(20, Duration.ofMinutes(2), Duration.ofMillis(250)),
                        new ProgressLine(System.out, false)).run(CatalogFile.read(catalog.getParent()));
            }
            assertEquals(7, summary.rows());
            assertEquals(run == 1 ? 6 : 0, summary.indexed(), summary.toString());
            assertEquals(run == 1 ? 0 : 6, summary.skipped(), summary.toString());
            assertEquals(1, summary.failures().size(), summary.toString());
            CatalogImport.Failure failure = summary.failures().get(0);
            assertEquals("chair-notes", failure.productId());
            assertTrue(failure.reason().contains("not-an-image"), failure.reason());
        }
    }

    @Test
    void aHitShowsItsPicturesAndExplainsItsScore() throws Exception {
        Path runDir = Files.createTempDirectory(Path.of("target"), "pictures-");
        try (LocalSystem system = LocalSystem.start(ProjectPaths.root(), ProjectPaths.requireAssets().resolve("models"), runDir,
                LocalSystem.Ports.free(), "e2e-key", List.of(), Duration.ofMinutes(3), System.out::println)) {
            Gateway gateway = new Gateway(system.gatewayUrl(), "e2e-key");
            importsACatalogFolderAndResumesIt(system, runDir);

            Path room = ProjectPaths.asset("datasets/ikea-interior/images/room_scenes/"
                    + "ikea-a-bed-that-folds-away-to-be-a-sofa-by-day__1364309472525-s4.jpg");
            JsonNode chair = null;
            for (JsonNode result : gateway.search(room, "mode=objects&k=3").path("results")) {
                if (result.path("query").path("label").asText().equals("chair") && result.path("hits").size() > 0) {
                    chair = result;
                    break;
                }
            }
            assertNotNull(chair, "the room's chair is searched");
            JsonNode hit = chair.path("hits").get(0);
            String productId = hit.path("productId").asText();
            String cropId = hit.path("cropId").asText();

            HttpResponse<byte[]> crop = gateway.get("/v1/products/" + productId + "/pictures/" + cropId, Map.of());
            assertEquals(200, crop.statusCode());
            assertEquals("image/jpeg", crop.headers().firstValue("Content-Type").orElse(""));
            assertTrue(crop.headers().firstValue("Cache-Control").orElse("").contains("max-age"), crop.headers().map()
                    .toString());
            assertNotNull(ImageIO.read(new ByteArrayInputStream(crop.body())), "the crop's picture is a JPEG");
            String etag = crop.headers().firstValue("ETag").orElseThrow();
            assertEquals(304, gateway.get("/v1/products/" + productId + "/pictures/" + cropId,
                    Map.of("If-None-Match", etag)).statusCode());
            HttpResponse<byte[]> main = gateway.get("/v1/products/" + productId + "/picture", Map.of());
            assertEquals(200, main.statusCode());
            assertNotNull(ImageIO.read(new ByteArrayInputStream(main.body())));

            JsonNode box = chair.path("query").path("box");
            HttpResponse<String> explained = gateway.explain(room, box.path("x1").asInt() + "," + box.path("y1").asInt()
                    + "," + box.path("x2").asInt() + "," + box.path("y2").asInt(), productId, cropId);
            assertEquals(200, explained.statusCode(), explained.body());
            JsonNode explanation = JSON.readTree(explained.body());
            assertEquals(hit.path("score").asDouble(), explanation.path("score").asDouble(), 2e-3,
                    "the explanation compares what search compared, with the same model");
            assertEquals(49, explanation.path("query").path("heat").size(), "a 7 × 7 feature map");
            assertEquals(49, explanation.path("match").path("heat").size());
            assertTrue(explanation.path("queryPicture").asText().length() > 1000, "the query region's picture");
            assertEquals(422, gateway.explain(room, "1,2,3,4", productId, cropId).statusCode(),
                    "a box that is not a detected region is refused");

            // More like this, and a filter the index applies.
            HttpResponse<byte[]> similar = gateway.get("/v1/products/" + productId + "/similar?k=3", Map.of());
            assertEquals(200, similar.statusCode(), new String(similar.body()));
            JsonNode alike = JSON.readTree(similar.body()).path("hits");
            assertEquals(3, alike.size());
            alike.forEach(other -> assertTrue(!other.path("productId").asText().equals(productId), "itself left out"));
            assertEquals(404, gateway.get("/v1/products/nobody/similar", Map.of()).statusCode());
            JsonNode filtered = gateway.search(room, "mode=objects&k=3&filter=" + URLEncoder.encode(
                    "category = chair AND NOT category IN (couch)", StandardCharsets.UTF_8));
            assertTrue(filtered.path("results").size() > 0 && filtered.path("results").get(0).path("hits").size() > 0);
            assertEquals(0, gateway.search(room, "mode=whole&filter=category%20%3D%20lamp").path("results").get(0)
                    .path("hits").size(), "no lamp was indexed");
            HttpResponse<String> bad = gateway.trySearch(room, "filter=category%20%3D");
            assertEquals(400, bad.statusCode());
            assertTrue(bad.body().contains("filter position"), bad.body());

            showsThePicturesAndTheHeatmapsInTheWebPage(system.gatewayUrl(), room);

            gateway.delete(productId);
            long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
            while (gateway.get("/v1/products/" + productId + "/picture", Map.of()).statusCode() != 404) {
                assertTrue(System.nanoTime() < deadline, "the deleted product's picture is still served");
                Thread.sleep(200);
            }
            assertEquals(404, gateway.get("/v1/products/" + productId + "/pictures/" + cropId, Map.of()).statusCode());

            // A service killed by the kernel is restarted by the launcher's supervision, and reported.
            List<String> log = new ArrayList<>();
            long detectorPid = state(system.supervise(log::add), "detector-service").pid();
            ProcessHandle.of(detectorPid).orElseThrow().destroyForcibly();
            deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            LocalSystem.ProcessState detector;
            do {
                assertTrue(System.nanoTime() < deadline, "the detector is not back within 2 minutes: " + log);
                Thread.sleep(500);
                detector = state(system.supervise(log::add), "detector-service");
            } while (!detector.state().equals("ready"));
            assertEquals(1, detector.restarts(), log.toString());
            assertEquals(137, detector.lastExitCode(), "exit code of a kill -9");
            assertTrue(log.stream().anyMatch(line -> line.startsWith("detector-service exited with code 137")), log.toString());

            // Without the embedder no search can be served: the gateway says so in its readiness. A service stopped
            // on purpose stays stopped.
            assertEquals(200, gateway.get("/q/health/ready", Map.of()).statusCode());
            system.stopService("embedder-service");
            HttpResponse<byte[]> ready = gateway.get("/q/health/ready", Map.of());
            assertEquals(503, ready.statusCode(), new String(ready.body()));
            assertTrue(new String(ready.body()).contains("embedder"), new String(ready.body()));
            assertEquals("stopped", state(system.supervise(log::add), "embedder-service").state());
            assertEquals("not ready (503)", state(system.supervise(log::add), "query-gateway").state());
        }
    }
}
