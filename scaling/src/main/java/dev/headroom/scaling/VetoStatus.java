package dev.headroom.scaling;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Where one {@link VetoRule} stands at the last sample.
 *
 * @param veto the veto's name
 * @param blocks the direction it blocks
 * @param active true while it blocks
 * @param value the metric's value at the last sample, NaN when it had none (see {@link #lastValue()})
 * @param since since when it has been active, or {@link Instant#MIN} when inactive (see {@link #activeSince()})
 */
public record VetoStatus(String veto, ScaleDirection blocks, boolean active, double value, Instant since) {

  /** The metric's value at the last sample, if it had one. */
  public OptionalDouble lastValue() {
    return Double.isNaN(value) ? OptionalDouble.empty() : OptionalDouble.of(value);
  }

  /** Since when the veto has been active, if it is. */
  public Optional<Instant> activeSince() {
    return active ? Optional.of(since) : Optional.empty();
  }

  /** A JSON-friendly map for an info endpoint. */
  public Map<String, Object> toMap() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("veto", veto);
    out.put("blocks", blocks.tag());
    out.put("active", active);
    lastValue().ifPresent(v -> out.put("value", v));
    activeSince().ifPresent(s -> out.put("since", s.toString()));
    return out;
  }
}
