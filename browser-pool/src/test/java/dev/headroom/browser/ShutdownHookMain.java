package dev.headroom.browser;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;

/**
 * Run in a child JVM by {@link NoOrphansTest}: starts a pool with one local host, leases a session, prints the
 * browser's process tree and profile directory, then waits to be terminated without closing the pool. The host
 * id (the first argument) is unique per run, so that its profile directories and processes can be told apart.
 */
public final class ShutdownHookMain {
  private ShutdownHookMain() {}

  public static void main(String[] args) throws Exception {
    String host = args[0];
    BrowserPool pool = BrowserPool.create(BrowserPoolConfig.builder("hooked")
        .host(BrowserHost.local(host).maxSessions(1))
        .relaunchBackoff(Duration.ofMillis(1), Duration.ofMillis(10)) // relaunching eagerly while the JVM exits
        .build());
    BrowserSession session = pool.lease(Duration.ofSeconds(30));
    session.navigate("about:blank");
    long pid = pool.host(host).orElseThrow().pid().orElseThrow();
    List<Long> tree = Procs.tree(pid);
    System.out.println("PIDS " + tree.stream().map(String::valueOf).collect(Collectors.joining(" ")));
    System.out.println("DIR " + profileDir(pid));
    System.out.flush();
    new CountDownLatch(1).await(); // until SIGTERM; the pool is never closed
  }

  static String profileDir(long pid) throws Exception {
    String cmdline = new String(Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline")), StandardCharsets.UTF_8);
    for (String arg : cmdline.split("\0")) {
      if (arg.startsWith("--user-data-dir=")) {
        return arg.substring("--user-data-dir=".length());
      }
    }
    throw new IllegalStateException("no --user-data-dir in " + cmdline);
  }
}
