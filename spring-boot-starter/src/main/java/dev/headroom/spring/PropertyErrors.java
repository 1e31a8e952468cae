package dev.headroom.spring;

import dev.headroom.core.ConfigException;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Turns core's {@link ConfigException}s into ones that name the full property
 * ({@code headroom.pools.ollama.endpoints[0].max-concurrency}), so that a bad value fails startup with the name the
 * user wrote. The property is built from the exception's {@link ConfigException#path() path} alone (the setting's
 * path below its owner, in the builders' names: {@code maxConcurrency}, {@code outlierDetection.maxEjectionShare},
 * {@code rules[1].above.critical}), each segment kebab-cased with its indexes kept; the message, subject and setting
 * text are never read. Auto-configurations of other modules use it the same way: build each group of settings inside
 * {@link #at(String, Supplier)} with the property path of the builder the path is relative to, or, when the group
 * already stands for the leading segments of the path, inside {@link #at(String, String, Supplier)}.
 */
public final class PropertyErrors {
  private PropertyErrors() {}

  /**
   * Runs {@code build}; a {@link ConfigException} it throws is rethrown naming {@code group} plus its kebab-cased
   * {@link ConfigException#path() path} (the original is kept as the cause).
   *
   * @param group the property path the builder's paths are relative to, e.g. {@code headroom.pools.ollama}
   */
  public static <T> T at(String group, Supplier<T> build) {
    return at(group, "", build);
  }

  /**
   * Runs {@code build}; a {@link ConfigException} it throws is rethrown naming {@code group} plus the kebab-cased rest
   * of its {@link ConfigException#path() path} below {@code covered} (the original is kept as the cause). For a group
   * that already stands for the leading segments of the builder's paths:
   * {@code at("headroom.pools.x.outlier-detection", "outlierDetection", ...)} names
   * {@code outlierDetection.maxEjectionShare} {@code headroom.pools.x.outlier-detection.max-ejection-share}.
   *
   * @param group the property path of {@code covered}
   * @param covered the leading path segments (builder names, dotted) that {@code group} stands for; empty for none
   */
  public static <T> T at(String group, String covered, Supplier<T> build) {
    try {
      return build.get();
    } catch (ConfigException e) {
      throw translate(group, covered, e);
    }
  }

  /**
   * Runs {@code build}; a {@link ConfigException} it throws is rethrown naming exactly {@code property}, with the
   * same value and requirement (the original is kept as the cause). For a build that checks a single setting whose
   * builder path does not map onto the property by itself.
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
    ConfigException mapped = new ConfigException(property, cause.value(), cause.requirement());
    mapped.initCause(cause);
    return mapped;
  }

  /** A {@link ConfigException} for {@code group} plus the kebab-cased path of {@code cause}, with its value and
   * requirement. */
  public static ConfigException translate(String group, ConfigException cause) {
    return translate(group, "", cause);
  }

  /**
   * A {@link ConfigException} for {@code group} plus the kebab-cased path of {@code cause} below {@code covered}, with
   * its value and requirement; see {@link #at(String, String, Supplier)}.
   */
  public static ConfigException translate(String group, String covered, ConfigException cause) {
    return rename(property(group, covered, cause.path()), cause);
  }

  /** A new {@link ConfigException} naming {@code property}. */
  public static ConfigException invalid(String property, Object value, String requirement) {
    return new ConfigException(property, value, requirement);
  }

  /**
   * The property a builder path names when {@code group} is the property of its leading segments {@code covered}:
   * ({@code headroom.pools.x}, {@code ""}, {@code maxWaiters}) → {@code headroom.pools.x.max-waiters};
   * ({@code headroom.pools.x.outlier-detection}, {@code outlierDetection}, {@code outlierDetection.maxEjectionShare})
   * → {@code headroom.pools.x.outlier-detection.max-ejection-share}. A path that does not start with {@code covered}
   * is taken whole below {@code group}.
   */
  static String property(String group, String covered, String path) {
    String rest = path;
    if (!covered.isEmpty()) {
      if (path.equals(covered)) {
        rest = "";
      } else if (path.startsWith(covered + ".")) {
        rest = path.substring(covered.length() + 1);
      }
    }
    return rest.isEmpty() ? group : group + "." + kebabPath(rest);
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
}
