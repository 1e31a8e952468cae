package dev.headroom.redis;

import java.nio.charset.StandardCharsets;

/**
 * A Redis glob ({@code *}, {@code ?}, {@code [abc]}, {@code [^a-z]}, {@code \} escaping the next character), matched
 * with the rules Redis documents for {@code KEYS} and {@code SCAN MATCH}: on the UTF-8 bytes, so a {@code ?} matches
 * one byte. Headroom's own matcher (a two-pointer wildcard scan), checked against the real Redis Cluster's
 * {@code SCAN MATCH} in {@code CachePoliciesTest}. {@link TieredCache#invalidateMatching} uses it to drop L1
 * entries with the same rule by which L2's keys were found, so both tiers lose the same keys.
 */
final class RedisGlob {
  private final String glob;
  private final byte[] pattern;

  RedisGlob(String glob) {
    this.glob = glob;
    this.pattern = glob.getBytes(StandardCharsets.UTF_8);
  }

  /** The glob as given. */
  String glob() {
    return glob;
  }

  /** Whether {@code text} (a key after the namespace's prefix) matches. */
  boolean matches(String text) {
    byte[] string = text.getBytes(StandardCharsets.UTF_8);
    return match(pattern, string);
  }

  /** {@code text} with every character that is special in a glob escaped with a backslash. */
  static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length() + 8);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\' || c == '^' || c == '-') {
        out.append('\\');
      }
      out.append(c);
    }
    return out.toString();
  }

  /**
   * Matches with the usual two-pointer wildcard scan: literals, {@code ?} and classes consume one byte each; at a
   * {@code *} the scan remembers where it was and, on a later mismatch, lets that star swallow one more byte and
   * tries again from there. Linear in practice, {@code O(pattern × text)} at worst, without recursion.
   */
  private static boolean match(byte[] pattern, byte[] text) {
    int p = 0;
    int t = 0;
    int afterStar = -1; // pattern index just after the last star seen
    int starText = -1; // text index that star swallowed up to
    while (t < text.length) {
      if (p < pattern.length && pattern[p] == '*') {
        afterStar = ++p;
        starText = t;
        continue;
      }
      int next = p < pattern.length ? token(pattern, p, text[t]) : -1;
      if (next >= 0) {
        p = next;
        t++;
      } else if (afterStar >= 0) {
        p = afterStar;
        t = ++starText;
      } else {
        return false;
      }
    }
    while (p < pattern.length && pattern[p] == '*') {
      p++;
    }
    return p == pattern.length;
  }

  /**
   * Whether the token of {@code pattern} at {@code p} (a literal, {@code \x}, {@code ?} or a class) matches the byte
   * {@code b}: the index after the token if so, else -1. A backslash at the very end is a literal backslash; a class
   * left open runs to the end of the pattern; a range may be written either way round ({@code [z-a]}).
   */
  private static int token(byte[] pattern, int p, byte b) {
    int c = pattern[p];
    if (c == '?') {
      return p + 1;
    }
    if (c == '\\' && p + 1 < pattern.length) {
      return pattern[p + 1] == b ? p + 2 : -1;
    }
    if (c != '[') {
      return c == b ? p + 1 : -1;
    }
    int q = p + 1;
    boolean negate = q < pattern.length && pattern[q] == '^';
    if (negate) {
      q++;
    }
    int value = b & 0xff;
    boolean found = false;
    while (q < pattern.length && pattern[q] != ']') {
      if (pattern[q] == '\\' && q + 1 < pattern.length) {
        found |= (pattern[q + 1] & 0xff) == value;
        q += 2;
      } else if (q + 2 < pattern.length && pattern[q + 1] == '-' && pattern[q + 2] != ']') {
        int low = Math.min(pattern[q] & 0xff, pattern[q + 2] & 0xff);
        int high = Math.max(pattern[q] & 0xff, pattern[q + 2] & 0xff);
        found |= value >= low && value <= high;
        q += 3;
      } else {
        found |= (pattern[q] & 0xff) == value;
        q++;
      }
    }
    int after = q < pattern.length ? q + 1 : q;
    return found != negate ? after : -1;
  }
}
