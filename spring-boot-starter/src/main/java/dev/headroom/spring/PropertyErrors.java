package dev.headroom.spring;

import dev.headroom.core.ConfigException;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Turns core's {@link ConfigException}s, which name a setting the way the Java builders spell it
 * ({@code maxConcurrency of endpoint 'gpu-1'}, {@code outlierDetection.maxEjectionShare},
 * {@code rules[1].above.critical}), into ones that name the full property
 * ({@code headroom.pools.ollama.endpoints[0].max-concurrency}), so that a bad value fails startup with the name
 * the user wrote. Auto-configurations of other modules use it the same way: build each group of settings inside
 * {@link #at(String, Supplier)} with the group's property path.
 */
public final class PropertyErrors {
  /** Words that name what owns a setting in core's messages ({@code endpoint id}, {@code node id}). */
  private static final java.util.Set<String> OWNERS =
      java.util.Set.of("endpoint", "tier", "pool", "router", "node", "host", "replica");

  private PropertyErrors() {}

  /**
   * Runs {@code build}; a {@link ConfigException} it throws is rethrown naming {@code group} plus the kebab-case
   * name of the setting (the original is kept as the cause).
   *
   * @param group the property path of the settings {@code build} reads, e.g. {@code headroom.pools.ollama}
   */
  public static <T> T at(String group, Supplier<T> build) {
    try {
      return build.get();
    } catch (ConfigException e) {
      throw translate(group, e);
    }
  }

  /**
   * Runs {@code build}; a {@link ConfigException} it throws is rethrown naming exactly {@code property}, with the
   * same value and requirement (the original is kept as the cause). For settings whose name in the builder's message
   * does not map onto the property by itself.
   *
   * @param property the full property name, e.g. {@code headroom.cache.read-timeout}
   */
  public static <T> T as(String property, Supplier<T> build) {
    try {
      return build.get();
    } catch (ConfigException e) {
      throw rename(property, e);
    }
  }

  /** A {@link ConfigException} naming exactly {@code property}, with the value and requirement of {@code cause}. */
  public static ConfigException rename(String property, ConfigException cause) {
    ConfigException mapped = new ConfigException(property, cause.value(), requirement(cause));
    mapped.initCause(cause);
    return mapped;
  }

  /** A {@link ConfigException} for {@code property}, with the same value and requirement as {@code cause}. */
  public static ConfigException translate(String group, ConfigException cause) {
    String property = group + "." + property(cause.setting());
    ConfigException mapped = new ConfigException(property, cause.value(), requirement(cause));
    mapped.initCause(cause);
    return mapped;
  }

  /** A new {@link ConfigException} naming {@code property}. */
  public static ConfigException invalid(String property, Object value, String requirement) {
    return new ConfigException(property, value, requirement);
  }

  /**
   * The property path of a setting name of core or a module: {@code pool 'x': maxWaiters} → {@code max-waiters},
   * {@code browser host 'h': maxSessions} → {@code max-sessions}, {@code cloud.apiKey} → {@code api-key},
   * {@code weight of endpoint 'a'} → {@code weight}, {@code healthCheck.unhealthyThreshold} →
   * {@code unhealthy-threshold}, {@code rules[1].above.critical} → {@code rules[1].above.critical}.
   */
  static String property(String setting) {
    String s = setting;
    int colon = s.lastIndexOf("': ");
    if (colon >= 0) {
      s = s.substring(colon + 3); // "pool 'x': maxWaiters", "browser host 'h': maxSessions", "'db': maxLag"
    }
    String[] words = s.split(" ");
    String name = words[0];
    if (words.length > 1 && OWNERS.contains(name)) {
      name = words[1];
    }
    if (name.startsWith("rules[") || name.startsWith("vetoes[") || name.startsWith("schedules[")) {
      return kebabPath(name); // a path inside a scaling config: keep every segment
    }
    int dot = name.lastIndexOf('.');
    return kebab(dot >= 0 ? name.substring(dot + 1) : name);
  }

  /** Each dotted segment in kebab case, indexes kept: {@code rules[0].scaleDownTo} → {@code rules[0].scale-down-to}. */
  static String kebabPath(String path) {
    String[] parts = path.split("\\.");
    StringBuilder out = new StringBuilder();
    for (String part : parts) {
      if (out.length() > 0) {
        out.append('.');
      }
      out.append(kebab(part));
    }
    return out.toString();
  }

  static String kebab(String camel) {
    StringBuilder out = new StringBuilder(camel.length() + 4);
    for (int i = 0; i < camel.length(); i++) {
      char c = camel.charAt(i);
      if (Character.isUpperCase(c)) {
        if (i > 0) {
          out.append('-');
        }
        out.append(Character.toLowerCase(c));
      } else {
        out.append(c);
      }
    }
    return out.toString().toLowerCase(Locale.ROOT);
  }

  /** What the setting must be: the message is {@code setting + " " + requirement + " but was " + value}. */
  static String requirement(ConfigException e) {
    String message = e.getMessage();
    String head = e.setting() + " ";
    String tail = " but was " + e.value();
    if (message.startsWith(head) && message.endsWith(tail) && message.length() >= head.length() + tail.length()) {
      return message.substring(head.length(), message.length() - tail.length());
    }
    return "is invalid (" + message + ")";
  }
}
