package dev.headroom.npu;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.headroom.core.BackendException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * A JSON POST over the JDK HttpClient, shared by the remote and cloud backends. A reply must be exactly one JSON
 * value: several (NDJSON sent to a non-streaming request) are an unreadable reply, not the first of them. A bare
 * {@code NaN} or {@code Infinity} (what Python's json module writes) is read, so that {@link EmbeddingCheck} can name
 * it instead of a parse error hiding it.
 */
final class JsonPost {
  static final ObjectMapper MAPPER = JsonMapper.builder()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
      .configure(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, true)
      .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
      .build();

  private final String endpoint;
  private final HttpClient client;
  private final Duration timeout;

  JsonPost(String endpoint, HttpClient client, Duration timeout) {
    this.endpoint = endpoint;
    this.client = client;
    this.timeout = timeout;
  }

  static HttpClient defaultClient(Duration connectTimeout) {
    return HttpClient.newBuilder().connectTimeout(connectTimeout).version(HttpClient.Version.HTTP_1_1).build();
  }

  /**
   * POSTs {@code body} as JSON and reads a 2xx reply as {@code type}.
   *
   * @throws BackendException with the status and a bounded body excerpt for any other status or an unreadable reply
   */
  <T> T post(URI uri, Object body, Map<String, String> headers, Class<T> type)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri)
        .timeout(timeout)
        .header("Content-Type", "application/json")
        .header("Accept", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(MAPPER.writeValueAsBytes(body)));
    headers.forEach(request::header);
    HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    String text = new String(response.body(), StandardCharsets.UTF_8);
    if (response.statusCode() / 100 != 2) {
      throw new BackendException(endpoint, response.statusCode(), "POST " + uri.getPath() + " failed", text, null);
    }
    try {
      return MAPPER.readValue(response.body(), type);
    } catch (IOException e) {
      String contentType = response.headers().firstValue("Content-Type").orElse("none");
      throw new BackendException(endpoint, response.statusCode(), "unreadable reply to POST " + uri.getPath()
          + " (Content-Type " + contentType + "): " + firstLine(e.getMessage()), text, e);
    }
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int end = message.indexOf('\n');
    return end < 0 ? message : message.substring(0, end);
  }
}
