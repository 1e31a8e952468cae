package dev.headroom.scaling;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Where one {@link ScalingDecision} stands at the last sample, for a health or info endpoint. Immutable.
 *
 * @param decision the decision's name
 * @param service the service it decides for
 * @param action what it does when it wins
 * @param winning whether it speaks for its service now
 * @param since since when it has been winning, or null
 * @param lastSignal when it last sent a signal, or null
 * @param heldBackBy why a due signal is held back ({@code cooldown}, {@code veto:NAME}, {@code at-max-replicas},
 *     {@code at-min-replicas}), or null
 */
public record DecisionStatus(String decision, String service, ScalingDecision.Action action, boolean winning,
    Instant since, Instant lastSignal, String heldBackBy) {

  /** {@link #heldBackBy} as an optional. */
  public Optional<String> heldBack() {
    return Optional.ofNullable(heldBackBy);
  }

  /** A JSON-friendly map (strings and booleans) for an info endpoint. */
  public Map<String, Object> toMap() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("decision", decision);
    out.put("service", service);
    out.put("action", action.tag());
    out.put("winning", winning);
    if (since != null) {
      out.put("since", since.toString());
    }
    if (lastSignal != null) {
      out.put("lastSignal", lastSignal.toString());
    }
    if (heldBackBy != null) {
      out.put("heldBackBy", heldBackBy);
    }
    return out;
  }
}
