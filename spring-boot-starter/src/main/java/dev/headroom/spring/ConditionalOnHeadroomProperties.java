package dev.headroom.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.context.annotation.Conditional;

/**
 * Matches when at least one property under a prefix is set (other than its {@code enabled} switch), e.g.
 * {@code @ConditionalOnHeadroomProperties("headroom.scaling")}: a module's auto-configuration creates nothing
 * until the application configures it.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@Documented
@Conditional(OnHeadroomPropertiesCondition.class)
public @interface ConditionalOnHeadroomProperties {

  /** The property prefix, e.g. {@code headroom.scaling}. */
  String value();
}
