package dev.headroom.llm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.headroom.core.BackendException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * The HTTP plumbing both clients share: one exchange with abort support, bounded body reads, JSON parsing that turns
 * garbage into a {@link BackendException} with an excerpt, and mapping of error statuses.
 */
final class Http {
  static final ObjectMapper JSON = new ObjectMapper();
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
  Http(HttpClient client, long maxBodyBytes, int maxLineBytes, java.util.function.UnaryOperator<String> redactor) {
    this.client = client;
    this.maxBodyBytes = maxBodyBytes;
    this.maxLineBytes = maxLineBytes;
    this.redactor = redactor;
  }

  /** Maps an error reply to the exception the caller sees. */
  @FunctionalInterface
  interface ErrorMapper {
    BackendException map(String endpoint, int status, String body);
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
      throw errors.map(endpoint, status, body);
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
      throw e;
    }
  }

  /** A bounded line reader over a reply body. */
  LineReader lines(InputStream in, String endpoint) {
    return new LineReader(in, maxLineBytes, endpoint, redactor);
  }

  /** Parses JSON, turning garbage into a {@link BackendException} with an excerpt of it. */
  static JsonNode parse(byte[] bytes, String endpoint, int status) {
    try {
      return JSON.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw new BackendException(endpoint, status, "malformed JSON in reply: " + e.getOriginalMessage(),
          new String(bytes, 0, Math.min(bytes.length, 1024), StandardCharsets.UTF_8), null);
    } catch (IOException e) {
      throw new BackendException(endpoint, status, "unreadable reply: " + e.getMessage(), "", e);
    }
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
