package dev.headroom.examples.routing;

import dev.headroom.core.BackendException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Sends one request to a {@link dev.headroom.testkit.FakeBackend} and returns the name of the backend that served. */
final class BackendClient {
  private static final Pattern BACKEND = Pattern.compile("\"backend\":\"([^\"]+)\"");

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  String call(String endpointId, URI base) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(base.resolve("/work")).timeout(Duration.ofSeconds(5)).GET().build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new BackendException(endpointId, response.statusCode(), "unexpected status", response.body(), null);
    }
    Matcher m = BACKEND.matcher(response.body());
    if (!m.find()) {
      throw new BackendException(endpointId, 200, "reply without a backend name", response.body(), null);
    }
    return m.group(1);
  }
}
