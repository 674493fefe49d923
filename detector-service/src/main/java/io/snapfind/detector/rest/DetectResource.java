package io.snapfind.detector.rest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponses;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.smallrye.common.annotation.Blocking;
import io.snapfind.contracts.Box;
import io.snapfind.detector.CropCutter;
import io.snapfind.detector.Detection;
import io.snapfind.detector.DetectionResult;
import io.snapfind.detector.Detector;
import io.snapfind.imaging.DecodedImage;
import io.snapfind.imaging.ImageDecoder;
import io.snapfind.imaging.ImageRejected;
import io.snapfind.support.problem.Problem;
import io.snapfind.support.problem.ProblemException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/**
 * Synchronous detection for the query gateway: the same decoder limits and model as the Kafka pipeline, boxes in
 * original pixels. Runs on a worker thread, never on the event loop.
 */
@Path("/v1/detect")
@Produces(MediaType.APPLICATION_JSON)
public class DetectResource {

    /** JSON request: the image as base64 (a {@code data:image/...;base64,} prefix is accepted). */
    public record DetectRequest(@Schema(description = "base64-encoded image bytes", required = true) String image) {
    }

    /**
     * One detection; {@code cropBox} and {@code crop} only for the best {@code crops} detections when asked for:
     * the padded box and its JPEG (base64), cut exactly as the catalog's crops are, so a caller searching with it
     * need not decode the photo itself.
     */
    public record DetectedObject(String label, float score, Box box,
            @JsonInclude(JsonInclude.Include.NON_NULL) Box cropBox,
            @JsonInclude(JsonInclude.Include.NON_NULL) String crop) {
    }

    public record Timings(double decodeMs, double preprocessMs, double inferenceMs, double postprocessMs,
            double totalMs) {
    }

    public record DetectResponse(String model, int width, int height, List<DetectedObject> detections,
            Timings timings) {
    }

    /** Most crops one request may ask for. */
    static final int MAX_CROPS = 32;

    private final ImageDecoder decoder;
    private final Detector detector;
    private final CropCutter cutter;
    private final DetectionSlots slots;

    DetectResource(ImageDecoder decoder, Detector detector, CropCutter cutter, DetectionSlots slots) {
        this.decoder = decoder;
        this.detector = detector;
        this.cutter = cutter;
        this.slots = slots;
    }

    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Blocking
    @Operation(summary = "Detect COCO objects in an uploaded image (multipart field 'image', sent as a file part)")
    @APIResponses({
            @APIResponse(responseCode = "200", description = "Detections, best first, boxes in original pixels"),
            @APIResponse(responseCode = "400", description = "No 'image' file part",
                    content = @Content(mediaType = Problem.MEDIA_TYPE)),
            @APIResponse(responseCode = "413", description = "Too many bytes or pixels",
                    content = @Content(mediaType = Problem.MEDIA_TYPE)),
            @APIResponse(responseCode = "415", description = "Not a supported image",
                    content = @Content(mediaType = Problem.MEDIA_TYPE)),
            @APIResponse(responseCode = "422", description = "Empty or corrupt image",
                    content = @Content(mediaType = Problem.MEDIA_TYPE)),
            @APIResponse(responseCode = "503", description = "Every detection slot is busy; retry after Retry-After",
                    content = @Content(mediaType = Problem.MEDIA_TYPE)) })
    public DetectResponse detectUpload(@RestForm("image") FileUpload image, @Parameter(description = CROPS_PARAMETER)
            @QueryParam("crops") @DefaultValue("0") int crops) throws ImageRejected {
        checkCrops(crops);
        if (image == null || image.uploadedFile() == null) {
            throw new ProblemException(400, "Missing image",
                    "send the image as a multipart file part named 'image'", null, "missing-image");
        }
        if (image.size() > decoder.limits().maxBytes()) {
            throw new ImageRejected(ImageRejected.Reason.TOO_LARGE, "the image has " + image.size()
                    + " bytes, more than the limit of " + decoder.limits().maxBytes());
        }
        try {
            return detect(Files.readAllBytes(image.uploadedFile()), crops);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the uploaded file", e);
        }
    }

