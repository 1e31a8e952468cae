package dev.headroom.llm;

import java.util.Objects;

/** A secret such as an API key. Its {@code toString} never shows the value; {@link #redact} scrubs it from text. */
final class Secret {
  static final String MASK = "[redacted]";
  private final String value;

  Secret(String value) {
    this.value = Objects.requireNonNull(value, "secret");
  }

  /** The value, for the one place that sends it (an HTTP header). */
  String reveal() {
    return value;
  }

  /** {@code text} with every occurrence of the secret replaced by a mask. */
  String redact(String text) {
    if (text == null || value.isEmpty() || !text.contains(value)) {
      return text;
    }
    return text.replace(value, MASK);
  }

  @Override
  public String toString() {
    return MASK;
  }
}
