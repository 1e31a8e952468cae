package dev.headroom.bench.chaos;

import dev.headroom.core.NoCapacityException;
import dev.headroom.core.RequestTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

/** What the clients of one {@link SoakTarget} saw: requests served, errors by kind, deadlines broken. */
final class Tally {
  private final long timeoutNanos;
  private final long graceNanos;
  private final LongAdder served = new LongAdder();
  private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
  private final LongAdder overruns = new LongAdder();
  private final LongAccumulator worstNanos = new LongAccumulator(Math::max, 0);
  private final AtomicLong firstOverrun = new AtomicLong();
  private volatile String overrunExample = "";

  Tally(Duration timeout, Duration grace) {
    this.timeoutNanos = timeout.toNanos();
    this.graceNanos = grace.toNanos();
  }

  void served(long elapsedNanos) {
    served.increment();
    took(elapsedNanos, "served");
  }

  void failed(Throwable error, long elapsedNanos) {
    errors.computeIfAbsent(kind(error), k -> new LongAdder()).increment();
    took(elapsedNanos, kind(error));
  }

  private void took(long elapsedNanos, String what) {
    worstNanos.accumulate(elapsedNanos);
    if (elapsedNanos > timeoutNanos + graceNanos) {
      overruns.increment();
      if (firstOverrun.compareAndSet(0, elapsedNanos)) {
        overrunExample = what + " after " + Duration.ofNanos(elapsedNanos).toMillis() + " ms";
      }
    }
  }

  long served() {
    return served.sum();
  }

  Map<String, Long> errors() {
    Map<String, Long> copy = new TreeMap<>();
    errors.forEach((k, v) -> copy.put(k, v.sum()));
    return copy;
  }

  long overruns() {
    return overruns.sum();
  }

  Duration worst() {
    return Duration.ofNanos(worstNanos.get());
  }

  String overrunExample() {
    return overrunExample;
  }

  /** The simple class name of the error the client saw; for no capacity, with the last tier's reason. */
  private static String kind(Throwable error) {
    String name = error.getClass().getSimpleName();
    return error instanceof NoCapacityException e && !(error instanceof RequestTimeoutException)
        ? name + "(" + e.lastReason() + ")" : name;
  }
}
