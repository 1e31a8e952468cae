package dev.headroom.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.headroom.core.HeadroomException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * After {@code close()}, or when the JVM exits, no Chromium process the pool started is left (checked in /proc for
 * exactly the PIDs this test's pools started: other Chromium processes on the machine are not ours to judge).
 */
class NoOrphansTest {

  @Test
  void closeKillsEveryLaunchedBrowserWithItsHelpersAndDeletesTheProfiles() throws Exception {
    List<Long> pids = new ArrayList<>();
    List<Path> profiles = new ArrayList<>();
    BrowserPool pool = BrowserPool.create(BrowserPoolConfig.builder("orphans")
        .host(BrowserHost.local("x").maxSessions(2).minIdle(1))
        .host(BrowserHost.local("y").maxSessions(2))
        .build());
    BrowserSession open;
    try {
      open = pool.lease(Duration.ofSeconds(20));
      open.evaluate("1");
      try (BrowserSession other = pool.lease(Duration.ofSeconds(20))) {
        other.evaluate("1");
        for (HostStatus host : pool.hosts()) {
          long pid = host.pid().orElseThrow();
          pids.addAll(Procs.tree(pid));
          profiles.add(Path.of(ShutdownHookMain.profileDir(pid)));
        }
      }
    } finally {
      pool.close();
    }
    assertThat(pids).hasSizeGreaterThan(4); // two browsers and their zygotes, renderers, utility processes
    assertThat(profiles).allSatisfy(dir -> assertThat(dir.getFileName().toString()).startsWith("headroom-chromium-"));
    await().atMost(Duration.ofSeconds(10)).until(() -> Procs.alive(pids).isEmpty());
    assertThat(profiles).allSatisfy(dir -> assertThat(Files.exists(dir)).isFalse());
    assertThatThrownBy(() -> open.evaluate("1")).isInstanceOf(SessionTerminatedException.class)
        .hasMessageContaining("closed");
    assertThatThrownBy(() -> pool.lease(Duration.ofSeconds(1))).isInstanceOf(HeadroomException.class)
        .hasMessageContaining("closed");
    assertThat(pool.hosts()).allSatisfy(host -> assertThat(host.state()).isEqualTo(HostState.CLOSED));
    open.close(); // harmless after the pool closed
  }

  @Test
  void theShutdownHookKillsTheBrowsersOfAJvmThatExitsWithoutClosingThePool() throws Exception {
    String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String host = "hook" + System.nanoTime();
    Process child = new ProcessBuilder(java, "-cp", classpath, ShutdownHookMain.class.getName(), host)
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
    List<Long> pids = new ArrayList<>();
    Path profile = null;
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
      String line;
      while ((line = out.readLine()) != null) {
        if (line.startsWith("PIDS ")) {
          Arrays.stream(line.substring(5).trim().split(" ")).map(Long::parseLong).forEach(pids::add);
        } else if (line.startsWith("DIR ")) {
          profile = Path.of(line.substring(4).trim());
          break;
        }
      }
      assertThat(pids).as("the child printed its browser's processes").isNotEmpty();
      assertThat(Procs.alive(pids)).isNotEmpty();
      child.destroy(); // SIGTERM: the JVM runs its shutdown hooks
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    } finally {
      child.destroyForcibly();
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> Procs.alive(pids).isEmpty());
    Path dir = profile;
    assertThat(dir).isNotNull();
    await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(dir));
    // nor anything a relaunch under way during the exit could have left: no process, no directory of this host
    String marker = "headroom-chromium-" + host + "-";
    assertThat(Processes.withArgument(marker)).isEmpty();
    try (var entries = Files.list(dir.getParent())) {
      assertThat(entries.filter(p -> p.getFileName().toString().startsWith(marker))).isEmpty();
    }
  }
}
