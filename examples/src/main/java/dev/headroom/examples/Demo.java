package dev.headroom.examples;

import dev.headroom.examples.browser.BrowserDemo;
import dev.headroom.examples.llm.LlmDemo;
import dev.headroom.examples.npu.NpuDemo;
import dev.headroom.examples.routing.RoutingDemo;
import java.io.PrintStream;
import java.util.Locale;

/**
 * The Headroom demo: runs on embedded fakes on loopback, needs no external server.
 *
 * <pre>
 * java -jar examples/target/headroom-demo.jar [--small] [--requests N] [--clients N]
 * </pre>
 */
public final class Demo {
  private Demo() {}

  /** Runs the demo; exits non-zero only on a usage error. */
  public static void main(String[] args) throws Exception {
    int code = run(args, System.out);
    if (code != 0) {
      System.exit(code);
    }
  }

  /** Runs the demo, printing to {@code out}; returns the exit code. */
  public static int run(String[] args, PrintStream out) throws Exception {
    boolean small = false;
    int requests = 2500;
    int clients = 32;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--small" -> {
          small = true;
          requests = 400;
          clients = 8;
        }
        case "--requests" -> requests = Integer.parseInt(args[++i]);
        case "--clients" -> clients = Integer.parseInt(args[++i]);
        default -> {
          out.println("usage: headroom-demo [--small] [--requests N] [--clients N]");
          out.println("unknown argument: " + args[i]);
          return 2;
        }
      }
    }
    out.println("Headroom demo" + (small ? " (small)" : ""));
    out.println();
    int load = requests;
    int concurrency = clients;
    boolean smallRun = small;
    section(out, "1. Routing: Headroom vs round robin", () -> RoutingDemo.run(out, load, concurrency));
    section(out, "2. LLM router: model-aware routing over an Ollama fleet", () -> LlmDemo.run(out, smallRun));
    section(out, "3. Browser pool: isolated Chromium sessions with a cap per host",
        () -> BrowserDemo.run(out, smallRun));
    section(out, "4. Embeddings: batched ONNX Runtime on the CPU, a remote worker",
        () -> NpuDemo.run(out, smallRun));
    return 0;
  }

  /** One part of the demo. */
  @FunctionalInterface
  private interface Section {
    void run() throws Exception;
  }

  private static void section(PrintStream out, String title, Section section) throws Exception {
    out.printf(Locale.ROOT, "== %s%n%n", title);
    long start = System.nanoTime();
    section.run();
    out.printf(Locale.ROOT, "%n(%s: %.1f s)%n%n", title.substring(title.indexOf(' ') + 1),
        (System.nanoTime() - start) / 1e9);
  }
}
