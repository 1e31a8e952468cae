package dev.headroom.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.core.ConfigException;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.test.context.assertj.ApplicationContextAssertProvider;

/** What the starter's tests check of a context that failed to start. */
public final class StartupFailures {
  private StartupFailures() {}

  /** The first exception of {@code type} in the cause chain of {@code failure}, or null. */
  public static <T extends Throwable> T find(Throwable failure, Class<T> type) {
    List<Throwable> seen = new ArrayList<>();
    for (Throwable t = failure; t != null && !seen.contains(t); t = t.getCause()) {
      seen.add(t);
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }

  /**
   * Asserts that the context failed with a {@link ConfigException} whose setting is {@code property} and whose
   * message starts with it and contains {@code requirement}, and that no message in the failure's cause chain
   * contains any of {@code secrets}.
   *
   * @return the exception, for further checks
   */
  public static ConfigException assertFailedNaming(ApplicationContextAssertProvider<?> context, String property,
      String requirement, String... secrets) {
    assertThat(context).hasFailed();
    ConfigException e = find(context.getStartupFailure(), ConfigException.class);
    assertThat(e).as("a ConfigException in %s", context.getStartupFailure()).isNotNull();
    assertThat(e.setting()).isEqualTo(property);
    assertThat(e.getMessage()).startsWith(property + " ").contains(requirement);
    for (Throwable t = context.getStartupFailure(); t != null; t = t.getCause()) {
      for (String secret : secrets) {
        assertThat(String.valueOf(t.getMessage())).doesNotContain(secret);
      }
    }
    return e;
  }
}
