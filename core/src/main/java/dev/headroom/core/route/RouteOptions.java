package dev.headroom.core.route;

import dev.headroom.core.Checks;
import dev.headroom.core.Selector;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Per-request routing options: which endpoints it may use (per tier if needed), its overall timeout, and whether
 * it is idempotent (may be sent again after a failure that happened after it was sent). Immutable.
 */
public final class RouteOptions {
  private static final RouteOptions DEFAULTS = builder().build();

  private final Selector selector;
  private final Map<String, Selector> tierSelectors;
  private final Duration timeout;
  private final boolean idempotent;

  private RouteOptions(Builder b) {
    this.selector = b.selector;
    this.tierSelectors = Map.copyOf(b.tierSelectors);
    this.timeout = b.timeout;
    this.idempotent = b.idempotent;
  }

  /** Any endpoint, no timeout, not idempotent. */
  public static RouteOptions defaults() {
    return DEFAULTS;
  }

  /** A builder starting from {@link #defaults()}. */
  public static Builder builder() {
    return new Builder();
  }

  /** The selector for {@code tier}: its own if one was set, else the shared one. */
  public Selector selectorFor(String tier) {
    return tierSelectors.getOrDefault(tier, selector);
  }

  /** The overall timeout, if any. */
  public Optional<Duration> timeout() {
    return Optional.ofNullable(timeout);
  }

  /** Whether a call that failed after being sent may be sent again. */
  public boolean idempotent() {
    return idempotent;
  }

  @Override
  public String toString() {
    return "RouteOptions{timeout=" + timeout + ", idempotent=" + idempotent + ", tierSelectors="
        + tierSelectors.keySet() + '}';
  }

  /** Builds {@link RouteOptions}. */
  public static final class Builder {
    private Selector selector = Selector.any();
    private final Map<String, Selector> tierSelectors = new HashMap<>();
    private Duration timeout;
    private boolean idempotent;

    private Builder() {}

    /** Which endpoints the request may use, in every tier without a selector of its own. */
    public Builder selector(Selector value) {
      this.selector = Objects.requireNonNull(value, "selector");
      return this;
    }

    /** Which endpoints the request may use in {@code tier}. */
    public Builder selector(String tier, Selector value) {
      tierSelectors.put(Objects.requireNonNull(tier, "tier"), Objects.requireNonNull(value, "selector"));
      return this;
    }

    /** The most the whole request (all tiers, waits and retries) may take. */
    public Builder timeout(Duration value) {
      Objects.requireNonNull(value, "timeout");
      this.timeout = Checks.plain().positive("timeout", value);
      return this;
    }

    /** Whether the request may be sent again after a failure that happened after it was sent. */
    public Builder idempotent(boolean value) {
      this.idempotent = value;
      return this;
    }

    /** Builds. */
    public RouteOptions build() {
      return new RouteOptions(this);
    }
  }
}
