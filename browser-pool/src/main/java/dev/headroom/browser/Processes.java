package dev.headroom.browser;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads Linux's {@code /proc}: process trees, command lines, resident memory; and deletes directory trees. */
final class Processes {
  private static final Path PROC = Path.of("/proc");

  private Processes() {}

  /** Whether this process runs as root (then Chromium needs {@code --no-sandbox}). */
  static boolean runningAsRoot() {
    try {
      for (String line : Files.readAllLines(PROC.resolve("self/status"), StandardCharsets.UTF_8)) {
        if (line.startsWith("Uid:")) {
          return line.substring(4).trim().split("\\s+")[0].equals("0");
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: fall through
    }
    return "root".equals(System.getProperty("user.name"));
  }

  /**
   * Processes whose command line contains {@code argument} exactly as one of its arguments' prefix, e.g. a unique
   * {@code --user-data-dir=...}: finds a browser's helpers even after they were re-parented to init.
   */
  static List<ProcessHandle> withArgument(String argument) {
    List<ProcessHandle> found = new ArrayList<>();
    byte[] needle = argument.getBytes(StandardCharsets.UTF_8);
    long self = ProcessHandle.current().pid();
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(PROC, "[0-9]*")) {
      for (Path dir : dirs) {
        long pid;
        try {
          pid = Long.parseLong(dir.getFileName().toString());
        } catch (NumberFormatException e) {
          continue;
        }
        if (pid == self) {
          continue;
        }
        try {
          if (contains(Files.readAllBytes(dir.resolve("cmdline")), needle)) {
            ProcessHandle.of(pid).ifPresent(found::add);
          }
        } catch (IOException | SecurityException e) {
          // exited meanwhile, or not ours to read
        }
      }
    } catch (IOException e) {
      // no /proc
    }
    return found;
  }

  /**
   * The memory of {@code root} and all its descendants: the sum of their proportional set sizes (PSS, from
   * {@code /proc/<pid>/smaps_rollup}), so that pages the processes share (Chromium's helpers are forked from one
   * zygote) count once; each process's VmRSS from {@code /proc/<pid>/status} where PSS cannot be read.
   */
  static long treeRssBytes(ProcessHandle root) {
    long total = memoryBytes(root.pid()).orElse(0L);
    for (ProcessHandle child : (Iterable<ProcessHandle>) root.descendants()::iterator) {
      total += memoryBytes(child.pid()).orElse(0L);
    }
    return total;
  }

  /** One process's PSS, or its VmRSS, if either can be read. */
  static Optional<Long> memoryBytes(long pid) {
    Optional<Long> pss = kilobytes(PROC.resolve(pid + "/smaps_rollup"), "Pss:");
    return pss.isPresent() ? pss : kilobytes(PROC.resolve(pid + "/status"), "VmRSS:");
  }

  private static Optional<Long> kilobytes(Path file, String key) {
    try {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        if (line.startsWith(key)) {
          String[] parts = line.substring(key.length()).trim().split("\\s+");
          return Optional.of(Long.parseLong(parts[0]) * 1024);
        }
      }
    } catch (IOException | RuntimeException e) {
      // exited, or not ours to read
    }
    return Optional.empty();
  }

  /** Whether a process with this pid is alive (present in /proc and not a zombie). */
  static boolean alive(long pid) {
    try {
      String stat = Files.readString(PROC.resolve(pid + "/stat"), StandardCharsets.UTF_8);
      int close = stat.lastIndexOf(')');
      return close > 0 && close + 2 < stat.length() && stat.charAt(close + 2) != 'Z' && stat.charAt(close + 2) != 'X';
    } catch (IOException e) {
      return false;
    }
  }

  /** Deletes a directory tree, ignoring what cannot be deleted; returns whether it is gone. */
  static boolean deleteTree(Path root) {
    if (!Files.exists(root)) {
      return true;
    }
    try {
      Files.walkFileTree(root, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
          try {
            Files.deleteIfExists(file);
          } catch (IOException e) {
            // keep going
          }
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException exc) {
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path dir, IOException exc) {
          try {
            Files.deleteIfExists(dir);
          } catch (IOException e) {
            // a file appeared meanwhile
          }
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      // best effort
    }
    return !Files.exists(root);
  }

  private static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
