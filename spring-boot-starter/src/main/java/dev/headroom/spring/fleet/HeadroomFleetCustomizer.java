package dev.headroom.spring.fleet;

import dev.headroom.redis.fleet.RedisFleet;

/**
 * Adjusts the {@link RedisFleet.Builder} of {@code headroom.fleet} after the properties are applied and before the
 * coordinator connects (a client name, say). Declare it as a bean.
 */
@FunctionalInterface
public interface HeadroomFleetCustomizer {

  /** Adjusts {@code builder}. */
  void customize(RedisFleet.Builder builder);
}
