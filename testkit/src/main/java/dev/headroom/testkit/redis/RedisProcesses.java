package dev.headroom.testkit.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The {@code redis-server} processes of a {@link RedisClusterFixture}: writes each node's {@code redis.conf}, starts a
 * node and waits until it answers {@code PING}, stops one (SIGTERM or SIGKILL) and waits until it is gone, says which
 * are running, and kills them all. Its map of processes is guarded by the fixture's monitor ({@code lock}), as the
 * fixture's own state is.
 */
final class RedisProcesses {
  private final RedisClusterFixture.Builder config;
  private final RedisCli cli;
  private final Object lock;
  private final Map<RedisNode, Process> processes = new HashMap<>();

  RedisProcesses(RedisClusterFixture.Builder config, RedisCli cli, Object lock) {
    this.config = config;
    this.cli = cli;
    this.lock = lock;
  }

  /** Whether the node's process is running. */
  boolean isRunning(RedisNode node) {
    synchronized (lock) {
      Process process = processes.get(node);
      return process != null && process.isAlive();
    }
  }

  /** The nodes among {@code nodes} whose processes are running, all seen at one moment. */
  List<RedisNode> running(List<RedisNode> nodes) {
    synchronized (lock) {
      return nodes.stream().filter(this::isRunning).toList();
    }
  }

  /** Writes the node's {@code redis.conf}. */
  void writeConfig(RedisNode node) {
    StringBuilder conf = new StringBuilder()
        .append("port ").append(node.port()).append('\n')
        .append("bind 127.0.0.1\n")
        .append("cluster-enabled yes\n")
        .append("cluster-config-file nodes.conf\n")
        .append("cluster-node-timeout ").append(config.nodeTimeout.toMillis()).append('\n')
        .append("cluster-port ").append(node.busPort()).append('\n')
        .append("dir ").append(node.dir()).append('\n')
        .append("save \"\"\n")
        .append("appendonly no\n")
        .append("daemonize no\n")
        .append("logfile redis.log\n");
    if (config.password != null) {
      conf.append("requirepass \"").append(config.password).append("\"\n")
          .append("masterauth \"").append(config.password).append("\"\n");
    }
    config.extraConfig.forEach((key, value) -> conf.append(key).append(' ').append(value).append('\n'));
    try {
      Files.writeString(node.dir().resolve("redis.conf"), conf.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts the node, unless its process is known already. */
  void restart(RedisNode node) {
    synchronized (lock) {
      if (processes.containsKey(node)) {
        return;
      }
    }
    launch(node);
  }

  /** Starts the node's process and waits until it answers {@code PING}. */
  void launch(RedisNode node) {
    Process process;
    try {
      process = new ProcessBuilder(config.redisServer, node.dir().resolve("redis.conf").toString())
          .directory(node.dir().toFile()).redirectErrorStream(true)
          .redirectOutput(node.dir().resolve("stdout.log").toFile()).start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + config.redisServer
          + " (install the Debian package redis-server)", e);
    }
    synchronized (lock) {
      processes.put(node, process);
    }
    long deadline = System.nanoTime() + config.startTimeout.toNanos();
    while (true) {
      if (!process.isAlive()) {
        synchronized (lock) {
          processes.remove(node);
        }
        throw new IllegalStateException(node + " exited at start with " + process.exitValue() + "; log:\n"
            + tail(node.logFile()) + tail(node.dir().resolve("stdout.log")));
      }
      try {
        if ("PONG".equals(cli.run(node.port(), RedisClusterFixture.CLI_TIMEOUT, "PING"))) {
          return;
        }
      } catch (IllegalStateException notYet) {
        // not listening yet
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(node + " did not answer PING within " + config.startTimeout);
      }
      pause(20);
    }
  }

  /** Stops the node with SIGKILL ({@code forcibly}) or SIGTERM and waits until it is gone. */
  void stop(RedisNode node, boolean forcibly) {
    Process process;
    synchronized (lock) {
      process = processes.remove(node);
    }
    if (process != null) {
      if (forcibly) {
        process.destroyForcibly();
      } else {
        process.destroy();
      }
      waitForExit(process, node);
    }
  }

  /** Kills every process and waits until they are gone. */
  void destroyAll() {
    List<Process> all;
    synchronized (lock) {
      all = new ArrayList<>(processes.values());
      processes.clear();
    }
    all.forEach(Process::destroyForcibly);
    for (Process process : all) {
      try {
        process.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
  }

  /** Sleeps between two polls of an external process; never a test assertion. */
  static void pause(long millis) {
    try {
      Thread.sleep(millis); // polling an external process between checks, never a test assertion
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static void waitForExit(Process process, RedisNode node) {
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException(node + " did not exit");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for " + node + " to exit", e);
    }
  }

  private static String tail(Path file) {
    try {
      List<String> lines = Files.readAllLines(file);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size())) + "\n";
    } catch (IOException e) {
      return "";
    }
  }
}
