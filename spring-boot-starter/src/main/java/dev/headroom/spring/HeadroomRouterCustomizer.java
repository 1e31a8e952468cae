package dev.headroom.spring;

import dev.headroom.core.route.Router;

/**
 * Adjusts a router after its {@code headroom.routers.<name>.*} properties were applied and before it is built, for
 * instance with a protocol-aware {@link dev.headroom.core.route.FailureClassifier}. Declare one or more as beans;
 * they run in bean order.
 */
@FunctionalInterface
public interface HeadroomRouterCustomizer {

  /** Customizes the builder of the router named {@code name}. */
  void customize(String name, Router.Builder builder);
}
