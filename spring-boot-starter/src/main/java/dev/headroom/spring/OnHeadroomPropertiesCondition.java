package dev.headroom.spring;

import java.util.Map;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/** Matches when any property under the prefix of {@link ConditionalOnHeadroomProperties} is set. */
final class OnHeadroomPropertiesCondition extends SpringBootCondition {
  @Override
  public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
    Map<String, Object> attributes = metadata.getAnnotationAttributes(ConditionalOnHeadroomProperties.class.getName());
    String prefix = (String) attributes.get("value");
    boolean any = Binder.get(context.getEnvironment())
        .bind(prefix, Bindable.mapOf(String.class, Object.class))
        .map(map -> map.keySet().stream().anyMatch(key -> !key.equals("enabled")))
        .orElse(false);
    return any ? ConditionOutcome.match("properties under " + prefix + " are set")
        : ConditionOutcome.noMatch("no property under " + prefix + " is set");
  }
}
