package dev.headroom.core;

import java.time.Duration;
import java.util.Collection;

/**
 * The checks every builder makes, in one place and with one wording: each returns the value when it is acceptable
 * and throws a {@link ConfigException} naming the subject, the setting's path, the value and the requirement when
 * it is not.
 *
 * <pre>{@code
 * Checks pool = Checks.in("pool '" + name + "'");
 * pool.atLeast("maxWaiters", maxWaiters, 0);                 // pool 'x': maxWaiters must be >= 0 but was -1
 * pool.positive("latencyHalfLife", latencyHalfLife);          // ... must be > 0 but was PT0S
 * Checks.plain().share("outlierDetection.maxEjectionShare", share);
 * }</pre>
 *
 * Immutable.
 */
public final class Checks {
  private static final Checks PLAIN = new Checks("");

  private final String subject;

  private Checks(String subject) {
    this.subject = subject;
  }

  /** Checks of the settings of {@code subject} ({@code pool 'ollama'}, {@code browser host 'vm-1'}). */
  public static Checks in(String subject) {
    return subject.isEmpty() ? PLAIN : new Checks(subject);
  }

  /** Checks of settings that have no owner to name. */
  public static Checks plain() {
    return PLAIN;
  }

  /** The subject these checks name ({@code pool 'ollama'}), or empty. */
  public String subject() {
    return subject;
  }

  /** A {@link ConfigException} for {@code path} of this subject. */
  public ConfigException invalid(String path, Object value, String requirement) {
    return new ConfigException(subject, path, value, requirement);
  }

  /** {@code value}, which must not be null: "must be set". */
  public <T> T required(String path, T value) {
    if (value == null) {
      throw invalid(path, "(missing)", "must be set");
    }
    return value;
  }

  /** {@code value}, which must have a non-blank text: "must be non-empty". */
  public String nonBlank(String path, String value) {
    if (value == null || value.isBlank()) {
      throw invalid(path, value == null ? "(missing)" : "'" + value + "'", "must be non-empty");
    }
    return value;
  }

  /** {@code value}, which must be set and longer than zero: "must be > 0". */
  public Duration positive(String path, Duration value) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw invalid(path, value == null ? "(missing)" : value, "must be > 0");
    }
    return value;
  }

  /** {@code value}, which must be set and not negative: "must be >= 0". */
  public Duration nonNegative(String path, Duration value) {
    if (value == null || value.isNegative()) {
      throw invalid(path, value == null ? "(missing)" : value, "must be >= 0");
    }
    return value;
  }

  /** {@code value}, which must be at least {@code min}: "must be >= min". */
  public int atLeast(String path, int value, int min) {
    if (value < min) {
      throw invalid(path, value, "must be >= " + min);
    }
    return value;
  }

  /** {@code value}, which must be at least {@code min}: "must be >= min". */
  public long atLeast(String path, long value, long min) {
    if (value < min) {
      throw invalid(path, value, "must be >= " + min);
    }
    return value;
  }

  /** {@code value}, which must be a finite number above zero: "must be a finite number > 0". */
  public double positive(String path, double value) {
    if (!(value > 0) || !Double.isFinite(value)) {
      throw invalid(path, value, "must be a finite number > 0");
    }
    return value;
  }

  /** {@code value}, which must be a finite number of at least zero: "must be a finite number >= 0". */
  public double nonNegative(String path, double value) {
    if (!(value >= 0) || !Double.isFinite(value)) {
      throw invalid(path, value, "must be a finite number >= 0");
    }
    return value;
  }

  /** {@code value}, which must lie in {@code [low, high]}: "must be in [low, high]". */
  public double within(String path, double value, double low, double high) {
    if (!(value >= low && value <= high)) {
      throw invalid(path, value, "must be in [" + format(low) + ", " + format(high) + "]");
    }
    return value;
  }

  /** {@code value}, a share in {@code [0, 1]}: "must be in [0, 1]". */
  public double share(String path, double value) {
    return within(path, value, 0, 1);
  }

  /** {@code values}, which must not be empty: "must list at least one {@code what}". */
  public <C extends Collection<?>> C notEmpty(String path, C values, String what) {
    if (values == null || values.isEmpty()) {
      throw invalid(path, "[]", "must list at least one " + what);
    }
    return values;
  }

  @Override
  public String toString() {
    return "Checks{" + (subject.isEmpty() ? "plain" : subject) + '}';
  }

  private static String format(double bound) {
    return bound == Math.rint(bound) && Math.abs(bound) < 1e15 ? Long.toString((long) bound) : Double.toString(bound);
  }

}
