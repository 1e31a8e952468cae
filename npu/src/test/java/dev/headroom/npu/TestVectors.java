package dev.headroom.npu;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.zip.CRC32;

/** Deterministic unit vectors per text, for the cloud stand-in and fake devices. */
final class TestVectors {
  private TestVectors() {}

  static float[] forText(String text, int dims) {
    CRC32 crc = new CRC32();
    crc.update(text.getBytes(StandardCharsets.UTF_8));
    Random random = new Random(crc.getValue());
    float[] v = new float[dims];
    for (int i = 0; i < dims; i++) {
      v[i] = (float) random.nextGaussian();
    }
    return Vectors.normalize(v);
  }
}
