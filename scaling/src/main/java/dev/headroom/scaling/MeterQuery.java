package dev.headroom.scaling;

import dev.headroom.core.Checks;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which Micrometer meters a rule reads: a meter name and tag values that must match. Every registered meter with
 * that name and those tags is read and the values are combined (summed for counters, merged for timers, by a
 * {@link MetricSource.Aggregation} for gauges), as a Prometheus {@code sum(...)} would.
 *
 * @param name the Micrometer meter name, such as {@code headroom.queue.depth}
 * @param tags tag values the meters must have (other tags may vary)
 */
public record MeterQuery(String name, Map<String, String> tags) {

  /** Validates and copies the tags into a sorted, immutable map. */
  public MeterQuery {
    Checks.plain().nonBlank("meter name", name);
    Checks meter = Checks.in("meter '" + name + "'");
    if (tags == null) {
      throw meter.invalid("tags", null, "must be a map (empty for none)");
    }
    tags.forEach((key, value) -> {
      if (key == null || key.isBlank() || value == null) {
        throw meter.invalid("tags", key + "=" + value, "must have non-empty keys and values");
      }
    });
    tags = java.util.Collections.unmodifiableMap(new TreeMap<>(tags));
  }

  /** A query for meters named {@code name} with the given tag key/value pairs. */
  public static MeterQuery of(String name, String... tagKeyValues) {
    if (tagKeyValues.length % 2 != 0) {
      throw Checks.in("meter '" + name + "'").invalid("tags", String.join(",", tagKeyValues),
          "must be key/value pairs");
    }
    Map<String, String> tags = new TreeMap<>();
    for (int i = 0; i < tagKeyValues.length; i += 2) {
      tags.put(tagKeyValues[i], tagKeyValues[i + 1]);
    }
    return new MeterQuery(name, tags);
  }

  /** A copy that also requires {@code key=value}. */
  public MeterQuery tag(String key, String value) {
    Map<String, String> copy = new TreeMap<>(tags);
    copy.put(key, value);
    return new MeterQuery(name, copy);
  }

  @Override
  public String toString() {
    if (tags.isEmpty()) {
      return name;
    }
    StringBuilder out = new StringBuilder(name).append('{');
    tags.forEach((k, v) -> out.append(k).append("=\"").append(v).append("\","));
    out.setLength(out.length() - 1);
    return out.append('}').toString();
  }
}
