package dev.headroom.redis.fleet;

import io.github.bucket4j.redis.lettuce.RedisApi;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisAdvancedClusterAsyncCommands;

/**
 * Bucket4j's view of the fleet's connection: the commands of whatever connection {@link FleetClient} has now, so
 * the proxy manager can be made before Redis first answers. Callers check {@link FleetClient#connected()} first.
 * Keys are typed {@code Object}: Bucket4j passes them in an {@code Object[]} (a generic array), which a
 * {@code String[]} parameter would reject.
 */
final class BucketApi implements RedisApi<Object> {
  private final FleetClient client;

  BucketApi(FleetClient client) {
    this.client = client;
  }

  private RedisAdvancedClusterAsyncCommands<String, byte[]> commands() {
    RedisAdvancedClusterAsyncCommands<String, byte[]> commands = client.commands();
    if (commands == null) {
      throw new IllegalStateException("not connected to the Redis cluster");
    }
    return commands;
  }

  @Override
  public <V> RedisFuture<V> eval(String script, ScriptOutputType type, Object[] keys, byte[][] args) {
    String[] names = new String[keys.length];
    for (int i = 0; i < keys.length; i++) {
      names[i] = String.valueOf(keys[i]);
    }
    return commands().eval(script, type, names, args);
  }

  @Override
  public RedisFuture<byte[]> get(Object key) {
    return commands().get(String.valueOf(key));
  }

  @Override
  public RedisFuture<?> delete(Object key) {
    return commands().del(String.valueOf(key));
  }
}
