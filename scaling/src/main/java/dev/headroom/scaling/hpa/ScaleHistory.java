package dev.headroom.scaling.hpa;

import java.util.ArrayList;
import java.util.List;

/**
 * What the HPA controller remembers per autoscaler: the unstabilized recommendations and the scale-up and
 * scale-down events, with the controller's rules for which entry a new one replaces. Times are ticker nanoseconds.
 * "After the cutoff" is strict, as Go's {@code time.After} is.
 */
final class ScaleHistory {
  private final List<long[]> recommendations = new ArrayList<>(); // {replicas, at}
  private boolean recommendationsStarted;
  private final List<Event> up = new ArrayList<>();
  private final List<Event> down = new ArrayList<>();

  private static final class Event {
    final long change;
    final long at;
    boolean outdated;

    Event(long change, long at) {
      this.change = change;
      this.at = at;
    }
  }

  void addRecommendation(int replicas, long at) {
    recommendationsStarted = true;
    recommendations.add(new long[] {replicas, at});
  }

  void addEvent(int from, int to, long at) {
    (to > from ? up : down).add(new Event(Math.abs((long) to - from), at));
  }

  /** {@code recordInitialRecommendation}: the current count, once, before the first reconcile. */
  void recordInitial(int current, long now) {
    if (!recommendationsStarted) {
      addRecommendation(current, now);
    }
  }

  /** The legacy path: the max of the recommendations not before {@code now - window}; records the new one. */
  int stabilizeLegacy(int prenormalized, long now, long windowNanos) {
    int max = prenormalized;
    int oldIndex = -1;
    long cutoff = now - windowNanos;
    for (int i = 0; i < recommendations.size(); i++) {
      long[] rec = recommendations.get(i);
      if (rec[1] < cutoff) {
        oldIndex = i;
      } else if (rec[0] > max) {
        max = (int) rec[0];
      }
    }
    store(oldIndex, prenormalized, now);
    return max;
  }

  /**
   * The behavior path: the lowest recommendation of the up window and the highest of the down window (both
   * including {@code desired}) bound the current count; records the unstabilized {@code desired}.
   */
  int stabilizeWithBehavior(int desired, int current, long now, long upWindowNanos, long downWindowNanos) {
    int upRecommendation = desired;
    int downRecommendation = desired;
    long upCutoff = now - upWindowNanos;
    long downCutoff = now - downWindowNanos;
    int oldIndex = -1;
    for (int i = 0; i < recommendations.size(); i++) {
      long[] rec = recommendations.get(i);
      if (rec[1] > upCutoff) {
        upRecommendation = Math.min((int) rec[0], upRecommendation);
      }
      if (rec[1] > downCutoff) {
        downRecommendation = Math.max((int) rec[0], downRecommendation);
      }
      if (rec[1] < upCutoff && rec[1] < downCutoff) {
        oldIndex = i;
      }
    }
    int recommendation = current;
    if (recommendation < upRecommendation) {
      recommendation = upRecommendation;
    }
    if (recommendation > downRecommendation) {
      recommendation = downRecommendation;
    }
    store(oldIndex, desired, now);
    return recommendation;
  }

  private void store(int oldIndex, int replicas, long now) {
    recommendationsStarted = true;
    if (oldIndex >= 0) {
      recommendations.set(oldIndex, new long[] {replicas, now});
    } else {
      recommendations.add(new long[] {replicas, now});
    }
  }

  long addedInPeriod(long periodNanos, long now) {
    return changeInPeriod(up, periodNanos, now);
  }

  long removedInPeriod(long periodNanos, long now) {
    return changeInPeriod(down, periodNanos, now);
  }

  private static long changeInPeriod(List<Event> events, long periodNanos, long now) {
    long cutoff = now - periodNanos;
    long sum = 0;
    for (Event e : events) {
      if (e.at > cutoff) {
        sum += e.change;
      }
    }
    return sum;
  }

  /** {@code storeScaleEvent}: marks events older than the longest policy period outdated and reuses the last. */
  void storeScaleEvent(HpaBehavior.Resolved upRules, HpaBehavior.Resolved downRules, int prev, int next, long now) {
    boolean scaleUp = next > prev;
    List<Event> events = scaleUp ? up : down;
    long cutoff = now - (scaleUp ? upRules : downRules).longestPeriodNanos();
    int oldIndex = -1;
    for (int i = 0; i < events.size(); i++) {
      Event e = events.get(i);
      if (e.at < cutoff) {
        e.outdated = true;
      }
      if (e.outdated) {
        oldIndex = i;
      }
    }
    Event event = new Event(Math.abs((long) next - prev), now);
    if (oldIndex >= 0) {
      events.set(oldIndex, event);
    } else {
      events.add(event);
    }
  }

  int recommendationCount() {
    return recommendations.size();
  }

  int eventCount() {
    return up.size() + down.size();
  }
}
