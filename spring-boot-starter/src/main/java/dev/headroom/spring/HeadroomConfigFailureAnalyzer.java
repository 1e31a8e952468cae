package dev.headroom.spring;

import dev.headroom.core.ConfigException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a startup that failed on a rejected Headroom setting: the property, the value and what it must be,
 * instead of a stack of bean creation errors.
 */
public final class HeadroomConfigFailureAnalyzer extends AbstractFailureAnalyzer<ConfigException> {

  /** Creates the analyzer (Spring Boot does, from {@code META-INF/spring.factories}). */
  public HeadroomConfigFailureAnalyzer() {}

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, ConfigException cause) {
    String description = "Invalid Headroom configuration: " + cause.getMessage();
    String action = cause.setting().startsWith("headroom.")
        ? "Change " + cause.setting() + " in the application's configuration (it was " + cause.value() + ")."
        : "Change the Headroom setting '" + cause.setting() + "' (it was " + cause.value() + ").";
    return new FailureAnalysis(description, action, cause);
  }
}
