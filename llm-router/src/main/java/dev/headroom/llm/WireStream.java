package dev.headroom.llm;

import java.io.IOException;
import java.io.InputStream;

/**
 * An open streamed reply: a bounded line reader and the protocol's line parser (Ollama NDJSON or OpenAI
 * server-sent events). {@link #next()} blocks until the next piece of text or the end.
 */
final class WireStream implements AutoCloseable {
  /** Parses one line; returns null for lines that carry nothing (blank lines, SSE comments). */
  @FunctionalInterface
  interface LineParser {
    Delta parse(String line);
  }

  private final InputStream body;
  private final WireLines reader;
  private final LineParser parser;
  private final Abort abort;
  private boolean ended;

  WireStream(InputStream body, WireLines reader, LineParser parser, Abort abort) {
    this.body = body;
    this.reader = reader;
    this.parser = parser;
    this.abort = abort;
  }

  /**
   * The next delta, or null when the body ended without a final message (a truncated stream).
   *
   * @throws IOException when the connection fails
   * @throws dev.headroom.core.BackendException for an in-band error, malformed JSON or an over-long line
   * @throws RuntimeException the abort's reason when the stream was aborted (timeout, cancellation)
   */
  Delta next() throws IOException {
    if (ended) {
      return null;
    }
    try {
      while (true) {
        String line = reader.readLine();
        if (line == null) {
          ended = true;
          if (abort.fired()) {
            throw WireExchange.aborted(abort, null);
          }
          return null;
        }
        Delta delta = parser.parse(line);
        if (delta != null) {
          ended = delta.done();
          return delta;
        }
      }
    } catch (IOException e) {
      if (abort.fired()) {
        throw WireExchange.aborted(abort, e);
      }
      throw e;
    }
  }

  /** Closes the body; an unfinished reply is cut off. */
  @Override
  public void close() {
    Abort.closeQuietly(body);
  }
}
