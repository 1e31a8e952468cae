package dev.headroom.core.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.headroom.core.ConfigException;
import dev.headroom.core.Deadline;
import dev.headroom.core.Endpoint;
import dev.headroom.core.EndpointState;
import dev.headroom.core.Lease;
import dev.headroom.core.OutlierDetection;
import dev.headroom.core.Pool;
import dev.headroom.core.PoolConfig;
import dev.headroom.core.Selector;
import dev.headroom.core.time.VirtualTime;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class MembershipSyncTest {
  private final VirtualTime time = new VirtualTime();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final TestSource source = new TestSource();

  private PoolConfig.Builder pool(String... initial) {
    PoolConfig.Builder builder = PoolConfig.builder("workers").clock(time).startEmpty()
        .noCircuitBreaker().outlierDetection(OutlierDetection.disabled());
    for (String id : initial) {
      builder.endpoint(Endpoint.of(id, uri(id), 2));
    }
    return builder;
  }

  private MembershipSync sync(Pool pool) {
    return MembershipSync.builder(source, PoolMembership.of(pool, 2))
        .clock(time).executor(Runnable::run).meterRegistry(registry).start();
  }

  private static URI uri(String id) {
    return URI.create("http://" + id + ".test:8080");
  }

  private static DiscoveredMember serving(String id) {
    return DiscoveredMember.of(id, uri(id));
  }

  private static DiscoveredMember notServing(String id) {
    return new DiscoveredMember(id, uri(id), Map.of(), false);
  }

  private double changes(String change) {
    return registry.get(DiscoveryMetricNames.CHANGES).tags("pool", "workers", "source", "test", "change", change)
        .counter().count();
  }

  private double members() {
    return registry.get(DiscoveryMetricNames.MEMBERS).tags("pool", "workers", "source", "test").gauge().value();
  }

  private static Set<String> ids(Pool pool) {
    return PoolMembership.of(pool, 1).memberIds();
  }

  @Test
  void newMembersAreAddedWithTheirUriAndLabels() {
    Pool pool = Pool.create(pool().build());
    sync(pool);
    source.report(serving("a"), new DiscoveredMember("b", uri("b"), Map.of("zone", "z1"), true));
    assertThat(ids(pool)).containsExactly("a", "b");
    Endpoint b = pool.endpoint("b").orElseThrow().endpoint();
    assertThat(b.uri()).isEqualTo(uri("b"));
    assertThat(b.labels()).containsEntry("zone", "z1");
    assertThat(b.maxConcurrency()).isEqualTo(2);
    assertThat(changes("added")).isEqualTo(2);
    assertThat(members()).isEqualTo(2);
    source.report(serving("a"), serving("b"));
    assertThat(changes("added")).as("a set that did not change changes nothing").isEqualTo(2);
  }

  @Test
  void membersThePoolHadBeforeTheFirstReportAreLeftAloneWhenTheSourceReportsThem() {
    Pool pool = Pool.create(pool("a").build());
    EndpointState before = pool.endpoint("a").orElseThrow();
    sync(pool);
    source.report(serving("a"), serving("b"));
    assertThat(pool.endpoint("a")).containsSame(before);
    assertThat(before.isDraining()).isFalse();
    assertThat(changes("added")).isEqualTo(1);
  }

  @Test
  void aMemberThatStopsServingDrainsAndIsRemovedWhenItsInFlightWorkIsDone() {
    Pool pool = Pool.create(pool().build());
    sync(pool);
    source.report(serving("a"), serving("b"));
    Lease onA = pool.acquire(TestSelectors.only("a"), Deadline.none());

    source.report(notServing("a"), serving("b"));
    EndpointState a = pool.endpoint("a").orElseThrow();
    assertThat(a.isDraining()).isTrue();
    assertThat(pool.snapshot().endpoints()).extracting(EndpointState::id).containsExactly("b");
    assertThat(ids(pool)).as("still a member while its lease is held").containsExactly("a", "b");
    assertThat(changes("draining")).isEqualTo(1);

    onA.success();
    assertThat(ids(pool)).containsExactly("b");
    assertThat(changes("removed")).isEqualTo(1);
    assertThat(members()).isEqualTo(1);
    time.advance(Duration.ofMinutes(2));
    assertThat(changes("removed")).as("the drain timeout removes nothing more").isEqualTo(1);
  }

  @Test
  void aMemberMissingFromTheSetWithNothingInFlightIsRemovedAtOnce() {
    Pool pool = Pool.create(pool().build());
    sync(pool);
    source.report(serving("a"), serving("b"));
    source.report(serving("b"));
    assertThat(ids(pool)).containsExactly("b");
    assertThat(changes("draining")).isEqualTo(1);
    assertThat(changes("removed")).isEqualTo(1);
  }

  @Test
  void afterTheDrainTimeoutAMemberIsRemovedWhileALeaseIsStillHeldAndThatLeaseCompletesNormally() {
    Pool pool = Pool.create(pool().build());
    sync(pool);
    source.report(serving("a"), serving("b"));
    Lease stuck = pool.acquire(TestSelectors.only("a"), Deadline.none());
    source.report(serving("b"));
    time.advance(Duration.ofSeconds(59));
    assertThat(ids(pool)).containsExactly("a", "b");
    time.advance(Duration.ofSeconds(1));
    assertThat(ids(pool)).as("removed after the 60 s default").containsExactly("b");
    assertThat(changes("removed")).isEqualTo(1);
    assertThat(pool.inFlight()).as("a removed endpoint's lease is not counted by the pool").isZero();
    assertThat(stuck.state().inFlight()).isEqualTo(1);

    stuck.success(); // completes normally, long after
    assertThat(stuck.isDone()).isTrue();
    assertThat(stuck.state().inFlight()).isZero();
    assertThat(changes("removed")).isEqualTo(1);
  }

  @Test
  void aDrainingMemberThatServesAgainBeforeItsRemovalIsResumedAndKept() {
    Pool pool = Pool.create(pool().build());
    sync(pool);
    source.report(serving("a"), serving("b"));
    Lease onA = pool.acquire(TestSelectors.only("a"), Deadline.none());
    source.report(notServing("a"), serving("b"));
    time.advance(Duration.ofSeconds(30));
    source.report(serving("a"), serving("b"));
    EndpointState a = pool.endpoint("a").orElseThrow();
    assertThat(a.isDraining()).isFalse();
    assertThat(pool.snapshot().endpoints()).extracting(EndpointState::id).containsExactly("a", "b");
    assertThat(changes("resumed")).isEqualTo(1);

    onA.success();
    time.advance(Duration.ofMinutes(5));
    assertThat(ids(pool)).as("neither its drain nor the timeout removes it now").containsExactly("a", "b");
    assertThat(changes("removed")).isZero();

    source.report(serving("b")); // gone again: a new drain, with a new timeout
    assertThat(ids(pool)).containsExactly("b");
    assertThat(changes("draining")).isEqualTo(2);
  }

  private static DiscoveredMember at(String id, String host) {
    return DiscoveredMember.of(id, URI.create("http://" + host + ":8080"));
  }

  @Test
  void aMemberReportedAtANewAddressDrainsTheOldOneAndIsAddedBackAtTheNewOneWhenItHasLeft() {
    Pool pool = Pool.create(pool().build());
    sync(pool);
    source.report(at("a", "10.0.0.1"), serving("b"));
    Lease onOldA = pool.acquire(TestSelectors.only("a"), Deadline.none());

    source.report(at("a", "10.0.0.9"), serving("b")); // rescheduled under its name with a new IP
    EndpointState oldA = pool.endpoint("a").orElseThrow();
    assertThat(oldA.endpoint().uri()).hasHost("10.0.0.1");
    assertThat(oldA.isDraining()).as("no new work to the old address").isTrue();
    assertThat(changes("draining")).isEqualTo(1);

    onOldA.success(); // its last request finishes: it leaves, and comes back at the new address
    EndpointState newA = pool.endpoint("a").orElseThrow();
    assertThat(newA.endpoint().uri()).hasHost("10.0.0.9");
    assertThat(newA.isDraining()).isFalse();
    assertThat(changes("removed")).isEqualTo(1);
    assertThat(changes("added")).isEqualTo(3);
    assertThat(ids(pool)).containsExactlyInAnyOrder("a", "b");

    source.report(at("a", "10.0.0.9"), serving("b")); // the same again: nothing to do
    assertThat(pool.endpoint("a").orElseThrow()).isSameAs(newA);
    assertThat(changes("draining")).isEqualTo(1);
  }

  @Test
  void aMoveIsCalledOffWhenTheOldAddressIsReportedAgainBeforeItHasLeft() {
    Pool pool = Pool.create(pool().build());
    sync(pool);
    source.report(at("a", "10.0.0.1"));
    Lease onOldA = pool.acquire(TestSelectors.only("a"), Deadline.none());
    source.report(at("a", "10.0.0.9"));
    source.report(at("a", "10.0.0.1")); // it was a blip
    assertThat(pool.endpoint("a").orElseThrow().isDraining()).isFalse();
    onOldA.success();
    time.advance(Duration.ofMinutes(5));
    assertThat(pool.endpoint("a").orElseThrow().endpoint().uri()).hasHost("10.0.0.1");
    assertThat(changes("removed")).isZero();
    assertThat(changes("resumed")).isEqualTo(1);
  }

  @Test
  void aMovedMemberWhoseOldAddressNeverDrainsIsAddedAtItsNewAddressAfterTheDrainTimeout() {
    Pool pool = Pool.create(pool().build());
    sync(pool);
    source.report(at("a", "10.0.0.1"));
    Lease stuck = pool.acquire(TestSelectors.only("a"), Deadline.none());
    source.report(at("a", "10.0.0.9"));
    time.advance(Duration.ofSeconds(61));
    assertThat(pool.endpoint("a").orElseThrow().endpoint().uri()).hasHost("10.0.0.9");
    stuck.success(); // the lease on the removed old address still completes
    assertThat(pool.endpoint("a").orElseThrow().inFlight()).isZero();
  }

  @Test
  void aFailedLookupIsCountedAndKeepsTheLastSet() {
    Pool pool = Pool.create(pool().build());
    sync(pool);
    source.report(serving("a"), serving("b"));
    source.fail(new IllegalStateException("SERVFAIL"));
    source.fail(new IllegalStateException("SERVFAIL"));
    assertThat(registry.get(DiscoveryMetricNames.ERRORS).tags("pool", "workers", "source", "test").counter().count())
        .isEqualTo(2);
    assertThat(ids(pool)).containsExactly("a", "b");
    assertThat(changes("draining")).isZero();
    source.report(serving("a"), serving("b"), serving("c"));
    assertThat(ids(pool)).containsExactly("a", "b", "c");
  }

  @Test
  void warningsAreLoggedAtMostOnceAMinute() {
    RateLimitedLog log = new RateLimitedLog(time, Duration.ofMinutes(1).toNanos());
    assertThat(log.tryLog()).isZero();
    assertThat(log.tryLog()).isEqualTo(-1);
    time.advance(Duration.ofSeconds(59));
    assertThat(log.tryLog()).isEqualTo(-1);
    time.advance(Duration.ofSeconds(1));
    assertThat(log.tryLog()).as("two held back since").isEqualTo(2);
  }

  @Test
  void closeStopsTheSourceAndLaterReportsChangeNothing() {
    Pool pool = Pool.create(pool().build());
    MembershipSync sync = sync(pool);
    source.report(serving("a"));
    sync.close();
    assertThat(source.closed).isTrue();
    source.report(serving("a"), serving("b"));
    assertThat(ids(pool)).containsExactly("a");
    assertThat(registry.find(DiscoveryMetricNames.CHANGES).meters()).as("meters removed").isEmpty();
  }

  @Test
  void aStaticListIsReportedOnceAtStart() {
    Pool pool = Pool.create(pool().build());
    MembershipSync sync = MembershipSync.builder(StaticDiscovery.of(serving("a"), serving("b")),
        PoolMembership.of(pool, 3)).clock(time).executor(Runnable::run).start();
    assertThat(ids(pool)).containsExactly("a", "b");
    assertThat(sync.name()).as("named after the pool").isEqualTo("workers");
    assertThat(pool.endpoint("a").orElseThrow().limit()).isEqualTo(3);
    assertThatThrownBy(() -> StaticDiscovery.of(serving("a"), serving("a"))).isInstanceOf(ConfigException.class)
        .hasMessageContaining("member id must be unique but was a");
    sync.close();
  }

  @Test
  void onItsOwnThreadReportsAreAppliedInOrder() {
    Pool pool = Pool.create(pool().build());
    MembershipSync sync = MembershipSync.builder(source, PoolMembership.of(pool, 1)).clock(time).start();
    List<List<DiscoveredMember>> reports = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      reports.add(i % 2 == 0 ? List.of(serving("a"), serving("b")) : List.of(serving("a"), serving("c")));
    }
    reports.add(List.of(serving("d")));
    reports.forEach(source::report);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(ids(pool)).containsExactly("d"));
    sync.close();
  }

  @Test
  void aTargetOtherThanAPoolNeedsAName() {
    MembershipTarget target = new MembershipTarget() {
      @Override
      public Set<String> memberIds() {
        return Set.of();
      }

      @Override
      public void add(DiscoveredMember member) {}

      @Override
      public CompletableFuture<Void> drain(String id) {
        return CompletableFuture.completedFuture(null);
      }

      @Override
      public void resume(String id) {}

      @Override
      public void remove(String id) {}
    };
    assertThatThrownBy(() -> MembershipSync.builder(source, target).start()).isInstanceOf(ConfigException.class)
        .hasMessageContaining("name must be non-empty");
    assertThatThrownBy(() -> MembershipSync.builder(source, target).name("x").drainTimeout(Duration.ofSeconds(-1))
        .start()).hasMessageContaining("drainTimeout must be >= 0");
  }

  /** A source the test drives. */
  static final class TestSource implements DiscoverySource {
    private Listener listener;
    volatile boolean closed;

    @Override
    public String name() {
      return "test";
    }

    @Override
    public void start(Listener value) {
      this.listener = value;
    }

    void report(DiscoveredMember... members) {
      report(List.of(members));
    }

    void report(List<DiscoveredMember> members) {
      listener.onMembers(members);
    }

    void fail(Throwable error) {
      listener.onError(error);
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  /** Selectors for the tests. */
  static final class TestSelectors {
    private TestSelectors() {}

    static Selector only(String id) {
      return state -> state.id().equals(id);
    }
  }
}
