package dev.headroom.browser;

import dev.headroom.core.time.Scheduler;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One headless Chromium process the pool launched: a fresh profile directory, its DevTools endpoint (from the
 * "DevTools listening on" line it prints, or its {@code DevToolsActivePort} file), its resident memory, and a kill
 * that takes its whole process tree and deletes the profile.
 */
final class ChromiumProcess {
  private static final Logger log = LoggerFactory.getLogger(ChromiumProcess.class);
  private static final String LISTENING = "DevTools listening on ";
  private static final int KEEP_LINES = 25;
  private static final Duration KILL_WAIT = Duration.ofSeconds(5);

  /** Flags that keep Chromium off the network, quiet on a server, and its pages running at full speed. */
  static final List<String> QUIET_FLAGS = List.of(
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-gpu",
      "--disable-dev-shm-usage",
      "--no-default-browser-check",
      "--disable-default-apps",
      "--disable-extensions",
      "--disable-domain-reliability",
      "--disable-client-side-phishing-detection",
      "--disable-breakpad",
      "--metrics-recording-only",
      "--mute-audio",
      "--disable-background-timer-throttling", // every session's window is "in the background" in headless mode
      "--disable-backgrounding-occluded-windows",
      "--disable-renderer-backgrounding",
      "--disable-hang-monitor",
      "--password-store=basic",
      "--use-mock-keychain");

  /**
   * Features turned off: network-facing ones, and the omnibox pop-up WebUIs that Chromium 13x+ pre-renders in every
   * new window (one extra renderer process per context, for an address bar nobody sees in headless mode). Unknown
   * names are ignored by Chromium, so the list is safe across versions.
   */
  static final List<String> DISABLED_FEATURES = List.of("Translate", "MediaRouter", "OptimizationHints",
      "AutofillServerCommunication", "WebUIOmniboxPopup", "WebUIOmniboxAimPopup", "WebUIOmniboxFullPopup");

  private static final String DISABLE_FEATURES = "--disable-features=";

  private final String host;
  private final Process process;
  private final Path userDataDir;
  private final CompletableFuture<URI> devTools = new CompletableFuture<>();
  private final ArrayDeque<String> lastLines = new ArrayDeque<>();
  private boolean killed;

  private ChromiumProcess(String host, Process process, Path userDataDir) {
    this.host = host;
    this.process = process;
    this.userDataDir = userDataDir;
  }

  /** The command line: executable, headless and sandbox flags, profile, DevTools port, quiet flags, extras. */
  static List<String> command(Path executable, Path userDataDir, int port, boolean root, List<String> extraArgs) {
    List<String> command = new ArrayList<>();
    command.add(executable.toString());
    command.add("--headless=new");
    if (root) {
      command.add("--no-sandbox"); // Chromium refuses to run as root with its sandbox
    }
    command.add("--user-data-dir=" + userDataDir);
    command.add("--remote-debugging-address=127.0.0.1");
    command.add("--remote-debugging-port=" + port);
    command.addAll(QUIET_FLAGS);
    // Chromium reads only the last --disable-features: merge the caller's into ours
    List<String> disabled = new ArrayList<>(DISABLED_FEATURES);
    for (String arg : extraArgs) {
      if (arg.startsWith(DISABLE_FEATURES)) {
        disabled.addAll(List.of(arg.substring(DISABLE_FEATURES.length()).split(",")));
      } else {
        command.add(arg);
      }
    }
    command.add(DISABLE_FEATURES + String.join(",", disabled));
    command.add("about:blank");
    return command;
  }

