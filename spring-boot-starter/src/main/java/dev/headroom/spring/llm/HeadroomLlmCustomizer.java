package dev.headroom.spring.llm;

import dev.headroom.llm.LlmRouter;

/**
 * Adjusts the {@link LlmRouter.Builder} after the {@code headroom.llm.*} properties were applied and before it is
 * validated and built: an own {@link java.net.http.HttpClient}, a ticker, extra nodes. Declare one or more as beans;
 * they run in bean order.
 */
@FunctionalInterface
public interface HeadroomLlmCustomizer {

  /** Customizes the builder of the router named {@code name}. */
  void customize(String name, LlmRouter.Builder builder);
}
