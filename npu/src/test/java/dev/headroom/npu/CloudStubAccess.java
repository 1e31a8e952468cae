package dev.headroom.npu;

/** Lets tests in other packages start the cloud stand-in. */
public final class CloudStubAccess implements AutoCloseable {
  private final CloudStub stub = new CloudStub();

  private CloudStubAccess() {}

  /** Starts a stand-in on loopback. */
  public static CloudStubAccess start() {
    return new CloudStubAccess();
  }

  /** A backend pointed at it. */
  public CloudEmbeddingBackend backend() {
    return stub.backend();
  }

  /** Requests it received. */
  public int requests() {
    return stub.requests();
  }

  /** The vector it answers for {@code text}. */
  public static float[] vector(String text) {
    return TestVectors.forText(text, 384);
  }

  @Override
  public void close() {
    stub.close();
  }
}
