package dev.headroom.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.headroom.core.ConfigException;
import dev.headroom.core.discovery.DiscoveredMember;
import dev.headroom.testkit.dns.DnsmasqFixture;
import dev.headroom.testkit.dns.DnsmasqFixture.Srv;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * DnsDiscovery against a real dnsmasq on loopback whose records change during the test. Every answer has a TTL of
 * 2 s; the sources' minRefresh is 100 ms, so a source that ignored the TTL would see each change within ~100 ms.
 * Names end with a dot so that no search domain of the machine is tried.
 */
class DnsDiscoveryTest {
  private static final Duration TTL = Duration.ofSeconds(2);
  /** How much earlier than its TTL says a change may be seen: the lookup came a little before its report. */
  private static final Duration EARLY = Duration.ofMillis(300);
  /** How much later than its TTL a change may be seen: scheduling, a lookup, a slow machine. */
  private static final Duration SLACK = Duration.ofMillis(2500);

  private static DnsmasqFixture dns;
  private DnsDiscovery source;

  @BeforeAll
  static void startDnsmasq() {
    dns = DnsmasqFixture.builder().ttl(TTL).start();
  }

  @AfterAll
  static void stopDnsmasq() {
    dns.close();
  }

  @AfterEach
  void closeSource() {
    if (source != null) {
      source.close();
    }
  }

  private DnsDiscovery.Builder against() {
    return DnsDiscovery.builder().servers(List.of(dns.address())).timeout(Duration.ofMillis(500))
        .minRefresh(Duration.ofMillis(100)).maxRefresh(Duration.ofSeconds(30));
  }

  @Test
  void aRecordsAreReResolvedWhenTheirTtlRunsOutNotBefore() {
    dns.addresses("a.svc.test", "127.0.0.11", "127.0.0.12");
    source = against().name("a.svc.test.").port(8080).build();
    RecordingListener listener = new RecordingListener();
    source.start(listener);

    await().atMost(Duration.ofSeconds(5)).until(() -> Set.of("127.0.0.11:8080", "127.0.0.12:8080")
        .equals(listener.ids()));
    long firstAt = listener.setNanos.get(0);
    assertThat(listener.byId().get("127.0.0.11:8080"))
        .isEqualTo(new DiscoveredMember("127.0.0.11:8080", URI.create("http://127.0.0.11:8080"), Map.of(), true));

    dns.addresses("a.svc.test", "127.0.0.12", "127.0.0.13");

    Duration quiet = Duration.ofNanos(firstAt + TTL.minus(EARLY).toNanos() - System.nanoTime());
    if (quiet.toMillis() > 50) {
      await().during(quiet).atMost(quiet.plusSeconds(1)).until(() -> listener.sets.size() == 1);
    }
    await().atMost(Duration.ofNanos(firstAt + TTL.plus(SLACK).toNanos() - System.nanoTime()))
        .until(() -> Set.of("127.0.0.12:8080", "127.0.0.13:8080").equals(listener.ids()));
    assertThat(Duration.ofNanos(listener.setNanos.get(1) - firstAt)).isGreaterThanOrEqualTo(TTL.minus(EARLY));
    assertThat(listener.sets).hasSize(2);
    assertThat(listener.errors).isEmpty();
  }

  @Test
  void srvRecordsGiveHostPortAndWeightAndFollowChanges() {
    dns.srv("_http._tcp.s.test", new Srv("a.s.test", 8080, 0, 5), new Srv("b.s.test", 8081, 0, 7));
    source = against().name("_http._tcp.s.test.").records(DnsDiscovery.Records.SRV).scheme("https").build();
    RecordingListener listener = new RecordingListener();
    source.start(listener);

    await().atMost(Duration.ofSeconds(5)).until(() -> Set.of("a.s.test:8080", "b.s.test:8081")
        .equals(listener.ids()));
    assertThat(listener.byId().get("a.s.test:8080")).isEqualTo(new DiscoveredMember("a.s.test:8080",
        URI.create("https://a.s.test:8080"), Map.of("priority", "0", "weight", "5"), true));
    assertThat(listener.byId().get("b.s.test:8081").labels()).containsEntry("weight", "7");
    long firstAt = listener.setNanos.get(0);

    // dnsmasq reads SRV records only at start: the fixture restarts it, and a lookup in that gap may fail
    dns.srv("_http._tcp.s.test", new Srv("b.s.test", 8081, 0, 7), new Srv("c.s.test", 9090, 1, 3));

    await().atMost(Duration.ofNanos(firstAt + TTL.plus(SLACK).toNanos() - System.nanoTime()))
        .until(() -> Set.of("b.s.test:8081", "c.s.test:9090").equals(listener.ids()));
    assertThat(Duration.ofNanos(listener.setNanos.get(1) - firstAt)).isGreaterThanOrEqualTo(TTL.minus(EARLY));
    assertThat(listener.byId().get("c.s.test:9090").labels()).isEqualTo(Map.of("priority", "1", "weight", "3"));
  }

