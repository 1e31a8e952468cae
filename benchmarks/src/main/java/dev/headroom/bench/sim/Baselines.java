package dev.headroom.bench.sim;

import dev.headroom.core.BackendException;
import java.io.IOException;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeoutException;

/**
 * The baselines Headroom is measured against. They are how other clients and proxies pick, written here for the
 * simulation (they are not Headroom's product); each sees what such a client would see: its own in-flight counts,
 * its own failures, its own health probes. Only the oracle sees the backends' queues.
 */
final class Baselines {
  private Baselines() {}

  /** The next backend in list order, whatever its load. */
  static final class RoundRobin implements Chooser {
    private final int n;
    private int next;

    RoundRobin(int n) {
      this.n = n;
    }

    @Override
    public int choose(long excluded, long now) {
      for (int i = 0; i < n; i++) {
        int index = next++ % n;
        if (!Chooser.excluded(excluded, index)) {
          return index;
        }
      }
      return NONE;
    }
  }

  /** A uniformly random backend. */
  static final class Random implements Chooser {
    private final int n;
    private final SplittableRandom random;

    Random(int n, long seed) {
      this.n = n;
      this.random = new SplittableRandom(seed);
    }

    @Override
    public int choose(long excluded, long now) {
      int allowed = n - Long.bitCount(excluded);
      if (allowed <= 0) {
        return NONE;
      }
      int k = random.nextInt(allowed);
      for (int i = 0; i < n; i++) {
        if (!Chooser.excluded(excluded, i) && k-- == 0) {
          return i;
        }
      }
      return NONE;
    }
  }

  /** The backend with the fewest of this client's calls in flight; ties broken at random (Envoy's LEAST_REQUEST with all of them). */
  static final class LeastInFlight implements Chooser {
    private final int[] inFlight;
    private final SplittableRandom random;

    LeastInFlight(int[] inFlight, long seed) {
      this.inFlight = inFlight;
      this.random = new SplittableRandom(seed);
    }

    @Override
    public int choose(long excluded, long now) {
      int best = NONE;
      int ties = 0;
      for (int i = 0; i < inFlight.length; i++) {
        if (Chooser.excluded(excluded, i)) {
          continue;
        }
        if (best == NONE || inFlight[i] < inFlight[best]) {
          best = i;
          ties = 1;
        } else if (inFlight[i] == inFlight[best] && random.nextInt(++ties) == 0) {
          best = i;
        }
      }
      return best;
    }
  }

  /**
   * nginx {@code least_conn} with {@code max_fails=3 fail_timeout=30s} and the default
   * {@code proxy_next_upstream error timeout}, following ngx_http_upstream_round_robin.c: the fewest active
   * connections, ties in turn; a connection error or timeout counts a failure; at 3 failures the server is skipped
   * until 30 s after the last one, then tried again, and one success clears its count. An HTTP 500 is passed to the
   * client as it is (neither a failure nor retried), and a request already sent is retried on the next server only
   * when it is idempotent. When every server is down nginx answers "no live upstreams" and clears all counts.
   */
  static final class NginxLeastConn implements Chooser {
    static final int MAX_FAILS = 3;
    static final long FAIL_TIMEOUT = 30_000_000_000L;

    private final int[] inFlight;
    private final int[] fails;
    private final long[] accessed;
    private final long[] checked;
    private int turn;

    NginxLeastConn(int[] inFlight) {
      this.inFlight = inFlight;
      this.fails = new int[inFlight.length];
      this.accessed = new long[inFlight.length];
      this.checked = new long[inFlight.length];
    }

    @Override
    public int choose(long excluded, long now) {
      int n = inFlight.length;
      int best = NONE;
      int start = turn++ % n;
      for (int k = 0; k < n; k++) {
        int i = (start + k) % n;
        if (Chooser.excluded(excluded, i) || (fails[i] >= MAX_FAILS && now - checked[i] <= FAIL_TIMEOUT)) {
          continue;
        }
        if (best == NONE || inFlight[i] < inFlight[best]) {
          best = i;
        }
      }
      if (best == NONE) {
        if (Long.bitCount(excluded) < n) {
          java.util.Arrays.fill(fails, 0); // "no live upstreams": all marked live again for quick recovery
        }
        return NONE;
      }
      if (now - checked[best] > FAIL_TIMEOUT) {
        checked[best] = now;
      }
      return best;
    }

    @Override
    public void finished(int index, Throwable failure, long now) {
      boolean failed = failure instanceof IOException || failure instanceof TimeoutException;
      if (failed) {
        fails[index]++;
        accessed[index] = now;
        checked[index] = now;
      } else if (accessed[index] < checked[index]) {
        fails[index] = 0;
      }
    }

    @Override
    public boolean retries(Throwable failure, boolean idempotent) {
      if (failure instanceof BackendException) {
        return false; // proxy_next_upstream does not include http_500 by default
      }
      return Chooser.super.retries(failure, idempotent);
    }

    @Override
    public int maxAttempts() {
      return inFlight.length; // proxy_next_upstream_tries 0: every server once
    }
  }

  /**
   * Seed 000: the first healthy endpoint in list order. Health comes from a probe of every endpoint every 5 s
   * (an Ollama answers {@code /api/version} however busy it is, so only a dead one fails it).
   */
  static final class FirstHealthy implements Chooser {
    static final long PROBE_INTERVAL = 5_000_000_000L;

    private final boolean[] healthy;

    FirstHealthy(SimContext context) {
      List<SimBackend> backends = context.locals();
      this.healthy = new boolean[backends.size()];
      java.util.Arrays.fill(healthy, true);
      probe(context, backends);
    }

    private void probe(SimContext context, List<SimBackend> backends) {
      for (int i = 0; i < backends.size(); i++) {
        healthy[i] = backends.get(i).isUp();
      }
      context.time().schedule(PROBE_INTERVAL, () -> probe(context, backends));
    }

    @Override
    public int choose(long excluded, long now) {
      for (int i = 0; i < healthy.length; i++) {
        if (healthy[i] && !Chooser.excluded(excluded, i)) {
          return i;
        }
      }
      return NONE;
    }
  }

  /**
   * Join the shortest expected delay with perfect knowledge: it sees every backend's queue, the remaining time of
   * every call in service, slowdowns and outages, and sends each request where its expected wait plus mean service
   * is least. With a cloud tier it spills when the best expected local wait exceeds the tier's budget. Not a real
   * option (no client knows this much); it is the limit to compare with.
   */
  static final class Oracle implements Chooser {
    private final List<SimBackend> backends;
    private final long spillAboveNanos;

    Oracle(SimContext context) {
      this.backends = context.locals();
      this.spillAboveNanos = context.cloud() == null ? Long.MAX_VALUE : context.scenario().localWaitBudget().toNanos();
    }

    @Override
    public int choose(long excluded, long now) {
      int best = NONE;
      double bestDelay = Double.POSITIVE_INFINITY;
      double bestWait = Double.POSITIVE_INFINITY;
      for (int i = 0; i < backends.size(); i++) {
        if (Chooser.excluded(excluded, i)) {
          continue;
        }
        SimBackend backend = backends.get(i);
        double wait = backend.expectedWaitNanos(now);
        double delay = wait + backend.meanServiceNanos(now);
        if (delay < bestDelay) {
          best = i;
          bestDelay = delay;
          bestWait = wait;
        }
      }
      if (best != NONE && bestWait > spillAboveNanos) {
        return SPILL;
      }
      return best;
    }
  }
}