    @POST
    @Consumes({ MediaType.APPLICATION_OCTET_STREAM, "image/*" })
    @Blocking
    @Operation(summary = "Detect COCO objects in an image sent as the raw request body (the cheapest form: no base64)")
    @APIResponses({
            @APIResponse(responseCode = "200", description = "Detections, best first, boxes in original pixels"),
            @APIResponse(responseCode = "400", description = "Invalid crops",
                    content = @Content(mediaType = Problem.MEDIA_TYPE)),
            @APIResponse(responseCode = "413", description = "Too many bytes or pixels",
                    content = @Content(mediaType = Problem.MEDIA_TYPE)),
            @APIResponse(responseCode = "415", description = "Not a supported image",
                    content = @Content(mediaType = Problem.MEDIA_TYPE)),
            @APIResponse(responseCode = "422", description = "Empty or corrupt image",
                    content = @Content(mediaType = Problem.MEDIA_TYPE)),
            @APIResponse(responseCode = "503", description = "Every detection slot is busy; retry after Retry-After",
                    content = @Content(mediaType = Problem.MEDIA_TYPE)) })
    public DetectResponse detectRaw(byte[] image, @Parameter(description = CROPS_PARAMETER)
            @QueryParam("crops") @DefaultValue("0") int crops) throws ImageRejected {
        checkCrops(crops);
        return detect(image == null ? new byte[0] : image, crops);
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Blocking
    @Operation(summary = "Detect COCO objects in a base64-encoded image: {\"image\": \"<base64>\"}")
    @APIResponses({
            @APIResponse(responseCode = "200", description = "Detections, best first, boxes in original pixels"),
            @APIResponse(responseCode = "400", description = "No image or invalid base64",
                    content = @Content(mediaType = Problem.MEDIA_TYPE)),
            @APIResponse(responseCode = "413", description = "Too many bytes or pixels",
                    content = @Content(mediaType = Problem.MEDIA_TYPE)),
            @APIResponse(responseCode = "415", description = "Not a supported image",
                    content = @Content(mediaType = Problem.MEDIA_TYPE)),
            @APIResponse(responseCode = "422", description = "Empty or corrupt image",
                    content = @Content(mediaType = Problem.MEDIA_TYPE)),
            @APIResponse(responseCode = "503", description = "Every detection slot is busy; retry after Retry-After",
                    content = @Content(mediaType = Problem.MEDIA_TYPE)) })
    public DetectResponse detectBase64(DetectRequest request, @Parameter(description = CROPS_PARAMETER)
            @QueryParam("crops") @DefaultValue("0") int crops) throws ImageRejected {
        checkCrops(crops);
        if (request == null || request.image() == null) {
            throw new ProblemException(400, "Missing image",
                    "send {\"image\": \"<base64 bytes>\"}", null, "missing-image");
        }
        String encoded = request.image();
        int comma = encoded.startsWith("data:") ? encoded.indexOf(',') : -1;
        if (comma >= 0) {
            encoded = encoded.substring(comma + 1);
        }
        // A rough bound before allocating: base64 decodes to three quarters of its length.
        if ((long) encoded.length() / 4 * 3 > decoder.limits().maxBytes() + 3) {
            throw new ImageRejected(ImageRejected.Reason.TOO_LARGE,
                    "the image is larger than the limit of " + decoder.limits().maxBytes() + " bytes");
        }
        byte[] bytes;
        try {
            // Strict alphabet (the MIME decoder would silently skip junk); line breaks are tolerated.
            bytes = Base64.getDecoder().decode(encoded.indexOf('\n') >= 0 || encoded.indexOf('\r') >= 0
                    ? encoded.replaceAll("\\s", "") : encoded);
        } catch (IllegalArgumentException e) {
            throw new ProblemException(400, "Invalid base64", "'image' is not valid base64: "
                    + e.getMessage(), null, "invalid-base64");
        }
        return detect(bytes, crops);
    }

    private static final String CROPS_PARAMETER = "Return the padded crop (base64 JPEG) of this many best detections, "
            + "0 to " + MAX_CROPS;

    private static void checkCrops(int crops) {
        if (crops < 0 || crops > MAX_CROPS) {
            throw new ProblemException(400, "Invalid crops",
                    "crops must be between 0 and " + MAX_CROPS + ", got " + crops, null, "invalid-crops");
        }
    }

    private DetectResponse detect(byte[] bytes, int crops) throws ImageRejected {
        return slots.run(() -> detectNow(bytes, crops));
    }

    private DetectResponse detectNow(byte[] bytes, int crops) throws ImageRejected {
        long start = System.nanoTime();
        DecodedImage image = decoder.decode(bytes);
        double decodeMs = (System.nanoTime() - start) / 1_000_000.0;
        DetectionResult result = detector.detect(image.image());
        List<Detection> best = result.detections().stream()
                .sorted(Comparator.comparingDouble(Detection::score).reversed()).toList();
        List<DetectedObject> objects = new ArrayList<>(best.size());
        for (int i = 0; i < best.size(); i++) {
            Detection d = best.get(i);
            Box cropBox = i < crops ? cutter.paddedBox(d, image.width(), image.height()).orElse(null) : null;
            String crop = cropBox == null ? null
                    : Base64.getEncoder().encodeToString(cutter.encode(image.image(), cropBox));
            objects.add(new DetectedObject(d.label(), d.score(), box(d, image.width(), image.height()), cropBox, crop));
        }
        return new DetectResponse(detector.name(), image.width(), image.height(), objects,
                new Timings(decodeMs, result.preprocessMillis(), result.inferenceMillis(), result.postprocessMillis(),
                        decodeMs + result.totalMillis()));
    }

    /** Outward-rounded integer box, still inside the image. */
    private static Box box(Detection d, int width, int height) {
        int x1 = Math.max(0, (int) Math.floor(d.x1()));
        int y1 = Math.max(0, (int) Math.floor(d.y1()));
        int x2 = Math.min(width, Math.max(x1 + 1, (int) Math.ceil(d.x2())));
        int y2 = Math.min(height, Math.max(y1 + 1, (int) Math.ceil(d.y2())));
        return new Box(x1, y1, x2, y2);
    }
}
