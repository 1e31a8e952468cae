package dev.headroom.spring.fleet;

import java.util.List;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when the fleet is configured: {@code headroom.fleet.seeds} or {@code headroom.fleet.use-cache-cluster=true}
 * is set, or {@code headroom.fleet.enabled=true} (which then fails startup without either); never with
 * {@code headroom.fleet.enabled=false}.
 */
final class OnFleetConfiguredCondition extends SpringBootCondition {
  @Override
  public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
    Binder binder = Binder.get(context.getEnvironment());
    Boolean enabled = binder.bind("headroom.fleet.enabled", Boolean.class).orElse(null);
    if (Boolean.FALSE.equals(enabled)) {
      return ConditionOutcome.noMatch("headroom.fleet.enabled is false");
    }
    if (Boolean.TRUE.equals(enabled)) {
      return ConditionOutcome.match("headroom.fleet.enabled is true");
    }
    boolean seeds = binder.bind("headroom.fleet.seeds", Bindable.listOf(String.class)).orElse(List.of()).stream()
        .anyMatch(seed -> seed != null && !seed.isBlank());
    if (seeds) {
      return ConditionOutcome.match("headroom.fleet.seeds is set");
    }
    if (binder.bind("headroom.fleet.use-cache-cluster", Boolean.class).orElse(false)) {
      return ConditionOutcome.match("headroom.fleet.use-cache-cluster is true");
    }
    return ConditionOutcome.noMatch("neither headroom.fleet.seeds nor headroom.fleet.use-cache-cluster is set");
  }
}
