package io.snapfind.gateway.config;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.snapfind.gateway.CropEmbedder;
import io.snapfind.gateway.CropIndex;
import io.snapfind.gateway.MatchExplainer;
import io.snapfind.gateway.ObjectDetector;
import io.snapfind.gateway.SearchService;
import io.snapfind.imaging.ImageDecoder;
import io.snapfind.imaging.ImageLimits;
import io.snapfind.imaging.fetch.FetchPolicy;
import io.snapfind.imaging.fetch.SafeImageFetcher;
import io.snapfind.imaging.pictures.PictureStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

/** The gateway's bean wiring: the plain-Java search domain, its adapters and the configured limits. */
public class GatewayBeans {

    @Produces
    @ApplicationScoped
    ImageDecoder imageDecoder(GatewayConfig config) {
        return new ImageDecoder(new ImageLimits(config.maxImageBytes(), config.maxImagePixels()));
    }

    @Produces
    @ApplicationScoped
    SafeImageFetcher imageFetcher(GatewayConfig config) {
        return new SafeImageFetcher(FetchPolicy.DEFAULT.withAllowLoopback(config.fetch().allowLoopback())
                .withMaxBytes(config.maxImageBytes()));
    }

    @Produces
    @ApplicationScoped
    MatchExplainer matchExplainer(ObjectDetector detector, MatchExplainer.PairExplainer explainer,
            GatewayConfig config) {
        return new MatchExplainer(detector, explainer, config.picturesDir().map(PictureStore::new));
    }

    @Produces
    @ApplicationScoped
    SearchService searchService(ObjectDetector detector, CropEmbedder embedder, CropIndex index, ImageDecoder decoder,
            GatewayConfig config) {
        // Bounded on purpose: each decode holds a whole photo's pixels (up to 120 MB at 40 MP), and an unbounded pool
        // let 100 concurrent 39 MP uploads exhaust the heap (AbuseSuiteIT); beyond the queue a search answers 503.
        AtomicInteger numbers = new AtomicInteger();
        ThreadFactory daemons = task -> {
            Thread thread = new Thread(task, "gateway-decode-" + numbers.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
        return new SearchService(detector, embedder, index, decoder, new ThreadPoolExecutor(config.decode().threads(),
                config.decode().threads(), 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(config.decode().queue()),
                daemons, new ThreadPoolExecutor.AbortPolicy()));
    }
}
