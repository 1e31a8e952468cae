package dev.headroom.testkit.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One line of {@code CLUSTER NODES}: {@code <id> <ip:port@cport> <flags> <master> <ping> <pong> <epoch> <link>
 * <slot>...}.
 *
 * @param nodeId the node id
 * @param port the client port
 * @param flags the flags, such as {@code master}, {@code slave}, {@code myself}, {@code fail}, {@code fail?}
 * @param masterId the id of the node's master ({@code -} for a master)
 * @param connected whether the link state is {@code connected}
 * @param slotRanges the slot ranges served, as pairs {@code [from, to]} (masters only)
 */
public record ClusterNodeInfo(String nodeId, int port, Set<String> flags, String masterId, boolean connected,
    List<int[]> slotRanges) {

  /** Whether the node is a master and not marked failed. */
  public boolean isLiveMaster() {
    return flags.contains("master") && !flags.contains("fail") && !flags.contains("fail?");
  }

  /** Whether the node is a replica. */
  public boolean isReplica() {
    return flags.contains("slave");
  }

  /** Whether the node serves {@code slot}. */
  public boolean servesSlot(int slot) {
    for (int[] range : slotRanges) {
      if (slot >= range[0] && slot <= range[1]) {
        return true;
      }
    }
    return false;
  }

  /** Parses the whole reply of {@code CLUSTER NODES}. */
  static List<ClusterNodeInfo> parse(String reply) {
    List<ClusterNodeInfo> nodes = new ArrayList<>();
    for (String line : reply.split("\n")) {
      line = line.strip();
      if (line.isEmpty()) {
        continue;
      }
      String[] f = line.split(" ");
      String address = f[1];
      int colon = address.lastIndexOf(':');
      int at = address.indexOf('@');
      int port = Integer.parseInt(address.substring(colon + 1, at < 0 ? address.length() : at));
      List<int[]> ranges = new ArrayList<>();
      for (int i = 8; i < f.length; i++) {
        if (f[i].startsWith("[")) {
          continue; // slot being imported or migrated
        }
        int dash = f[i].indexOf('-');
        if (dash < 0) {
          int slot = Integer.parseInt(f[i]);
          ranges.add(new int[] {slot, slot});
        } else {
          ranges.add(new int[] {Integer.parseInt(f[i].substring(0, dash)), Integer.parseInt(f[i].substring(dash + 1))});
        }
      }
      nodes.add(new ClusterNodeInfo(f[0], port, Set.of(f[2].split(",")), f[3], "connected".equals(f[7]),
          List.copyOf(ranges)));
    }
    return nodes;
  }
}
