package dev.headroom.spring.browser;

import dev.headroom.browser.BrowserPoolConfig;

/**
 * Adjusts the {@link BrowserPoolConfig.Builder} after the {@code headroom.browser.*} properties were applied and
 * before it is validated and the browsers launch: a leak listener, more hosts. Declare one or more as beans; they
 * run in bean order.
 */
@FunctionalInterface
public interface HeadroomBrowserCustomizer {

  /** Customizes the builder of the pool named {@code name}. */
  void customize(String name, BrowserPoolConfig.Builder builder);
}
