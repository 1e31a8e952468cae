package dev.headroom.core.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.headroom.core.Endpoint;
import dev.headroom.core.OutlierDetection;
import dev.headroom.core.Pool;
import dev.headroom.core.PoolConfig;
import dev.headroom.core.RequestTimeoutException;
import dev.headroom.core.SpillReason;
import dev.headroom.core.time.Scheduler;
import dev.headroom.core.time.VirtualTime;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Issue 17 item 1: the request timeout bounds a call that never answers (CORE_API item 4). */
class RouterDeadlineTest {
  private final VirtualTime time = new VirtualTime();
  private final ExecutorService callers = Executors.newCachedThreadPool();

  @AfterEach
  void stop() {
    callers.shutdownNow();
  }

  private Pool pool(PoolConfig.Builder b) {
    return Pool.create(b.noCircuitBreaker().outlierDetection(OutlierDetection.disabled())
        .endpoint(Endpoint.of("slow-1", URI.create("http://slow-1"), 2)).build());
  }

  private Pool virtualPool() {
    return pool(PoolConfig.builder("local").clock(time));
  }

  private static RouteOptions timeout(Duration timeout) {
    return RouteOptions.builder().timeout(timeout).build();
  }

  /** What the caller's thread saw when execute returned. */
  private record Outcome(Object value, Throwable error, boolean interrupted) {}

  private Future<Outcome> executeOnAnotherThread(Router router, RouteOptions options, Call<String> call) {
    return callers.submit(() -> {
      try {
        String value = router.execute(options, call);
        return new Outcome(value, null, Thread.currentThread().isInterrupted());
      } catch (RuntimeException e) {
        return new Outcome(null, e, Thread.currentThread().isInterrupted());
      }
    });
  }

  @Test
  void aBlockingCallThatNeverReturnsEndsAtTheDeadline() throws Exception {
    Pool local = virtualPool();
    Router router = Router.builder("chat").tier("local", local, Duration.ZERO).build();
    CountDownLatch never = new CountDownLatch(1);
    AtomicInteger hooks = new AtomicInteger();
    Future<Outcome> running = executeOnAnotherThread(router, timeout(Duration.ofSeconds(1)), lease -> {
      lease.onAbort(hooks::incrementAndGet);
      never.await(); // interruptible, like a socket read through an interruptible channel or HttpClient.send
      return "answered";
    });
    await().atMost(Duration.ofSeconds(10)).until(() -> local.inFlight() == 1);

    time.advance(Duration.ofMillis(999));
    assertThat(running).isNotDone();
    time.advance(Duration.ofMillis(1));

    Outcome outcome = running.get(10, TimeUnit.SECONDS);
    assertThat(outcome.error()).isInstanceOfSatisfying(RequestTimeoutException.class, e -> {
      assertThat(e.lastReason()).isEqualTo(SpillReason.DEADLINE);
      assertThat(e.router()).isEqualTo("chat");
      assertThat(e.endpoint()).contains("slow-1");
      assertThat(e.timeout()).isEqualTo(Duration.ofSeconds(1));
      assertThat(e.getMessage()).contains("'chat'", "'slow-1'", "1000 ms");
    });
    assertThat(outcome.interrupted()).as("the watchdog's interrupt is cleared before execute returns").isFalse();
    assertThat(hooks).as("abort hooks ran once").hasValue(1);
    assertThat(local.inFlight()).as("the slot is free again").isZero();
    assertThat(local.endpoint("slow-1").orElseThrow().failureRate(time.read())).as("counted as a failure")
        .isPositive();
  }

