package dev.headroom.sql;

import dev.headroom.core.ConfigException;
import java.util.Objects;

/**
 * A position in the primary's write-ahead log that a later read must see: taken from the primary after a write
 * commits ({@code pg_current_wal_insert_lsn()} on PostgreSQL). A replica may serve that read once it has replayed up
 * to this position.
 *
 * <p>Tokens are small and can cross process boundaries: {@link #toString()} gives PostgreSQL's LSN notation
 * ({@code "16/B374D848"}) and {@link #parse(String)} reads it back, so a service can hand the token to its client
 * (a header, a cookie) and get it back with the next request.
 *
 * @param position the WAL position as an unsigned 64-bit number
 */
public record ReplicationToken(long position) implements Comparable<ReplicationToken> {

  /** Parses {@code "<hex>/<hex>"}, the notation of {@link #toString()}. */
  public static ReplicationToken parse(String text) {
    Objects.requireNonNull(text, "text");
    int slash = text.indexOf('/');
    try {
      if (slash <= 0 || slash == text.length() - 1) {
        throw new NumberFormatException("no '/'");
      }
      long high = Long.parseUnsignedLong(text.substring(0, slash), 16);
      long low = Long.parseUnsignedLong(text.substring(slash + 1), 16);
      if (high > 0xFFFF_FFFFL || low > 0xFFFF_FFFFL) {
        throw new NumberFormatException("a half is wider than 32 bits");
      }
      return new ReplicationToken(high << 32 | low);
    } catch (NumberFormatException e) {
      throw new ConfigException("replication token", text, "must look like '16/B374D848' (two hex numbers)");
    }
  }

  /** Whether this position is at or before {@code other} (unsigned comparison). */
  public boolean isReachedBy(long other) {
    return Long.compareUnsigned(position, other) <= 0;
  }

  /** The later of this token and {@code other}. */
  public ReplicationToken max(ReplicationToken other) {
    return compareTo(other) >= 0 ? this : other;
  }

  @Override
  public int compareTo(ReplicationToken other) {
    return Long.compareUnsigned(position, other.position);
  }

  /** PostgreSQL's LSN notation: the high and low 32 bits in upper-case hex, e.g. {@code "0/3000148"}. */
  @Override
  public String toString() {
    return Long.toHexString(position >>> 32).toUpperCase(java.util.Locale.ROOT) + "/"
        + Long.toHexString(position & 0xFFFF_FFFFL).toUpperCase(java.util.Locale.ROOT);
  }
}
