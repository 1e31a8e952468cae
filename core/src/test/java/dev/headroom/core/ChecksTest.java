package dev.headroom.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChecksTest {
  private final Checks pool = Checks.in("pool 'ollama'");

  @Test
  void aRejectedValueCarriesSubjectPathValueAndRequirementAsFields() {
    assertThatThrownBy(() -> pool.atLeast("maxWaiters", -1, 0))
        .isInstanceOfSatisfying(ConfigException.class, e -> {
          assertThat(e.subject()).isEqualTo("pool 'ollama'");
          assertThat(e.path()).isEqualTo("maxWaiters");
          assertThat(e.setting()).isEqualTo("pool 'ollama': maxWaiters");
          assertThat(e.value()).isEqualTo("-1");
          assertThat(e.requirement()).isEqualTo("must be >= 0");
        })
        .hasMessage("pool 'ollama': maxWaiters must be >= 0 but was -1");
  }

  @Test
  void aPlainCheckHasNoSubject() {
    assertThatThrownBy(() -> Checks.plain().share("outlierDetection.maxEjectionShare", 1.5))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.subject()).isEmpty())
        .hasMessage("outlierDetection.maxEjectionShare must be in [0, 1] but was 1.5");
    assertThat(new ConfigException("timeout", "PT0S", "must be > 0").setting()).isEqualTo("timeout");
  }

  @Test
  void acceptableValuesComeBackUnchanged() {
    Duration d = Duration.ofSeconds(3);
    assertThat(pool.positive("latencyHalfLife", d)).isSameAs(d);
    assertThat(pool.nonNegative("wait", Duration.ZERO)).isEqualTo(Duration.ZERO);
    assertThat(pool.atLeast("n", 1, 1)).isEqualTo(1);
    assertThat(pool.atLeast("n", 5L, 1L)).isEqualTo(5L);
    assertThat(pool.positive("weight", 0.5)).isEqualTo(0.5);
    assertThat(pool.nonNegative("tolerance", 0.0)).isZero();
    assertThat(pool.within("q", 0.95, 0, 1)).isEqualTo(0.95);
    assertThat(pool.nonBlank("name", "a")).isEqualTo("a");
    assertThat(pool.required("x", "y")).isEqualTo("y");
    assertThat(pool.notEmpty("endpoints", List.of(1), "endpoint")).containsExactly(1);
  }

  @Test
  void eachRequirementIsWordedOnce() {
    assertThatThrownBy(() -> pool.positive("latencyHalfLife", Duration.ZERO))
        .hasMessage("pool 'ollama': latencyHalfLife must be > 0 but was PT0S");
    assertThatThrownBy(() -> pool.positive("latencyHalfLife", (Duration) null))
        .hasMessage("pool 'ollama': latencyHalfLife must be > 0 but was (missing)");
    assertThatThrownBy(() -> pool.nonNegative("wait", Duration.ofMillis(-1)))
        .hasMessage("pool 'ollama': wait must be >= 0 but was PT-0.001S");
    assertThatThrownBy(() -> pool.positive("weight", Double.NaN))
        .hasMessage("pool 'ollama': weight must be a finite number > 0 but was NaN");
    assertThatThrownBy(() -> pool.nonNegative("tolerance", Double.POSITIVE_INFINITY))
        .hasMessage("pool 'ollama': tolerance must be a finite number >= 0 but was Infinity");
    assertThatThrownBy(() -> pool.within("q", 1.5, 0, 0.99))
        .hasMessage("pool 'ollama': q must be in [0, 0.99] but was 1.5");
    assertThatThrownBy(() -> pool.nonBlank("name", " "))
        .hasMessage("pool 'ollama': name must be non-empty but was ' '");
    assertThatThrownBy(() -> pool.required("x", null)).hasMessage("pool 'ollama': x must be set but was (missing)");
    assertThatThrownBy(() -> pool.notEmpty("endpoints", List.of(), "endpoint"))
        .hasMessage("pool 'ollama': endpoints must list at least one endpoint but was []");
  }
}
