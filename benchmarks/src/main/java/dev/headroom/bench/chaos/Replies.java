package dev.headroom.bench.chaos;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.headroom.core.BackendException;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The soak client's own checks of an HTTP reply, as a careful user of Headroom would write them. */
final class Replies {
  private static final ObjectReader ONE_JSON_VALUE =
      new ObjectMapper().readerFor(JsonNode.class).with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private Replies() {}

  /**
   * The reply's one JSON object; a non-200 status is a {@link BackendException} carrying the server's
   * {@code Retry-After}, and anything but exactly one JSON object (HTML, several values, a cut body) is a bad reply.
   */
  static JsonNode json(String endpoint, HttpResponse<String> response) {
    if (response.statusCode() != 200) {
      BackendException error = new BackendException(endpoint, response.statusCode(), "HTTP " + response.statusCode(),
          response.body(), null);
      return throwWithRetryAfter(error, response);
    }
    String type = response.headers().firstValue("content-type").orElse("");
    if (!type.startsWith("application/json")) {
      throw new BackendException(endpoint, 200, "reply is " + type + ", not JSON", response.body(), null);
    }
    try {
      JsonNode node = ONE_JSON_VALUE.readValue(response.body());
      if (node == null || !node.isObject()) {
        throw new BackendException(endpoint, 200, "reply is not one JSON object", response.body(), null);
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new BackendException(endpoint, 200, "malformed reply: " + e.getOriginalMessage(), response.body(), e);
    }
  }

  private static JsonNode throwWithRetryAfter(BackendException error, HttpResponse<String> response) {
    var seconds = response.headers().firstValue("retry-after");
    if (seconds.isPresent() && seconds.get().chars().allMatch(Character::isDigit)) {
      throw error.withRetryAfter(Duration.ofSeconds(Long.parseLong(seconds.get())));
    }
    throw error;
  }

  /** The sum of every {@code headroom.inflight} gauge in {@code registry}: leases still held. */
  static long inFlight(MeterRegistry registry) {
    return Math.round(registry.find("headroom.inflight").gauges().stream().mapToDouble(Gauge::value).sum());
  }
}
