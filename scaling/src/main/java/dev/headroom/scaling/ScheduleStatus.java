package dev.headroom.scaling;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where one {@link ScalingSchedule} stands at the last sample.
 *
 * @param schedule the schedule's name
 * @param service the service it scales
 * @param direction which way
 * @param replicas the replica count it asks for
 * @param active true while its window is open
 */
public record ScheduleStatus(String schedule, String service, ScaleDirection direction, int replicas,
    boolean active) {

  /** A JSON-friendly map for an info endpoint. */
  public Map<String, Object> toMap() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("schedule", schedule);
    out.put("service", service);
    out.put("direction", direction.tag());
    out.put("replicas", replicas);
    out.put("active", active);
    return out;
  }
}
