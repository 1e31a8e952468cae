package dev.headroom.testkit.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RedisClusterFixtureTest {

  @Test
  void startsSixNodesAsThreeMastersWithOneReplicaEachFailsOverAKilledMasterAndCleansUp() {
    Path dir;
    List<RedisNode> nodes;
    try (RedisClusterFixture cluster = RedisClusterFixture.start()) {
      nodes = cluster.nodes();
      dir = nodes.get(0).dir().getParent();
      assertThat(nodes).hasSize(6);
      assertThat(nodes).extracting(RedisNode::port).doesNotHaveDuplicates().doesNotContain(6379);
      assertThat(cluster.masters()).hasSize(3);
      assertThat(cluster.replicas()).hasSize(3);
      assertThat(cluster.command(nodes.get(0), "CLUSTER", "INFO")).contains("cluster_state:ok");
      assertThat(cluster.command(nodes.get(0), "CONFIG", "GET", "save")).doesNotContain("3600");

      RedisNode master = cluster.masterForKey("answer");
      cluster.command(master, "SET", "answer", "42");
      cluster.kill(master);
      assertThat(cluster.isRunning(master)).isFalse();

      RedisNode promoted = cluster.awaitFailover(master, Duration.ofSeconds(30));
      assertThat(promoted).isNotEqualTo(master);
      assertThat(cluster.masterForKey("answer")).isEqualTo(promoted);
      assertThat(cluster.command(promoted, "GET", "answer")).isEqualTo("42");

      cluster.restart(master);
      cluster.awaitClusterOk(Duration.ofSeconds(30));
      assertThat(cluster.replicas()).contains(master);
      assertThat(cluster.commandCalls(promoted)).containsKey("get");
    }
    assertThat(Files.exists(dir)).isFalse();
    await().atMost(Duration.ofSeconds(10)).until(() -> nodes.stream().allMatch(n -> portClosed(n.port())));
  }

  private static boolean portClosed(int port) {
    try (java.net.Socket ignored = new java.net.Socket("127.0.0.1", port)) {
      return false;
    } catch (java.io.IOException e) {
      return true;
    }
  }
}
