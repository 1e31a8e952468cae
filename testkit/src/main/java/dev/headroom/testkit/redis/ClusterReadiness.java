package dev.headroom.testkit.redis;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * What "ready" means for a {@link RedisClusterFixture}, and waiting for it: every running node reports
 * {@code cluster_state:ok}, sees all 16384 slots served, knows every node, agrees with the others on who serves what,
 * and, if it is a replica, has its link to its master up.
 */
final class ClusterReadiness {
  /** How long gossip may leave a node not knowing every other before every node is introduced again. */
  static final Duration MEET_AGAIN_AFTER = Duration.ofSeconds(5);

  private static final String NOT_EVERY_NODE = "does not know every node";

  private final RedisClusterFixture fixture;
  private final List<RedisNode> nodes;
  private final RedisProcesses processes;

  ClusterReadiness(RedisClusterFixture fixture, List<RedisNode> nodes, RedisProcesses processes) {
    this.fixture = fixture;
    this.nodes = nodes;
    this.processes = processes;
  }

  /**
   * Waits until the cluster is ready; fails with the last problem seen after {@code timeout}. When gossip stalls
   * (a node still does not know every other node {@link #MEET_AGAIN_AFTER} after the last introduction, seen on a
   * loaded 2-core machine where one {@code CLUSTER MEET} of {@code redis-cli --cluster create} was lost), every node
   * is introduced to every other again; {@code CLUSTER MEET} of a known node does nothing.
   */
  void await(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    long nextMeet = System.nanoTime() + MEET_AGAIN_AFTER.toNanos();
    String last = "";
    while (true) {
      Optional<String> problem = problem();
      if (problem.isEmpty()) {
        return;
      }
      last = problem.get();
      long now = System.nanoTime();
      if (now > deadline) {
        throw new IllegalStateException("cluster not ready after " + timeout + ": " + last);
      }
      if (last.contains(NOT_EVERY_NODE) && now > nextMeet) {
        meetAll();
        nextMeet = now + MEET_AGAIN_AFTER.toNanos();
      }
      RedisProcesses.pause(100);
    }
  }

  /** Introduces every running node to every other running node. */
  private void meetAll() {
    List<RedisNode> running = processes.running(nodes);
    for (RedisNode node : running) {
      for (RedisNode other : running) {
        if (other != node) {
          try {
            fixture.command(node, "CLUSTER", "MEET", "127.0.0.1", Integer.toString(other.port()),
                Integer.toString(other.busPort()));
          } catch (RuntimeException e) {
            // a node that does not answer now is reported by problem() on the next round
          }
        }
      }
    }
  }

  /** Why the cluster is not ready now, or empty when it is. */
  Optional<String> problem() {
    List<RedisNode> running = processes.running(nodes);
    String reference = null;
    for (RedisNode node : running) {
      String info;
      String nodesReply;
      try {
        info = fixture.command(node, "CLUSTER", "INFO");
        nodesReply = fixture.command(node, "CLUSTER", "NODES");
      } catch (RuntimeException e) {
        return Optional.of(node + " does not answer: " + e.getMessage());
      }
      if (!info.contains("cluster_state:ok")) {
        return Optional.of(node + " is not ok");
      }
      if (!info.contains("cluster_slots_ok:16384")) {
        return Optional.of(node + " does not see all slots ok");
      }
      if (!info.contains("cluster_known_nodes:" + nodes.size())) {
        return Optional.of(node + " " + NOT_EVERY_NODE + " yet");
      }
      List<ClusterNodeInfo> view = ClusterNodeInfo.parse(nodesReply);
      String signature = signature(view);
      if (reference == null) {
        reference = signature;
      } else if (!reference.equals(signature)) {
        return Optional.of("nodes disagree on the topology");
      }
      ClusterNodeInfo self = view.stream().filter(i -> i.flags().contains("myself")).findFirst().orElseThrow();
      if (self.isReplica()) {
        if (!fixture.command(node, "INFO", "replication").contains("master_link_status:up")) {
          return Optional.of(node + " is a replica whose link to its master is not up");
        }
      }
    }
    return Optional.empty();
  }

  private static String signature(List<ClusterNodeInfo> view) {
    StringBuilder out = new StringBuilder();
    view.stream().sorted(Comparator.comparing(ClusterNodeInfo::nodeId)).forEach(i -> {
      out.append(i.nodeId()).append(i.flags().contains("master") ? " M " : " R ").append(i.masterId());
      i.slotRanges().forEach(r -> out.append(' ').append(r[0]).append('-').append(r[1]));
      out.append('\n');
    });
    return out.toString();
  }
}