  @Test
  void aStoppedServerIsReportedAsErrorsTheLastGoodSetStandsAndItRecovers() {
    dns.addresses("o.svc.test", "127.0.0.21");
    source = against().name("o.svc.test.").port(8080).minRefresh(Duration.ofMillis(200))
        .maxRefresh(Duration.ofSeconds(1)).build();
    RecordingListener listener = new RecordingListener();
    source.start(listener);
    await().atMost(Duration.ofSeconds(5)).until(() -> Set.of("127.0.0.21:8080").equals(listener.ids()));

    try {
      dns.stop();
      await().atMost(Duration.ofSeconds(10)).until(() -> listener.errors.size() >= 3);
      assertThat(listener.sets).hasSize(1); // never an empty set because of an error
      assertThat(listener.errors).allSatisfy(error -> assertThat(error).isInstanceOfSatisfying(
          DnsLookupException.class, lookup -> assertThat(lookup.notFound()).isFalse()));

      dns.addresses("o.svc.test", "127.0.0.22");
    } finally {
      dns.start();
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> Set.of("127.0.0.22:8080").equals(listener.ids()));
    int errors = listener.errors.size();
    await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).until(() -> listener.errors.size() == errors);
  }

  @Test
  void aNameWithNoRecordsIsAFailureByDefault() {
    dns.addresses("n.svc.test", "127.0.0.31");
    source = against().name("n.svc.test.").port(8080).build();
    RecordingListener listener = new RecordingListener();
    source.start(listener);
    await().atMost(Duration.ofSeconds(5)).until(() -> Set.of("127.0.0.31:8080").equals(listener.ids()));

    dns.addresses("n.svc.test"); // NXDOMAIN from now on

    await().atMost(TTL.plus(SLACK)).until(() -> !listener.errors.isEmpty());
    assertThat(listener.errors.get(0)).isInstanceOfSatisfying(DnsLookupException.class,
        error -> assertThat(error.notFound()).isTrue());
    assertThat(listener.sets).hasSize(1);
    assertThat(listener.ids()).containsExactly("127.0.0.31:8080");
  }

  @Test
  void withEmptyIsValidANameWithNoRecordsIsAnEmptySet() {
    dns.addresses("z.svc.test", "127.0.0.32");
    source = against().name("z.svc.test.").port(8080).emptyIsValid(true).build();
    RecordingListener listener = new RecordingListener();
    source.start(listener);
    await().atMost(Duration.ofSeconds(5)).until(() -> Set.of("127.0.0.32:8080").equals(listener.ids()));

    dns.addresses("z.svc.test");

    await().atMost(TTL.plus(SLACK)).until(() -> listener.sets.size() == 2);
    assertThat(listener.latest()).isEmpty();
    assertThat(listener.errors).isEmpty();

    dns.addresses("z.svc.test", "127.0.0.33"); // scaled up again: an empty answer is re-asked after minRefresh
    await().atMost(Duration.ofSeconds(3)).until(() -> Set.of("127.0.0.33:8080").equals(listener.ids()));
  }

  @Test
  void aAndAaaaGiveIpv4AndBracketedIpv6Members() {
    dns.addresses("d.svc.test", "127.0.0.41", "fd00::41");
    source = against().name("d.svc.test.").records(DnsDiscovery.Records.A_AND_AAAA).port(11434).build();
    RecordingListener listener = new RecordingListener();
    source.start(listener);

    await().atMost(Duration.ofSeconds(5)).until(() -> listener.latest() != null);
    assertThat(listener.latest()).extracting(DiscoveredMember::uri).containsExactlyInAnyOrder(
        URI.create("http://127.0.0.41:11434"), URI.create("http://[fd00:0:0:0:0:0:0:41]:11434"));
    assertThat(listener.ids()).containsExactlyInAnyOrder("127.0.0.41:11434", "[fd00:0:0:0:0:0:0:41]:11434");
  }

  @Test
  void closeStopsItsOwnThread() {
    dns.addresses("c.svc.test", "127.0.0.51");
    source = against().name("c.svc.test.").port(8080).build();
    RecordingListener listener = new RecordingListener();
    source.start(listener);
    await().atMost(Duration.ofSeconds(5)).until(() -> listener.latest() != null);
    assertThat(threadAlive("headroom-dns-c.svc.test.")).isTrue();

    source.close();

    await().atMost(Duration.ofSeconds(5)).until(() -> !threadAlive("headroom-dns-c.svc.test."));
  }

  @Test
  void aGivenSchedulerRunsTheLookupsAndOutlivesClose() throws Exception {
    dns.addresses("g.svc.test", "127.0.0.61");
    ScheduledExecutorService given = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "given-dns"));
    try {
      source = against().name("g.svc.test.").port(8080).scheduler(given).build();
      List<String> threads = new CopyOnWriteArrayList<>();
      RecordingListener listener = new RecordingListener() {
        @Override
        public void onMembers(List<DiscoveredMember> members) {
          threads.add(Thread.currentThread().getName());
          super.onMembers(members);
        }
      };
      source.start(listener);
      await().atMost(Duration.ofSeconds(5)).until(() -> listener.latest() != null);
      assertThat(threads).containsOnly("given-dns");
      assertThat(threadAlive("headroom-dns-g.svc.test.")).isFalse();

      source.close();
      assertThat(given.isShutdown()).isFalse();
    } finally {
      given.shutdownNow();
    }
  }

  @Test
  void theBuilderRejectsWhatCannotWork() {
    assertThatThrownBy(() -> DnsDiscovery.builder().name("x.test").build())
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.path()).isEqualTo("port"));
    assertThatThrownBy(() -> DnsDiscovery.builder().name("_x._tcp.test").records(DnsDiscovery.Records.SRV).port(80)
        .build()).isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.path()).isEqualTo("port"));
    assertThatThrownBy(() -> DnsDiscovery.builder().port(80).build())
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.path()).isEqualTo("name"));
    assertThatThrownBy(() -> DnsDiscovery.builder().name("x.test").port(80).minRefresh(Duration.ofSeconds(5))
        .maxRefresh(Duration.ofSeconds(1)).build())
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.path()).isEqualTo("maxRefresh"));
    assertThatThrownBy(() -> DnsDiscovery.builder().name("x.test").port(80).scheme("no scheme").build())
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.path()).isEqualTo("scheme"));
  }

  private static boolean threadAlive(String name) {
    return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(name) && t.isAlive());
  }
}
