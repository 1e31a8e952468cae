package dev.headroom.testkit;

/** Settings every JDK {@code HttpServer}-based fake in this kit needs. */
public final class HttpServers {
  private HttpServers() {}

  /**
   * Turns on TCP_NODELAY for the JDK's {@code com.sun.net.httpserver} (property {@code sun.net.httpserver.nodelay})
   * unless the application chose otherwise. Without it, a small reply written as headers then body waits for the
   * client's delayed ACK, adding about 40 ms to every request and swamping the service times a fake simulates.
   * Must run before the first server is created in the JVM; every fake here calls it from its static initializer.
   */
  public static void enableNoDelay() {
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }
}
