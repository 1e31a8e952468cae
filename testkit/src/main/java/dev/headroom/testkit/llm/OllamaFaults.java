package dev.headroom.testkit.llm;

import static dev.headroom.testkit.llm.FakeOllama.error;
import static dev.headroom.testkit.llm.FakeServer.abortConnection;
import static dev.headroom.testkit.llm.FakeServer.sendJson;
import static dev.headroom.testkit.llm.FakeServer.startStream;
import static dev.headroom.testkit.llm.FakeServer.writeFlush;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How an injected {@link LlmFault} shows on a {@link FakeOllama}'s wire, at each of the three points a request can
 * meet it: before it is admitted (busy, an error status, a reset), in place of a non-streamed reply, and part-way
 * through a stream (after {@link LlmFault#afterTokens()} tokens).
 */
final class OllamaFaults {
  private final FakeServer server;
  private final AtomicLong busyReplies;

  /** Faults of {@code server}; injected busy replies are counted in {@code busyReplies}. */
  OllamaFaults(FakeServer server, AtomicLong busyReplies) {
    this.server = server;
    this.busyReplies = busyReplies;
  }

  /** Faults that refuse the request before it is admitted; true when one replied. */
  boolean refused(HttpExchange exchange, LlmFault fault) throws IOException {
    switch (fault.kind()) {
      case BUSY -> {
        FakeServer.retryAfter(exchange, fault);
        busyReplies.incrementAndGet();
        sendJson(exchange, 503, error(FakeOllama.BUSY_MESSAGE));
        return true;
      }
      case ERROR_STATUS -> {
        sendJson(exchange, fault.status(), error("llama runner process has terminated: injected failure"));
        return true;
      }
      case RESET -> abortConnection();
      default -> { } // the others happen while generating
    }
    return false;
  }

  /** Faults that replace a non-streaming reply; true when one was applied. */
  boolean replacedReply(HttpExchange exchange, LlmFault fault, String model) throws IOException {
    switch (fault.kind()) {
      case MALFORMED_JSON -> sendJson(exchange, 200, "{\"model\":\"" + model + "\",\"message\":{\"content\":\"cut");
      case OVERSIZED_BODY -> {
        OutputStream out = startStream(exchange, "application/json; charset=utf-8");
        server.writeOversized(out, "{\"model\":\"" + model + "\",\"message\":{\"role\":\"assistant\",\"content\":\"",
            fault.bytes());
      }
      case IN_BAND_ERROR -> sendJson(exchange, 500, error("an error was encountered while running the model"));
      case DISCONNECT_MID_STREAM -> {
        OutputStream out = startStream(exchange, "application/json; charset=utf-8");
        writeFlush(out, "{\"model\":\"" + model + "\",");
        abortConnection();
      }
      case STALL -> server.stall();
      default -> {
        return false;
      }
    }
    return true;
  }

  /** Applies a fault at this point of a stream; true when the stream ends here. */
  boolean endedStream(OutputStream out, LlmFault fault, String model) throws IOException {
    switch (fault.kind()) {
      case DISCONNECT_MID_STREAM -> abortConnection();
      case IN_BAND_ERROR -> {
        writeFlush(out, "{\"error\":\"an error was encountered while running the model: injected\"}\n");
        out.close();
        return true;
      }
      case MALFORMED_JSON -> {
        writeFlush(out, "{\"model\":\"" + model + "\",\"message\":{\"content\":\"cut\n");
        out.close();
        return true;
      }
      case STALL -> {
        server.stall();
        return true;
      }
      case OVERSIZED_BODY -> {
        server.writeOversized(out, "{\"model\":\"" + model + "\",\"message\":{\"role\":\"assistant\",\"content\":\"",
            fault.bytes());
        out.close();
        return true;
      }
      default -> {
        return false;
      }
    }
    return true;
  }
}
