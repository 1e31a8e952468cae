package dev.headroom.llm;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.headroom.core.BackendException;
import dev.headroom.core.http.RetryAfter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * The HTTP plumbing both clients share: one exchange with abort support, bounded body reads, JSON parsing that turns
 * garbage into a {@link BackendException} with an excerpt, and mapping of error statuses.
 */
final class WireExchange {
  /**
   * Reads a bare {@code NaN} or {@code Infinity} (what Python's json module writes) as a number, so that
   * {@link EmbedCheck} names it instead of a parse error hiding it; every reply is still checked before use.
   */
  static final ObjectMapper JSON = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();
  /** The most bytes of an error reply that are read (only an excerpt is kept anyway). */
  private static final int MAX_ERROR_BODY = 64 * 1024;

  private final HttpClient client;
  private final long maxBodyBytes;
  private final int maxLineBytes;
  private final java.util.function.UnaryOperator<String> redactor;

  /**
   * @param redactor applied to every excerpt of a reply that goes into an exception (removes secrets a server
   *     might echo)
   */
  WireExchange(HttpClient client, long maxBodyBytes, int maxLineBytes,
      java.util.function.UnaryOperator<String> redactor) {
    this.client = client;
    this.maxBodyBytes = maxBodyBytes;
    this.maxLineBytes = maxLineBytes;
    this.redactor = redactor;
  }

  /** Maps an error reply to the exception the caller sees. */
  @FunctionalInterface
  interface ErrorMapper {
    /** @param retryAfter the reply's {@code Retry-After}, or null */
    BackendException map(String endpoint, int status, String body, Duration retryAfter);
  }