  @Test
  void aBlockingHttpCallToAServerThatNeverAnswersEndsWithinTheTimeout() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      List<Socket> accepted = new CopyOnWriteArrayList<>();
      callers.submit(() -> {
        while (!silent.isClosed()) {
          accepted.add(silent.accept()); // accepts, reads nothing, never answers
        }
        return null;
      });
      Pool local = pool(PoolConfig.builder("real")); // the system ticker and scheduler
      Router router = Router.builder("chat").tier("local", local, Duration.ZERO).build();
      HttpClient client = HttpClient.newHttpClient();
      URI uri = URI.create("http://127.0.0.1:" + silent.getLocalPort() + "/api/chat");
      long start = System.nanoTime();
      Future<Outcome> running = executeOnAnotherThread(router, timeout(Duration.ofSeconds(1)), lease -> {
        // no per-call timeout on purpose: only the router's deadline can end this
        return client.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
      });
      Outcome outcome = running.get(30, TimeUnit.SECONDS);
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertThat(outcome.error()).isInstanceOf(RequestTimeoutException.class);
      assertThat(took).as("timeout + slack").isLessThan(Duration.ofSeconds(2));
      assertThat(outcome.interrupted()).isFalse();
      assertThat(local.inFlight()).isZero();
      for (Socket socket : accepted) {
        socket.close();
      }
    }
  }

  @Test
  void anAsyncCallWhoseStageNeverCompletesEndsAtTheDeadlineAndTheStageIsCancelled() {
    Pool local = virtualPool();
    Router router = Router.builder("chat").tier("local", local, Duration.ZERO).build();
    CompletableFuture<String> never = new CompletableFuture<>();
    AtomicBoolean hook = new AtomicBoolean();
    CompletableFuture<String> result = router.executeAsync(timeout(Duration.ofMillis(500)), lease -> {
      lease.onAbort(() -> hook.set(true));
      return never;
    });
    time.advance(Duration.ofMillis(499));
    assertThat(result).isNotDone();
    time.advance(Duration.ofMillis(1));

    assertThat(result).isCompletedExceptionally();
    assertThatThrownBy(result::join).hasCauseInstanceOf(RequestTimeoutException.class)
        .hasMessageContaining("500 ms").hasMessageContaining("slow-1");
    assertThat(never).as("the call's stage is cancelled").isCancelled();
    assertThat(hook).isTrue();
    assertThat(local.inFlight()).isZero();
  }

  @Test
  void aCallThatFinishesJustBeforeTheDeadlineIsNotAffected() {
    Pool local = virtualPool();
    Router router = Router.builder("chat").tier("local", local, Duration.ZERO).build();
    AtomicBoolean hook = new AtomicBoolean();
    String value = router.execute(timeout(Duration.ofSeconds(1)), lease -> {
      lease.onAbort(() -> hook.set(true));
      time.advanceNanos(Duration.ofSeconds(1).toNanos() - 1);
      return "in time";
    });
    assertThat(value).isEqualTo("in time");
    assertThat(time.pendingTasks()).as("the watchdog is called off").isZero();
    time.advance(Duration.ofSeconds(5));
    assertThat(Thread.currentThread().isInterrupted()).isFalse();
    assertThat(hook).isFalse();
    assertThat(local.inFlight()).isZero();
    assertThat(local.endpoint("slow-1").orElseThrow().failureRate(time.read())).isZero();

    CompletableFuture<String> async = router.executeAsync(timeout(Duration.ofSeconds(1)), lease -> {
      time.advanceNanos(Duration.ofSeconds(1).toNanos() - 1);
      return CompletableFuture.completedFuture("async in time");
    });
    time.advance(Duration.ofSeconds(5));
    assertThat(async.join()).isEqualTo("async in time");
  }

  @Test
  void aCallThatFailsOnItsOwnAtTheDeadlineBeforeTheWatchdogFiresNamesItsEndpoint() {
    // the HTTP client's own timeout (capped by the deadline) and the watchdog race; here the client wins: the
    // scheduler never runs the watchdog, and the call fails with a retryable error once the deadline has passed
    Scheduler never = (delayNanos, task) -> () -> { };
    Pool local = virtualPool();
    Router router = Router.builder("chat").tier("local", local, Duration.ZERO).ticker(time).scheduler(never).build();
    RouteOptions idempotent = RouteOptions.builder().timeout(Duration.ofSeconds(1)).idempotent(true).build();

    assertThatThrownBy(() -> router.execute(idempotent, lease -> {
      time.advance(Duration.ofSeconds(1));
      throw new ConnectException("timed out at the deadline");
    })).isInstanceOfSatisfying(RequestTimeoutException.class, e -> {
      assertThat(e.lastReason()).isEqualTo(SpillReason.DEADLINE);
      assertThat(e.endpoint()).as("the call running at the deadline").contains("slow-1");
    });
    assertThat(local.inFlight()).isZero();
  }

  @Test
  void withoutATimeoutNoWatchdogIsScheduled() {
    Pool local = virtualPool();
    Router router = Router.builder("chat").tier("local", local, Duration.ZERO).build();
    int pending = router.execute(RouteOptions.defaults(), lease -> time.pendingTasks());
    assertThat(pending).isZero();
    int withTimeout = router.execute(timeout(Duration.ofSeconds(1)), lease -> time.pendingTasks());
    assertThat(withTimeout).isEqualTo(1);
  }

  @Test
  void aCallThatIgnoresTheInterruptAndReturnsLateStillTimesOut() {
    Pool local = virtualPool();
    Router router = Router.builder("chat").tier("local", local, Duration.ZERO).build();
    assertThatThrownBy(() -> router.execute(timeout(Duration.ofSeconds(1)), lease -> {
      time.advance(Duration.ofSeconds(2)); // the watchdog fires on this very thread, inside the call
      return "late";
    })).isInstanceOf(RequestTimeoutException.class);
    assertThat(Thread.currentThread().isInterrupted()).isFalse();
    assertThat(local.inFlight()).isZero();
  }

  @Test
  void anAbortHookRegisteredAfterTheAbortRunsAtOnceAndHooksRunOnce() throws IOException {
    Pool local = virtualPool();
    var lease = local.acquire(Duration.ZERO);
    AtomicInteger runs = new AtomicInteger();
    lease.onAbort(runs::incrementAndGet);
    assertThat(lease.abort(new IOException("deadline"))).isTrue();
    assertThat(lease.abort(new IOException("again"))).isFalse();
    assertThat(runs).hasValue(1);
    lease.onAbort(runs::incrementAndGet);
    assertThat(runs).hasValue(2);
    assertThat(lease.isAborted()).isTrue();
    assertThat(local.inFlight()).isZero();
  }
}
