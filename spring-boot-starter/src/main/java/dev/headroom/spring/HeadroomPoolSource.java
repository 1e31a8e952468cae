package dev.headroom.spring;

import dev.headroom.core.Pool;
import java.util.Map;

/**
 * Pools that a module builds and owns itself (the LLM router's node pools, for example), offered to
 * {@link HeadroomPools} so that they show in the {@code headroom} health component and info section, drain with
 * the others when the context stops, and can serve as tiers of {@code headroom.routers.*}. Declare one as a bean;
 * {@link HeadroomPools} does not close these pools: their owner does.
 */
@FunctionalInterface
public interface HeadroomPoolSource {

  /**
   * The pools by name. A name must not be one of {@code headroom.pools.*} or of another source.
   *
   * @return the pools, in order
   */
  Map<String, Pool> pools();
}
