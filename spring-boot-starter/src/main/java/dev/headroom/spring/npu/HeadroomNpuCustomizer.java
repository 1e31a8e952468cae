package dev.headroom.spring.npu;

import dev.headroom.npu.EmbeddingPoolBuilder;

/**
 * Adjusts the {@link EmbeddingPoolBuilder} after the {@code headroom.npu.*} properties were applied and before it is
 * validated and built: a backend of your own, a health check for the remote workers' core pool
 * ({@link EmbeddingPoolBuilder#corePools}), an executor. Declare one or more as beans; they run in bean order.
 */
@FunctionalInterface
public interface HeadroomNpuCustomizer {

  /** Customizes the builder of the pool named {@code name}. */
  void customize(String name, EmbeddingPoolBuilder builder);
}
