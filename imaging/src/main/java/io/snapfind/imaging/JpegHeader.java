package io.snapfind.imaging;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import com.drew.imaging.jpeg.JpegMetadataReader;
import com.drew.imaging.jpeg.JpegProcessingException;
import com.drew.imaging.jpeg.JpegSegmentData;
import com.drew.imaging.jpeg.JpegSegmentReader;
import com.drew.imaging.jpeg.JpegSegmentType;
import com.drew.lang.SequentialByteArrayReader;
import com.drew.metadata.Metadata;
import com.drew.metadata.MetadataException;
import com.drew.metadata.exif.ExifIFD0Directory;
import com.drew.metadata.exif.ExifReader;
import com.drew.metadata.jpeg.JpegDirectory;
import com.drew.metadata.jpeg.JpegReader;

/**
 * What a JPEG's marker segments say about its pixels, read before decoding: the EXIF orientation, and whether its
 * three components are plain JFIF YCbCr, which every reader turns into sRGB with the same fixed arithmetic.
 */
record JpegHeader(boolean isPlainYCbCr, int orientation) {

    private static final JpegHeader UNKNOWN = new JpegHeader(false, 1);
    private static final byte[] JFIF = "JFIF\0".getBytes(StandardCharsets.US_ASCII);

    /** Never fails: unreadable segments give an upright image of unknown colour, decoded the general way. */
    static JpegHeader of(byte[] bytes) {
        JpegSegmentData segments;
        try {
            segments = JpegSegmentReader.readSegments(new SequentialByteArrayReader(bytes), null);
        } catch (JpegProcessingException | IOException | RuntimeException e) {
            return UNKNOWN;
        }
        Metadata metadata = new Metadata();
        JpegMetadataReader.processJpegSegmentData(metadata, List.of(new JpegReader(), new ExifReader()), segments);
        return new JpegHeader(isPlainYCbCr(segments, metadata.getFirstDirectoryOfType(JpegDirectory.class)),
                orientation(metadata.getFirstDirectoryOfType(ExifIFD0Directory.class)));
    }

    /**
     * libjpeg's rule for three components, made stricter: an ICC profile (APP2) or an Adobe marker (APP14, which can
     * declare RGB or YCCK) sends the image down the general path, where the reader applies them; otherwise a JFIF
     * marker or the component ids 1, 2, 3 mean YCbCr.
     */
    private static boolean isPlainYCbCr(JpegSegmentData segments, JpegDirectory frame) {
        if (frame == null || segments.containsSegment(JpegSegmentType.APP2)
                || segments.containsSegment(JpegSegmentType.APPE)) {
            return false;
        }
        try {
            if (frame.getNumberOfComponents() != 3) {
                return false;
            }
        } catch (MetadataException e) {
            return false;
        }
        byte[] app0 = segments.getSegment(JpegSegmentType.APP0);
        if (app0 != null && app0.length >= JFIF.length
                && Arrays.equals(app0, 0, JFIF.length, JFIF, 0, JFIF.length)) {
            return true;
        }
        for (int i = 0; i < 3; i++) {
            if (frame.getComponent(i) == null || frame.getComponent(i).getComponentId() != i + 1) {
                return false;
            }
        }
        return true;
    }

    /** EXIF orientation 1..8, 1 (upright) when absent or unreadable: broken metadata does not spoil the pixels. */
    private static int orientation(ExifIFD0Directory exif) {
        if (exif != null && exif.containsTag(ExifIFD0Directory.TAG_ORIENTATION)) {
            try {
                int orientation = exif.getInt(ExifIFD0Directory.TAG_ORIENTATION);
                return orientation >= 1 && orientation <= 8 ? orientation : 1;
            } catch (MetadataException e) {
                return 1;
            }
        }
        return 1;
    }
}
