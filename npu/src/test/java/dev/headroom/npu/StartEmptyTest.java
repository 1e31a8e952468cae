package dev.headroom.npu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headroom.core.ConfigException;
import org.junit.jupiter.api.Test;

/** A pool whose workers all come at run time, with or without a cloud (issue 14 item 1). */
class StartEmptyTest {

  @Test
  void aCloudOnlyPoolStartedEmptyTakesWorkersAtRunTimeAndFallsBackToTheCloudWhenTheyLeave() {
    try (EmbeddingPool pool = EmbeddingPool.builder("embed").cloud(new FakeDevice("cloud", 8, 2, false))
        .startEmpty().build()) {
      assertThat(pool.embed("before").backend()).isEqualTo("cloud");

      pool.addBackend(new FakeDevice("worker", 8, 2, false));
      assertThat(pool.embed("with a worker").backend()).isEqualTo("worker");

      pool.removeBackend("worker").join();
      assertThat(pool.embed("after").backend()).isEqualTo("cloud");
    }
  }

  @Test
  void withoutStartEmptyACloudOnlyPoolSaysHowToAddWorkers() {
    try (EmbeddingPool pool = EmbeddingPool.builder("embed").cloud(new FakeDevice("cloud", 8, 2, false)).build()) {
      assertThatThrownBy(() -> pool.addBackend(new FakeDevice("worker", 8, 2, false)))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("startEmpty()");
    }
  }

  @Test
  void withoutACloudTheFirstBackendSetsTheDimensionAndALaterOneMustMatchIt() {
    try (EmbeddingPool pool = EmbeddingPool.builder("embed").startEmpty().build()) {
      FakeDevice first = new FakeDevice("first", 8, 2, false);
      pool.addBackend(first);
      assertThat(pool.embed("hello").vector()).hasSize(first.dimensions());
      assertThatThrownBy(() -> pool.addBackend(new FakeDevice("other", 8, 2, false).dimensions(16)))
          .isInstanceOf(ConfigException.class).hasMessageContaining("dimensions");
    }
  }

  @Test
  void withoutStartEmptyAPoolNeedsABackendOrACloud() {
    assertThatThrownBy(() -> EmbeddingPool.builder("embed").build())
        .isInstanceOf(ConfigException.class).hasMessageContaining("startEmpty()");
  }
}
