package dev.headroom.redis.fleet;

/**
 * The fleet's Redis keys. Each pool's keys share the hash tag {@code {<prefix>:<pool>}}, so they live in one slot
 * and one Lua script sees them all; the replica registry, each rate limit and each window have a tag of their own.
 *
 * <pre>
 * {hr:&lt;pool&gt;}:permits:&lt;endpoint&gt;   ZSET  member &lt;replica&gt;:&lt;seq&gt;, score = expiry (ms, server time)
 * {hr:&lt;pool&gt;}:load                 HASH  field &lt;replica&gt;:&lt;endpoint&gt; = inFlight,latencyMillis,expiresAtMs
 * {hr:fleet}:replicas               ZSET  member &lt;replica&gt;, score = expiry of its last heartbeat
 * {hr:ratelimit:&lt;name&gt;}            Bucket4j's bucket state
 * {hr:window:&lt;name&gt;}               HASH  field slice id = comma-separated amounts
 * </pre>
 */
final class FleetKeys {
  private final String prefix;

  FleetKeys(String prefix) {
    this.prefix = prefix;
  }

  String permits(String pool, String endpoint) {
    return tag(pool) + ":permits:" + endpoint;
  }

  String load(String pool) {
    return tag(pool) + ":load";
  }

  String replicas() {
    return "{" + prefix + ":fleet}:replicas";
  }

  String rateLimit(String name) {
    return "{" + prefix + ":ratelimit:" + name + "}";
  }

  String window(String name) {
    return "{" + prefix + ":window:" + name + "}";
  }

  private String tag(String pool) {
    return "{" + prefix + ":" + pool + "}";
  }
}
