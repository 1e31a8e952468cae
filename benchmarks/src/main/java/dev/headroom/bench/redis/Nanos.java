package dev.headroom.bench.redis;

import java.util.Arrays;

/** A fixed number of latency samples in nanoseconds; percentiles are exact (the samples are sorted once). */
final class Nanos {
  private final long[] samples;
  private int size;
  private boolean sorted;

  Nanos(int capacity) {
    this.samples = new long[capacity];
  }

  void add(long nanos) {
    samples[size++] = nanos;
    sorted = false;
  }

  int size() {
    return size;
  }

  /** The {@code p}-quantile ({@code 0.5} for the median) in microseconds, nearest rank. */
  double micros(double p) {
    if (!sorted) {
      Arrays.sort(samples, 0, size);
      sorted = true;
    }
    int rank = (int) Math.ceil(p * size) - 1;
    return samples[Math.max(0, Math.min(size - 1, rank))] / 1000.0;
  }
}
