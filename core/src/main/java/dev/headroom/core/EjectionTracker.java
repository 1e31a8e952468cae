package dev.headroom.core;

/**
 * Counts one endpoint's outcomes for passive outlier detection: consecutive failures and a tumbling window of
 * failure rate, plus how many times it was ejected (for the exponential backoff).
 */
final class EjectionTracker {
  private int consecutiveFailures;
  private long windowStart;
  private int windowTotal;
  private int windowFailures;
  private volatile int ejections;
  private long returnedAt;

  EjectionTracker(long now) {
    this.windowStart = now;
    this.returnedAt = now;
  }

  int ejections() {
    return ejections;
  }

  synchronized void recordSuccess(long now, OutlierDetection config) {
    consecutiveFailures = 0;
    roll(now, config);
    windowTotal++;
  }

  /** Records a failure; returns whether the endpoint now qualifies for ejection. */
  synchronized boolean recordFailure(long now, OutlierDetection config) {
    consecutiveFailures++;
    roll(now, config);
    windowTotal++;
    windowFailures++;
    if (config.consecutiveFailures() > 0 && consecutiveFailures >= config.consecutiveFailures()) {
      return true;
    }
    return config.failureRateMinRequests() > 0
        && windowTotal >= config.failureRateMinRequests()
        && windowFailures >= config.failureRateThreshold() * windowTotal;
  }

  /** Called when the endpoint is ejected; returns the ejection duration in nanoseconds. */
  synchronized long ejected(long now, OutlierDetection config) {
    if (now - returnedAt > config.maxEjectionTime().toNanos()) {
      ejections = 0; // healthy for longer than the longest ejection: start the backoff again
    }
    long base = config.baseEjectionTime().toNanos();
    long max = config.maxEjectionTime().toNanos();
    int k = Math.min(ejections, 62);
    long duration = k >= 62 || base > (max >> k) ? max : Math.min(max, base << k);
    ejections = ejections + 1;
    consecutiveFailures = 0;
    windowStart = now;
    windowTotal = 0;
    windowFailures = 0;
    return duration;
  }

  synchronized void returned(long now) {
    returnedAt = now;
  }

  private void roll(long now, OutlierDetection config) {
    if (now - windowStart >= config.failureRateWindow().toNanos()) {
      windowStart = now;
      windowTotal = 0;
      windowFailures = 0;
    }
  }
}
