package dev.headroom.testkit.redis;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs {@code redis-cli} against one loopback port and returns what it printed. */
final class RedisCli {
  private final String executable;
  private final String password;

  /** @param password the nodes' {@code requirepass}, or null: passed in {@code REDISCLI_AUTH}, never as an argument */
  RedisCli(String executable, String password) {
    this.executable = executable;
    this.password = password;
  }

  /** Runs {@code redis-cli -h 127.0.0.1 -p port args...}; fails when it cannot run or exits non-zero. */
  String run(int port, Duration timeout, String... args) {
    List<String> command = new ArrayList<>();
    command.add(executable);
    command.add("-h");
    command.add("127.0.0.1");
    command.add("-p");
    command.add(Integer.toString(port));
    command.addAll(List.of(args));
    return exec(command, timeout, null, password);
  }

  /** Runs {@code redis-cli} with the arguments as given (for {@code --cluster} subcommands). */
  String raw(Duration timeout, Path log, String... args) {
    List<String> command = new ArrayList<>();
    command.add(executable);
    command.addAll(List.of(args));
    return exec(command, timeout, log, password);
  }

  private static String exec(List<String> command, Duration timeout, Path log, String password) {
    Path out = null;
    try {
      out = Files.createTempFile("redis-cli", ".out");
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      if (password != null) {
        builder.environment().put("REDISCLI_AUTH", password);
      }
      Process process = builder.start();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("redis-cli timed out after " + timeout + ": " + String.join(" ", command));
      }
      String text = Files.readString(out, StandardCharsets.UTF_8);
      if (log != null) {
        Files.writeString(log, text);
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException("redis-cli exited " + process.exitValue() + ": " + String.join(" ", command)
            + "\n" + text);
      }
      return text.strip();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + command.get(0) + " (install the Debian package redis-tools)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running redis-cli", e);
    } finally {
      if (out != null) {
        try {
          Files.deleteIfExists(out);
        } catch (IOException ignored) {
          // a temp file left behind is harmless
        }
      }
    }
  }
}
