package dev.headroom.spring;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Captures what a piece of code prints to System.out and System.err (logs included: slf4j-simple writes to the
 * current System.err), while still printing it. Spring Boot's OutputCaptureExtension needs JUnit 6.
 */
public final class Output {
  private Output() {}

  /** Work that may throw. */
  public interface Work {
    /** Runs. */
    void run() throws Exception;
  }

  /** Runs {@code work} and returns everything it printed. */
  public static synchronized String of(Work work) throws Exception {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(new Tee(out, captured), true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(new Tee(err, captured), true, StandardCharsets.UTF_8));
    try {
      work.run();
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
    return captured.toString(StandardCharsets.UTF_8);
  }

  private static final class Tee extends OutputStream {
    private final OutputStream a;
    private final OutputStream b;

    Tee(OutputStream a, OutputStream b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public synchronized void write(int c) throws java.io.IOException {
      a.write(c);
      b.write(c);
    }

    @Override
    public synchronized void write(byte[] bytes, int off, int len) throws java.io.IOException {
      a.write(bytes, off, len);
      b.write(bytes, off, len);
    }
  }
}
