package dev.headroom.llm;

import dev.headroom.testkit.hostile.HostileServer;
import dev.headroom.testkit.hostile.Misbehaviour;

/**
 * A {@link HostileServer} that answers the fleet's polls as an Ollama node with {@code llama3.2} pulled (and, when
 * asked, loaded in memory, so the router prefers it), and misbehaves on every other path as told.
 */
final class HostileOllama {
  static final String TAGS = "{\"models\":[{\"name\":\"llama3.2:latest\",\"model\":\"llama3.2:latest\"}]}";
  static final String LOADED = "{\"models\":[{\"name\":\"llama3.2:latest\",\"model\":\"llama3.2:latest\","
      + "\"expires_at\":\"2999-01-01T00:00:00Z\"}]}";
  static final String NONE_LOADED = "{\"models\":[]}";

  private HostileOllama() {}

  /** A node listing llama3.2 ({@code loaded}: in memory too) whose other paths get {@code otherwise}. */
  static HostileServer node(Misbehaviour otherwise, boolean loaded) {
    return HostileServer.start(otherwise)
        .on("/api/tags", json(TAGS))
        .on("/api/ps", json(loaded ? LOADED : NONE_LOADED));
  }

  /** A well-formed 200 {@code application/json} answer. */
  static Misbehaviour json(String body) {
    return Misbehaviour.answer(200, "application/json", body);
  }
}
