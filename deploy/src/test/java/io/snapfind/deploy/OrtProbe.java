package io.snapfind.deploy;

import ai.onnxruntime.OrtEnvironment;

/**
 * Loads ONNX Runtime's native library and prints its execution providers. ContainerImageIT runs it with an image's
 * own JRE inside the image's own root filesystem: it passes only if the image's C and C++ libraries are enough.
 */
public final class OrtProbe {
    public static void main(String[] args) {
        OrtEnvironment.getEnvironment();
        System.out.println("onnxruntime providers " + OrtEnvironment.getAvailableProviders());
    }
}
