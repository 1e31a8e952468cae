package dev.headroom.npu;

import dev.headroom.core.BackendException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;

/**
 * A stand-in for an accelerator behind the backend SPI, for pool tests that need a device they can pause, break or
 * make refuse one input. Vectors are {@link TestVectors#forText}, so a result proves which text it belongs to.
 */
final class FakeDevice implements EmbeddingBackend {
  private final String id;
  private final int maxBatch;
  private final int concurrency;
  private final boolean tokens;
  final List<EmbeddingBatch> batches = Collections.synchronizedList(new ArrayList<>());
  final AtomicInteger running = new AtomicInteger();
  final AtomicInteger maxRunning = new AtomicInteger();
  final AtomicInteger calls = new AtomicInteger();
  private volatile CountDownLatch gate = new CountDownLatch(0);
  private volatile IntPredicate failCall = call -> false;
  private volatile String refuse;
  private volatile java.util.function.Function<String, float[]> vectors = text -> TestVectors.forText(text, 384);
  volatile boolean closed;
  private int dims = 384;

  FakeDevice(String id, int maxBatch, int concurrency, boolean tokens) {
    this.id = id;
    this.maxBatch = maxBatch;
    this.concurrency = concurrency;
    this.tokens = tokens;
  }

  /** Claims another vector size. */
  FakeDevice dimensions(int value) {
    this.dims = value;
    return this;
  }

  /** Makes every call wait until {@link #release()}. */
  FakeDevice hold() {
    gate = new CountDownLatch(1);
    return this;
  }

  void release() {
    gate.countDown();
  }

  /** Fails the calls (counted from 1) that {@code which} accepts with an I/O error. */
  FakeDevice failCalls(IntPredicate which) {
    this.failCall = which;
    return this;
  }

  /** Answers each text with {@code value} instead of its test vector (NaN, zeros: a broken model). */
  FakeDevice answer(java.util.function.Function<String, float[]> value) {
    this.vectors = value;
    return this;
  }

  /** Refuses (HTTP 400) any batch holding a text that contains {@code marker}. */
  FakeDevice refuse(String marker) {
    this.refuse = marker;
    return this;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public int dimensions() {
    return dims;
  }

  @Override
  public int maxBatchSize() {
    return maxBatch;
  }

  @Override
  public int maxConcurrency() {
    return concurrency;
  }

  @Override
  public boolean needsTokens() {
    return tokens;
  }

  @Override
  public Map<String, String> labels() {
    return Map.of("kind", "local", "device", "FAKE");
  }

  @Override
  public List<float[]> embed(EmbeddingBatch batch) throws Exception {
    int now = running.incrementAndGet();
    maxRunning.accumulateAndGet(now, Math::max);
    try {
      int call = calls.incrementAndGet();
      batches.add(batch);
      gate.await();
      if (failCall.test(call)) {
        throw new IOException(id + ": device reset during call " + call);
      }
      List<float[]> out = new ArrayList<>();
      for (String text : batch.texts()) {
        if (refuse != null && text.contains(refuse)) {
          throw new BackendException(id, 400, "refused an input", "{\"error\":\"bad input\"}", null);
        }
        out.add(vectors.apply(text));
      }
      return out;
    } finally {
      running.decrementAndGet();
    }
  }

  int textsEmbedded() {
    synchronized (batches) {
      return batches.stream().mapToInt(EmbeddingBatch::size).sum();
    }
  }

  @Override
  public void close() {
    closed = true;
    release();
  }
}
