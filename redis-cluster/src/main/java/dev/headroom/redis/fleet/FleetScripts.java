package dev.headroom.redis.fleet;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The fleet's Lua scripts. Every script reads the time from the Redis server ({@code TIME}) rather than from the
 * replicas' clocks, so permit expiries, heartbeats, load entries and window slices of all replicas are on one clock
 * (the master's of that slot; after a failover, the promoted replica's).
 */
final class FleetScripts {
  private static final String NOW = ""
      + "local t = redis.call('TIME')\n"
      + "local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)\n";

  /** Sets the key to expire a second after its latest member. */
  private static final String EXPIRE_AT_LAST = ""
      + "local function expireAtLast(key)\n"
      + "  local last = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')\n"
      + "  if last[2] then redis.call('PEXPIREAT', key, math.floor(tonumber(last[2])) + 1000) end\n"
      + "end\n";

  /** KEYS[1] permits; ARGV cap, ttl ms, member. Returns 1 when the member was added, 0 when the cap is reached. */
  static final Script ACQUIRE = new Script(NOW + EXPIRE_AT_LAST
      + "redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)\n"
      + "if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then return 0 end\n"
      + "redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[3])\n"
      + "expireAtLast(KEYS[1])\n"
      + "return 1\n");

  /**
   * KEYS: permit sets; ARGV ttl ms, then for each key the number of members and the members. Drops expired permits
   * and sets every listed member's expiry to now + ttl, adding it if it is missing (it expired, or was granted while
   * Redis did not answer). Returns the number of members added.
   */
  static final Script RENEW = new Script(NOW + EXPIRE_AT_LAST
      + "local ttl = tonumber(ARGV[1])\n"
      + "local a = 2\n"
      + "local added = 0\n"
      + "for i = 1, #KEYS do\n"
      + "  local n = tonumber(ARGV[a]); a = a + 1\n"
      + "  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now)\n"
      + "  local batch = {}\n"
      + "  for j = 1, n do\n"
      + "    batch[#batch + 1] = now + ttl\n"
      + "    batch[#batch + 1] = ARGV[a]; a = a + 1\n"
      + "    if #batch >= 1000 or j == n then\n"
      + "      added = added + redis.call('ZADD', KEYS[i], unpack(batch))\n"
      + "      batch = {}\n"
      + "    end\n"
      + "  end\n"
      + "  if n > 0 then expireAtLast(KEYS[i]) end\n"
      + "end\n"
      + "return added\n");

  /**
   * KEYS[1] load hash; ARGV replica, stale-after ms, then triples endpoint, inFlight, latency. Writes this replica's
   * entries ({@code <replica>:<endpoint>} = {@code inFlight,latency,expiresAtMs}), deletes its entries for endpoints
   * it no longer reports and every expired entry, and returns the others' live entries as field, value pairs.
   */
  static final Script PUBLISH = new Script(NOW
      + "local prefix = ARGV[1] .. ':'\n"
      + "local expires = now + tonumber(ARGV[2])\n"
      + "local mine = {}\n"
      + "for i = 3, #ARGV, 3 do\n"
      + "  local field = prefix .. ARGV[i]\n"
      + "  mine[field] = true\n"
      + "  redis.call('HSET', KEYS[1], field, ARGV[i + 1] .. ',' .. ARGV[i + 2] .. ',' .. string.format('%d', expires))\n"
      + "end\n"
      + "local all = redis.call('HGETALL', KEYS[1])\n"
      + "local others = {}\n"
      + "local last = expires\n"
      + "for j = 1, #all, 2 do\n"
      + "  local field, value = all[j], all[j + 1]\n"
      + "  local untilMs = tonumber(string.match(value, ',(%d+)$'))\n"
      + "  local own = string.sub(field, 1, #prefix) == prefix\n"
      + "  if untilMs == nil or untilMs <= now or (own and not mine[field]) then\n"
      + "    redis.call('HDEL', KEYS[1], field)\n"
      + "  else\n"
      + "    if untilMs > last then last = untilMs end\n"
      + "    if not own then others[#others + 1] = field; others[#others + 1] = value end\n"
      + "  end\n"
      + "end\n"
      + "redis.call('PEXPIREAT', KEYS[1], last + 1000)\n"
      + "return others\n");

  /** KEYS[1] load hash; ARGV replica. Deletes this replica's entries; returns how many. */
  static final Script UNPUBLISH = new Script(""
      + "local prefix = ARGV[1] .. ':'\n"
      + "local fields = redis.call('HKEYS', KEYS[1])\n"
      + "local n = 0\n"
      + "for j = 1, #fields do\n"
      + "  if string.sub(fields[j], 1, #prefix) == prefix then n = n + redis.call('HDEL', KEYS[1], fields[j]) end\n"
      + "end\n"
      + "return n\n");

  /** KEYS[1] registry; ARGV replica, stale-after ms. Announces the replica; returns the live count. */
  static final Script HEARTBEAT = new Script(NOW + EXPIRE_AT_LAST
      + "redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)\n"
      + "redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])\n"
      + "expireAtLast(KEYS[1])\n"
      + "return redis.call('ZCARD', KEYS[1])\n");

