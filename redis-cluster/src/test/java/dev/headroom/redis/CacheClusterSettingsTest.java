package dev.headroom.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headroom.core.ConfigException;
import dev.headroom.core.time.Scheduler;
import dev.headroom.core.time.Ticker;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.ReadFrom;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions.RefreshTrigger;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode.NodeFlag;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The Lettuce settings that cluster users learned the hard way, and configuration errors. */
class CacheClusterSettingsTest {

  private static ClusterSettings settings(Duration refresh) {
    return new ClusterSettings("c", List.of(URI.create("redis://127.0.0.1:7000")), null, "secret".toCharArray(),
        ReadFrom.REPLICA_PREFERRED, Duration.ofMillis(800), Duration.ofMillis(100), Duration.ofMillis(500), refresh,
        3, Duration.ofSeconds(1), Duration.ofMinutes(1), Duration.ofSeconds(2), 0.9, Duration.ofSeconds(30), "hr",
        "client", 2, Ticker.system(), Scheduler.system(), Clock.systemUTC(), null);
  }

  @Test
  void refreshesTopologyPeriodicallyAndOnEveryTriggerRejectsCommandsWhileDisconnectedAndDropsFailedNodes() {
    ClusterClientOptions options = L2Client.clientOptions(settings(Duration.ofSeconds(30)));
    assertThat(options.getTopologyRefreshOptions().isPeriodicRefreshEnabled()).isTrue();
    assertThat(options.getTopologyRefreshOptions().getRefreshPeriod()).isEqualTo(Duration.ofSeconds(30));
    assertThat(options.getTopologyRefreshOptions().getAdaptiveRefreshTriggers())
        .isEqualTo(EnumSet.allOf(RefreshTrigger.class));
    assertThat(options.getTopologyRefreshOptions().useDynamicRefreshSources()).isTrue();
    assertThat(options.getTopologyRefreshOptions().isCloseStaleConnections()).isTrue();
    assertThat(options.getDisconnectedBehavior()).isEqualTo(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS);
    assertThat(options.getTimeoutOptions().isTimeoutCommands()).isTrue();
    assertThat(options.getSocketOptions().getConnectTimeout()).isEqualTo(Duration.ofMillis(500));
    assertThat(options.getNodeFilter().test(node(NodeFlag.UPSTREAM))).isTrue();
    assertThat(options.getNodeFilter().test(node(NodeFlag.REPLICA))).isTrue();
    assertThat(options.getNodeFilter().test(node(NodeFlag.UPSTREAM, NodeFlag.FAIL))).isFalse();
    assertThat(options.getNodeFilter().test(node(NodeFlag.REPLICA, NodeFlag.EVENTUAL_FAIL))).isFalse();
    assertThat(options.getNodeFilter().test(node(NodeFlag.NOADDR))).isFalse();
  }

  @Test
  void readFromIsShownByName() {
    assertThat(CacheCluster.readFromName(io.lettuce.core.ReadFrom.REPLICA_PREFERRED)).isEqualTo("REPLICA_PREFERRED");
    assertThat(CacheCluster.readFromName(io.lettuce.core.ReadFrom.LOWEST_LATENCY)).isEqualTo("LOWEST_LATENCY");
  }

  @Test
  void neverShowsThePassword() {
    assertThat(settings(Duration.ofSeconds(1)).toString()).doesNotContain("secret").contains("****");
  }

  @Test
  void rejectsBadSettingsNamingThem() {
    assertThatThrownBy(() -> CacheCluster.builder().build()).isInstanceOf(ConfigException.class)
        .hasMessageContaining("seeds");
    assertThatThrownBy(() -> CacheCluster.builder().seeds(List.of(URI.create("http://x:1")))).isInstanceOf(
        ConfigException.class).hasMessageContaining("http://x:1");
    assertThatThrownBy(() -> CacheCluster.builder().readTimeout(Duration.ZERO)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("readTimeout");
    assertThatThrownBy(() -> CacheCluster.builder().memoryGuard(1.5, Duration.ofSeconds(1)))
        .isInstanceOf(ConfigException.class).hasMessageContaining("1.5");
    assertThatThrownBy(() -> CacheCluster.builder().keyPrefix("a b")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("keyPrefix");
  }

  @Test
  void rejectedSettingsCarryTheirSubjectAndPath() {
    ConfigException timeout = catchConfig(() -> CacheCluster.builder().readTimeout(Duration.ZERO));
    assertThat(timeout.subject()).isEqualTo("cache cluster");
    assertThat(timeout.path()).isEqualTo("readTimeout");
    assertThat(timeout.requirement()).isEqualTo("must be > 0");
    assertThat(catchConfig(() -> CacheCluster.builder().memoryGuard(1.5, Duration.ofSeconds(1))).path())
        .isEqualTo("memoryGuard.share");
    assertThat(catchConfig(() -> CacheCluster.builder().failureThreshold(0)).path()).isEqualTo("failureThreshold");
    ConfigException ttl = catchConfig(() -> TtlPolicy.builder().bounds(Duration.ofMinutes(5), Duration.ofMinutes(1))
        .build());
    assertThat(ttl.subject()).isEqualTo("ttl");
    assertThat(ttl.path()).isEqualTo("maxTtl");
    assertThat(catchConfig(() -> JacksonCodec.of(Answer.class, -1)).path()).isEqualTo("version");
  }

  private static ConfigException catchConfig(Runnable settings) {
    Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(settings::run);
    assertThat(thrown).isInstanceOf(ConfigException.class);
    return (ConfigException) thrown;
  }

  private static RedisClusterNode node(NodeFlag... flags) {
    RedisClusterNode node = new RedisClusterNode();
    node.setFlags(Set.of(flags));
    return node;
  }
}
