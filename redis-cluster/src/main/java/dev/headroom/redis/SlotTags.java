package dev.headroom.redis;

import io.lettuce.core.cluster.SlotHash;
import java.util.Arrays;

/**
 * One short hash tag per Redis Cluster slot: a key containing {@code "{" + of(slot) + "}"} (as its first braces) lives
 * in that slot. This puts a helper key (the loading lock of a cache key) in the slot of any key, whatever braces the
 * key's own text has, so that one Lua script may touch both. The tags are base-36 numbers, found once (about 170 000
 * CRC16 sums of 1-4 bytes, a few milliseconds) and kept as 16 384 ints.
 */
final class SlotTags {
  private static final int[] TAGS = find();

  private SlotTags() {}

  /** The tag that hashes to {@code slot} (0 to 16 383). */
  static String of(int slot) {
    return Integer.toString(TAGS[slot], 36);
  }

  private static int[] find() {
    int[] tags = new int[SlotHash.SLOT_COUNT];
    Arrays.fill(tags, -1);
    int left = tags.length;
    for (int i = 0; left > 0; i++) {
      if (i == Integer.MAX_VALUE) {
        throw new IllegalStateException("no tag found for " + left + " slots");
      }
      int slot = SlotHash.getSlot(Integer.toString(i, 36));
      if (tags[slot] < 0) {
        tags[slot] = i;
        left--;
      }
    }
    return tags;
  }
}