  /**
   * Sends {@code request} and waits for the reply headers. A non-2xx reply is read (bounded) and mapped to an
   * exception; a 2xx reply is returned with its body unread.
   */
  HttpResponse<InputStream> exchange(HttpRequest request, String endpoint, Abort abort, ErrorMapper errors)
      throws IOException, InterruptedException {
    CompletableFuture<HttpResponse<InputStream>> future =
        client.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream());
    abort.attach(future);
    HttpResponse<InputStream> response;
    try {
      response = future.get();
    } catch (InterruptedException e) {
      future.cancel(true);
      throw e;
    } catch (CancellationException e) {
      throw aborted(abort, e);
    } catch (ExecutionException e) {
      if (abort.fired()) {
        throw aborted(abort, e.getCause());
      }
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IOException(cause);
    }
    abort.attach(response.body());
    int status = response.statusCode();
    if (status / 100 != 2) {
      String body;
      try (InputStream in = response.body()) {
        body = new String(in.readNBytes(MAX_ERROR_BODY), StandardCharsets.UTF_8);
      }
      throw errors.map(endpoint, status, body, retryAfter(response.headers().firstValue("Retry-After").orElse(null)));
    }
    return response;
  }

  /** The whole body, failing with a {@link BackendException} past {@code maxBodyBytes} without reading on. */
  byte[] readBody(InputStream in, String endpoint, Abort abort) throws IOException {
    try (in) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buffer = new byte[16 * 1024];
      long total = 0;
      int n;
      while ((n = in.read(buffer)) > 0) {
        total += n;
        if (total > maxBodyBytes) {
          byte[] start = out.size() > 0 ? out.toByteArray() : buffer;
          throw new BackendException(endpoint, 200, "reply body larger than " + maxBodyBytes + " bytes",
              redactor.apply(new String(start, 0, Math.min(start.length, 1024), StandardCharsets.UTF_8)), null);
        }
        out.write(buffer, 0, n);
      }
      if (abort.fired()) { // closed to abort: the end of the body is not the end of the reply
        throw aborted(abort, null);
      }
      return out.toByteArray();
    } catch (IOException e) {
      if (abort.fired()) {
        throw aborted(abort, e);
      }
      throw new BackendException(endpoint, 200, "reply body cut short: " + e, "", e);
    }
  }

  /** A bounded line reader over a reply body. */
  WireLines lines(InputStream in, String endpoint) {
    return new WireLines(in, maxLineBytes, endpoint, redactor);
  }

  /**
   * The reply of a non-streamed call as exactly one JSON value: the whole body is read (bounded by
   * {@code maxBodyBytes}) and must hold one value and nothing but whitespace after it. An HTML page, an empty body,
   * several values (NDJSON to a non-stream request) or trailing data are a bad reply from that node - a
   * {@link BackendException} (status 200, so a failure of the node), never the first value taken as the answer;
   * when one of several values is an in-band {@code {"error": ...}}, the error names it.
   */
  JsonNode readJson(HttpResponse<InputStream> response, String endpoint, Abort abort) throws IOException {
    rejectHtml(response, endpoint);
    return one(readBody(response.body(), endpoint, abort), endpoint);
  }

  /** A bad reply when a 200 is an HTML page (a proxy's error page, a captive portal) where JSON was asked for. */
  void rejectHtml(HttpResponse<InputStream> response, String endpoint) {
    String type = response.headers().firstValue("Content-Type").orElse("");
    if (type.toLowerCase(java.util.Locale.ROOT).startsWith("text/html")) {
      String start;
      try (InputStream in = response.body()) {
        start = new String(in.readNBytes(1024), StandardCharsets.UTF_8);
      } catch (IOException e) {
        start = "";
      }
      throw new BackendException(endpoint, response.statusCode(), "reply is an HTML page (" + type
          + "), not JSON", redactor.apply(start), null);
    }
  }

  /** Exactly one JSON value in {@code bytes}; see {@link #readJson}. */
  JsonNode one(byte[] bytes, String endpoint) {
    JsonNode first;
    long end;
    try (JsonParser parser = JSON.createParser(bytes)) {
      first = JSON.readTree(parser);
      end = parser.getCurrentLocation().getByteOffset();
    } catch (JsonProcessingException e) {
      // not the parser's message: it may quote the body, which the redacted excerpt already shows
      throw bad(endpoint, "malformed JSON in reply"
          + (e.getLocation() == null ? "" : " at byte " + e.getLocation().getByteOffset()), bytes);
    } catch (IOException e) {
      throw bad(endpoint, "unreadable reply: " + e.getMessage(), bytes);
    }
    if (first == null || first.isMissingNode()) {
      throw bad(endpoint, "empty reply", bytes);
    }
    for (long i = Math.max(0, end); i < bytes.length; i++) {
      if (!Character.isWhitespace(bytes[(int) i])) {
        String error = inBandError(bytes);
        throw bad(endpoint, error != null ? "error in reply: " + error
            : "reply holds more than one JSON value (or data after it)", bytes);
      }
    }
    return first;
  }

  /** The message of the first {@code {"error": ...}} among several JSON values, or null. */
  private static String inBandError(byte[] bytes) {
    try (MappingIterator<JsonNode> values = JSON.readerFor(JsonNode.class).readValues(bytes)) {
      while (values.hasNextValue()) {
        JsonNode value = values.nextValue();
        if (value.has("error")) {
          return errorMessage(value.toString());
        }
      }
    } catch (IOException | RuntimeException garbage) {
      // a malformed value after the first: no in-band error to report
    }
    return null;
  }

  private BackendException bad(String endpoint, String message, byte[] bytes) {
    return new BackendException(endpoint, 200, redactor.apply(message),
        redactor.apply(new String(bytes, 0, Math.min(bytes.length, 1024), StandardCharsets.UTF_8)), null);
  }

  /** Parses one line of a stream. */
  static JsonNode parse(String line, String endpoint) {
    try {
      return JSON.readTree(line);
    } catch (JsonProcessingException e) {
      throw new BackendException(endpoint, 200, "malformed JSON in stream: " + e.getOriginalMessage(), line, null);
    }
  }

  /** The exception for an aborted exchange: the abort's own reason when it is unchecked. */
  static RuntimeException aborted(Abort abort, Throwable cause) {
    Throwable reason = abort.reason();
    if (reason instanceof RuntimeException runtime) {
      return runtime;
    }
    return new CancellationException("aborted" + (cause == null ? "" : ": " + cause));
  }

  /** A {@code Retry-After} value ({@link RetryAfter}); null when absent or unreadable. */
  static Duration retryAfter(String value) {
    return RetryAfter.parse(value).orElse(null);
  }

  /** {@code path} under {@code base}, keeping any path prefix the base has. */
  static java.net.URI at(java.net.URI base, String path) {
    String text = base.toString();
    return java.net.URI.create((text.endsWith("/") ? text.substring(0, text.length() - 1) : text) + path);
  }

  /** The message of an error body: Ollama's {@code {"error":"..."}} or OpenAI's {@code {"error":{"message":..}}}. */
  static String errorMessage(String body) {
    try {
      JsonNode error = JSON.readTree(body).path("error");
      if (error.isTextual()) {
        return error.asText();
      }
      if (error.path("message").isTextual()) {
        return error.path("message").asText();
      }
    } catch (IOException | RuntimeException notJson) {
      // fall through: the raw body is the message
    }
    return body.length() > 200 ? body.substring(0, 200) + "…" : body;
  }
}
