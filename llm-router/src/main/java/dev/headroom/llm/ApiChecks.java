package dev.headroom.llm;

import dev.headroom.core.Checks;
import java.net.URI;

/** The checks that every OpenAI-compatible API's settings share ({@link CloudConfig}, {@link Provider}). */
final class ApiChecks {
  private ApiChecks() {}

  /** An API key set on a builder; blank is a {@code ConfigException} at {@code apiKey} that shows no part of it. */
  static Secret apiKey(String value, Checks checks) {
    if (value == null || value.isBlank()) {
      throw checks.invalid("apiKey", "<empty>", "must be non-empty when set");
    }
    return new Secret(value);
  }

  /** Checks that {@code uri} is an http or https URI, at {@code uri}. */
  static void httpUri(URI uri, Checks checks) {
    if (uri == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
      throw checks.invalid("uri", uri, "must be an http or https URI");
    }
  }
}