  /**
   * Starts Chromium with a new profile directory under the system temp directory.
   *
   * @param port the DevTools port, 0 for any free one
   * @throws BrowserLaunchException when the process cannot be started
   */
  static ChromiumProcess start(String host, Path executable, int port, List<String> extraArgs) {
    Path dir;
    try {
      dir = Files.createTempDirectory("headroom-chromium-" + host.replaceAll("[^A-Za-z0-9_.-]", "_") + "-");
    } catch (IOException e) {
      throw new BrowserLaunchException(host, "cannot create a profile directory: " + e, e);
    }
    List<String> command = command(executable, dir, port, Processes.runningAsRoot(), extraArgs);
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      Processes.deleteTree(dir);
      throw new BrowserLaunchException(host, "cannot start " + executable + ": " + e, e);
    }
    ChromiumProcess chromium = new ChromiumProcess(host, process, dir);
    Thread reader = new Thread(chromium::readOutput, "headroom-chromium-" + host + "-" + process.pid());
    reader.setDaemon(true);
    reader.start();
    log.debug("browser host '{}': started Chromium pid {} with profile {}", host, process.pid(), dir);
    return chromium;
  }

  long pid() {
    return process.pid();
  }

  Path userDataDir() {
    return userDataDir;
  }

  /** Completes when the browser process has exited. */
  CompletableFuture<Process> onExit() {
    return process.onExit();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /**
   * The browser's DevTools WebSocket URL, from the "DevTools listening on" line it prints or from the
   * {@code DevToolsActivePort} file it writes into its profile, whichever comes first (the file is looked at with
   * growing intervals, for wrappers that swallow Chromium's output). Fails with a {@link BrowserLaunchException}
   * when the process exits first or when neither appears in time.
   */
  CompletableFuture<URI> devToolsUrl(Duration timeout, Scheduler scheduler) {
    Scheduler.Cancellable timer = scheduler.schedule(timeout, () -> {
      Optional<URI> fromFile = readActivePort();
      if (fromFile.isPresent()) {
        devTools.complete(fromFile.get());
      } else {
        devTools.completeExceptionally(new BrowserLaunchException(host, "Chromium pid " + pid()
            + " did not open its DevTools port within " + timeout.toMillis() + " ms; last output: " + recentOutput()));
      }
    });
    devTools.whenComplete((url, error) -> timer.cancel());
    watchActivePort(scheduler, 50);
    return devTools;
  }

  private void watchActivePort(Scheduler scheduler, long delayMillis) {
    if (devTools.isDone()) {
      return;
    }
    scheduler.schedule(Duration.ofMillis(delayMillis), () -> {
      readActivePort().ifPresentOrElse(devTools::complete,
          () -> watchActivePort(scheduler, Math.min(1_000, delayMillis * 2)));
    });
  }

  /** The memory of the browser and all its helper processes (summed PSS, see {@link Processes#treeRssBytes}). */
  long rssBytes() {
    return Processes.treeRssBytes(process.toHandle());
  }

  /** The last lines Chromium printed, for error messages. */
  String recentOutput() {
    synchronized (lastLines) {
      return lastLines.isEmpty() ? "(none)" : String.join(" | ", lastLines);
    }
  }

  /**
   * Kills the browser and every process of its tree with SIGKILL (descendants found both through the process tree
   * and by the unique profile directory on their command lines, which also finds helpers re-parented after a crash),
   * waits for them to exit and deletes the profile directory. Idempotent; blocks for at most a few seconds.
   */
  void kill() {
    synchronized (this) {
      if (killed) {
        return;
      }
      killed = true;
    }
    String marker = "--user-data-dir=" + userDataDir;
    ProcessHandle root = process.toHandle();
    Set<ProcessHandle> victims = new LinkedHashSet<>();
    victims.add(root);
    root.descendants().forEach(victims::add);
    victims.addAll(Processes.withArgument(marker));
    victims.forEach(ProcessHandle::destroyForcibly);
    long deadline = System.nanoTime() + KILL_WAIT.toNanos();
    for (ProcessHandle victim : victims) {
      try {
        victim.onExit().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (Exception e) {
        log.warn("browser host '{}': process {} did not exit after SIGKILL", host, victim.pid());
      }
    }
    Processes.withArgument(marker).forEach(ProcessHandle::destroyForcibly); // anything forked meanwhile
    if (!Processes.deleteTree(userDataDir)) {
      log.warn("browser host '{}': could not delete the profile directory {}", host, userDataDir);
    }
    log.debug("browser host '{}': killed Chromium pid {} and {} helper processes", host, pid(), victims.size() - 1);
  }

  @Override
  public String toString() {
    return "Chromium{" + host + ", pid " + pid() + '}';
  }

  private Optional<URI> readActivePort() {
    try {
      List<String> lines = Files.readAllLines(userDataDir.resolve("DevToolsActivePort"), StandardCharsets.UTF_8);
      if (lines.size() >= 2) {
        return Optional.of(URI.create("ws://127.0.0.1:" + lines.get(0).trim() + lines.get(1).trim()));
      }
    } catch (IOException | IllegalArgumentException e) {
      // not there (yet)
    }
    return Optional.empty();
  }

  private void readOutput() {
    try (BufferedReader reader = new BufferedReader(
        new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        synchronized (lastLines) {
          if (lastLines.size() == KEEP_LINES) {
            lastLines.removeFirst();
          }
          lastLines.addLast(line.length() > 300 ? line.substring(0, 300) + "..." : line);
        }
        if (!devTools.isDone()) {
          int at = line.indexOf(LISTENING);
          if (at >= 0) {
            try {
              devTools.complete(URI.create(line.substring(at + LISTENING.length()).trim()));
            } catch (IllegalArgumentException e) {
              devTools.completeExceptionally(new BrowserLaunchException(host, "unreadable DevTools line: " + line));
            }
          }
        }
      }
    } catch (IOException e) {
      // stream closed: the process is gone
    }
    process.onExit().thenAccept(p -> devTools.completeExceptionally(new BrowserLaunchException(host,
        "Chromium pid " + p.pid() + " exited with " + p.exitValue() + " before opening its DevTools port; last output: "
            + recentOutput())));
  }
}
