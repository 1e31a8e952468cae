package dev.headroom.llm;

import dev.headroom.core.BackendException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads UTF-8 lines from a stream with a bound on the length of one line, so that a server that never sends a
 * newline cannot make the client buffer without limit.
 */
final class WireLines {
  private final InputStream in;
  private final int maxLineBytes;
  private final String endpoint;
  private final java.util.function.UnaryOperator<String> redactor;
  private final byte[] buffer = new byte[8192];
  private int pos;
  private int limit;
  private byte[] line = new byte[256];
  private int length;

  WireLines(InputStream in, int maxLineBytes, String endpoint, java.util.function.UnaryOperator<String> redactor) {
    this.in = in;
    this.redactor = redactor;
    this.maxLineBytes = maxLineBytes;
    this.endpoint = endpoint;
  }

  /** The next line without its terminator ({@code \n} or {@code \r\n}), or null at the end of the stream. */
  String readLine() throws IOException {
    length = 0;
    while (true) {
      if (pos == limit) {
        limit = in.read(buffer);
        pos = 0;
        if (limit <= 0) {
          limit = 0;
          return length == 0 ? null : decode();
        }
      }
      for (int i = pos; i < limit; i++) {
        if (buffer[i] == '\n') {
          append(pos, i - pos);
          pos = i + 1;
          return decode();
        }
      }
      append(pos, limit - pos);
      pos = limit;
    }
  }

  private void append(int from, int count) {
    if (length + count > maxLineBytes) {
      String start = new String(line, 0, Math.min(length, 1024), StandardCharsets.UTF_8);
      throw new BackendException(endpoint, 200, "reply line longer than " + maxLineBytes + " bytes",
          redactor.apply(start), null);
    }
    if (length + count > line.length) {
      line = Arrays.copyOf(line, Math.min(maxLineBytes, Math.max(line.length * 2, length + count)));
    }
    System.arraycopy(buffer, from, line, length, count);
    length += count;
  }

  private String decode() {
    int end = length;
    if (end > 0 && line[end - 1] == '\r') {
      end--;
    }
    return new String(line, 0, end, StandardCharsets.UTF_8);
  }
}
