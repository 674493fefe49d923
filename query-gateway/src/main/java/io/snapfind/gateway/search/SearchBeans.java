package io.snapfind.gateway.search;

import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.snapfind.gateway.config.GatewayConfig;
import io.snapfind.imaging.ImageDecoder;
import io.snapfind.imaging.ImageLimits;
import io.snapfind.imaging.fetch.FetchPolicy;
import io.snapfind.imaging.fetch.SafeImageFetcher;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

/** Wires the plain-Java search domain to its adapters and the configured limits. */
public class SearchBeans {

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
    SearchService searchService(ObjectDetector detector, CropEmbedder embedder, VectorIndex index, ImageDecoder decoder) {
        return new SearchService(detector, embedder, index, decoder, Infrastructure.getDefaultWorkerPool());
    }
}
