package dev.headroom.redis;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The bytes of an L2 entry: one header line, then the codec's bytes:
 *
 * <pre>hr1 &lt;typeId&gt; &lt;version&gt; &lt;writtenAtMillis&gt; &lt;expiresAtMillis&gt; &lt;loadMicros&gt;\n&lt;payload&gt;</pre>
 *
 * <p>Text, so that {@code redis-cli GET} shows what is cached.
 */
final class EnvelopeFormat<V> {
  static final String MAGIC = "hr1";
  private static final int MAX_HEADER = 256;

  private final ValueCodec<V> codec;
  private final String prefix;

  EnvelopeFormat(ValueCodec<V> codec) {
    this.codec = codec;
    this.prefix = MAGIC + ' ' + codec.typeId() + ' ' + codec.version() + ' ';
  }

  byte[] encode(Envelope<V> envelope) {
    byte[] payload = codec.encode(envelope.value());
    byte[] header = (prefix + envelope.writtenAtMillis() + ' ' + envelope.expiresAtMillis() + ' '
        + envelope.loadMicros() + '\n').getBytes(StandardCharsets.UTF_8);
    byte[] out = Arrays.copyOf(header, header.length + payload.length);
    System.arraycopy(payload, 0, out, header.length, payload.length);
    return out;
  }

  /**
   * Decodes an entry.
   *
   * @throws CacheDecodeException when the header is missing or names another type or version, or the payload does
   *     not decode
   */
  Envelope<V> decode(byte[] bytes) {
    int newline = -1;
    for (int i = 0; i < Math.min(bytes.length, MAX_HEADER); i++) {
      if (bytes[i] == '\n') {
        newline = i;
        break;
      }
    }
    if (newline < 0) {
      throw new CacheDecodeException("no cache header (expected '" + MAGIC + " " + codec.typeId() + " "
          + codec.version() + " ...')");
    }
    String[] header = new String(bytes, 0, newline, StandardCharsets.UTF_8).split(" ");
    if (header.length != 6 || !MAGIC.equals(header[0])) {
      throw new CacheDecodeException("not a cache header of format " + MAGIC);
    }
    if (!codec.typeId().equals(header[1])) {
      throw new CacheDecodeException("written as type '" + header[1] + "', expected '" + codec.typeId() + "'");
    }
    if (!Integer.toString(codec.version()).equals(header[2])) {
      throw new CacheDecodeException("written by schema version " + header[2] + " of " + codec.typeId()
          + ", expected version " + codec.version());
    }
    long writtenAt;
    long expiresAt;
    long loadMicros;
    try {
      writtenAt = Long.parseLong(header[3]);
      expiresAt = Long.parseLong(header[4]);
      loadMicros = Long.parseLong(header[5]);
    } catch (NumberFormatException e) {
      throw new CacheDecodeException("malformed cache header times", e);
    }
    V value = codec.decode(Arrays.copyOfRange(bytes, newline + 1, bytes.length));
    return new Envelope<>(value, writtenAt, expiresAt, loadMicros);
  }

  /** The header's type and version as "type vN", for log lines, or "?" when there is no header. */
  static String describe(byte[] bytes) {
    int end = Math.min(bytes.length, MAX_HEADER);
    String head = new String(bytes, 0, end, StandardCharsets.UTF_8);
    int newline = head.indexOf('\n');
    String[] parts = (newline < 0 ? "" : head.substring(0, newline)).split(" ");
    return parts.length >= 3 && MAGIC.equals(parts[0]) ? parts[1] + " v" + parts[2] : "?";
  }
}
