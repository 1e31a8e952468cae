package dev.headroom.spring;

import dev.headroom.core.PoolConfig;

/**
 * Adjusts a pool's configuration after the {@code headroom.pools.<name>.*} properties were applied and before it
 * is validated and built: a custom {@link dev.headroom.core.Picker}, a {@link dev.headroom.core.Selector}, a tuned
 * circuit breaker. Declare one or more as beans; they run in bean order.
 */
@FunctionalInterface
public interface HeadroomPoolCustomizer {

  /** Customizes the builder of the pool named {@code name}. */
  void customize(String name, PoolConfig.Builder builder);
}
