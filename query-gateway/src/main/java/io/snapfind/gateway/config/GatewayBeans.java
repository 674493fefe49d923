package io.snapfind.gateway.config;

import io.smallrye.mutiny.infrastructure.Infrastructure;
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
    SearchService searchService(ObjectDetector detector, CropEmbedder embedder, CropIndex index, ImageDecoder decoder) {
        return new SearchService(detector, embedder, index, decoder, Infrastructure.getDefaultWorkerPool());
    }
}