  /** The sliding window's helpers: parse a slice, scan the hash (dropping slices that left the window), format. */
  private static final String WINDOW = NOW
      + "local function parse(value, into)\n"
      + "  local k = 0\n"
      + "  for v in string.gmatch(value, '[^,]+') do k = k + 1; into[k] = (into[k] or 0) + tonumber(v) end\n"
      + "  return k\n"
      + "end\n"
      + "local function scan(key, id, slices, totals)\n"
      + "  local all = redis.call('HGETALL', key)\n"
      + "  local current, width = nil, 0\n"
      + "  for j = 1, #all, 2 do\n"
      + "    local sid = tonumber(all[j])\n"
      + "    if sid == nil or id - sid >= slices then\n"
      + "      redis.call('HDEL', key, all[j])\n"
      + "    else\n"
      + "      local k = parse(all[j + 1], totals)\n"
      + "      if k > width then width = k end\n"
      + "      if sid == id then current = all[j + 1] end\n"
      + "    end\n"
      + "  end\n"
      + "  return current, width\n"
      + "end\n"
      + "local function fmt(x) return string.format('%.0f', x) end\n"
      + "local sliceMs, slices = tonumber(ARGV[1]), tonumber(ARGV[2])\n"
      + "local id = math.floor(now / sliceMs)\n";

  /**
   * KEYS[1] window hash; ARGV slice ms, slices, n, n amounts, n maxima. Adds the amounts to the current slice when
   * every total plus its amount stays within its maximum. Returns {added 1/0, slice id, n totals} (as text).
   */
  static final Script WINDOW_ADD = new Script(WINDOW
      + "local n = tonumber(ARGV[3])\n"
      + "local totals = {}\n"
      + "local current = scan(KEYS[1], id, slices, totals)\n"
      + "local fits = 1\n"
      + "for i = 1, n do\n"
      + "  if (totals[i] or 0) + tonumber(ARGV[3 + i]) > tonumber(ARGV[3 + n + i]) then fits = 0 end\n"
      + "end\n"
      + "if fits == 1 then\n"
      + "  local slice = {}\n"
      + "  if current then parse(current, slice) end\n"
      + "  local out = {}\n"
      + "  for i = 1, math.max(n, #slice) do\n"
      + "    local add = 0\n"
      + "    if i <= n then add = tonumber(ARGV[3 + i]) end\n"
      + "    out[i] = fmt((slice[i] or 0) + add)\n"
      + "    totals[i] = (totals[i] or 0) + add\n"
      + "  end\n"
      + "  redis.call('HSET', KEYS[1], fmt(id), table.concat(out, ','))\n"
      + "  redis.call('PEXPIRE', KEYS[1], sliceMs * (slices + 1))\n"
      + "end\n"
      + "local reply = {fits, fmt(id)}\n"
      + "for i = 1, n do reply[#reply + 1] = fmt(totals[i] or 0) end\n"
      + "return reply\n");

  /** KEYS[1] window hash; ARGV slice ms, slices, slice id, deltas. Adds the deltas if the slice is still there. */
  static final Script WINDOW_ADJUST = new Script(WINDOW
      + "if id - tonumber(ARGV[3]) >= slices then return 0 end\n"
      + "local current = redis.call('HGET', KEYS[1], ARGV[3])\n"
      + "if not current then return 0 end\n"
      + "local slice = {}\n"
      + "parse(current, slice)\n"
      + "local out = {}\n"
      + "for i = 1, math.max(#slice, #ARGV - 3) do\n"
      + "  local delta = 0\n"
      + "  if ARGV[3 + i] then delta = tonumber(ARGV[3 + i]) end\n"
      + "  out[i] = fmt((slice[i] or 0) + delta)\n"
      + "end\n"
      + "redis.call('HSET', KEYS[1], ARGV[3], table.concat(out, ','))\n"
      + "return 1\n");

  /** KEYS[1] window hash; ARGV slice ms, slices. Returns the totals (as text), dropping slices that left. */
  static final Script WINDOW_TOTALS = new Script(WINDOW
      + "local totals = {}\n"
      + "local current, width = scan(KEYS[1], id, slices, totals)\n"
      + "local reply = {}\n"
      + "for i = 1, width do reply[i] = fmt(totals[i] or 0) end\n"
      + "return reply\n");

  private FleetScripts() {}

  /** A script and its SHA-1, for {@code EVALSHA} with a fallback to {@code EVAL} on {@code NOSCRIPT}. */
  record Script(String text, String sha) {
    Script(String text) {
      this(text, sha1(text));
    }

    private static String sha1(String text) {
      try {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
            .digest(text.getBytes(StandardCharsets.UTF_8)));
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("SHA-1 is missing from this JVM", e);
      }
    }

    @Override
    public String toString() {
      return "Script{" + sha + '}';
    }
  }
}
