package io.snapfind.gateway.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.snapfind.harness.ProjectPaths;
import io.snapfind.harness.quarkus.KafkaTestResource;
import io.snapfind.harness.quarkus.MilvusLiteTestResource;

/**
 * The search page in real headless Chromium (Debian's package, driven through ChromeDriver): pick a photo, see the
 * detected boxes drawn on it and a grid of matches per object. The screenshot is kept in target/screenshots.
 */
@QuarkusTest
@TestProfile(FakeSearchBackends.class)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(MilvusLiteTestResource.class)
class WebPageTest {

    private static final String ROOM = "datasets/ikea-interior/images/room_scenes/"
            + "ikea-a-bed-that-folds-away-to-be-a-sofa-by-day__1364309472525-s4.jpg";

    @TestHTTPResource("/")
    URL page;

    private ChromeDriver browser;

    @BeforeEach
    void openBrowser() throws IOException {
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        // No network but loopback here: keep Chromium from reaching out on its own.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-quic", "--no-first-run", "--window-size=1280,1600",
                "--user-data-dir=" + Files.createTempDirectory("snapfind-chromium"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of("/usr/bin/chromedriver").toFile()).build();
        browser = new ChromeDriver(service, options);
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void pickAPhotoAndSeeBoxesAndMatchesPerObject() throws IOException {
        browser.get(page.toString());
        browser.findElement(By.id("photo")).sendKeys(ProjectPaths.asset(ROOM).toString());

        new WebDriverWait(browser, Duration.ofSeconds(30))
                .until(driver -> driver.findElement(By.id("status")).getText().startsWith("Found in"));

        List<WebElement> objects = browser.findElements(By.cssSelector("#results .object"));
        assertEquals(2, objects.size(), "one section per detected object");
        assertEquals("chair", objects.get(0).findElement(By.tagName("h2")).getText());
        assertEquals(3, objects.get(0).findElements(By.cssSelector(".hit")).size());
        assertTrue(objects.get(0).getText().contains("Oak chair") && objects.get(0).getText().contains("0.930"));

        // The chair's box (40,60)-(200,300) is stroked in the first colour, #e6194b.
        Object pixel = ((JavascriptExecutor) browser).executeScript(
                "return Array.from(document.getElementById('canvas').getContext('2d').getImageData(40, 150, 1, 1).data)");
        assertEquals(List.of(230L, 25L, 75L, 255L), pixel, "box edge drawn in the object's colour");

        Path screenshot = Path.of("target/screenshots/web-page.png");
        Files.createDirectories(screenshot.getParent());
        Files.write(screenshot, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }
}
