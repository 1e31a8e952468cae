package dev.headroom.core.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class VirtualTimeTest {

  @Test
  void tasksRunInTimeOrderAtTheirTimeAndCancelledOnesDoNot() {
    VirtualTime time = new VirtualTime();
    List<String> ran = new ArrayList<>();
    time.schedule(Duration.ofSeconds(2), () -> ran.add("b@" + time.read()));
    time.schedule(Duration.ofSeconds(1), () -> {
      ran.add("a@" + time.read());
      time.schedule(Duration.ofMillis(500), () -> ran.add("a2@" + time.read()));
    });
    Scheduler.Cancellable c = time.schedule(Duration.ofSeconds(1), () -> ran.add("cancelled"));
    c.cancel();
    time.advance(Duration.ofSeconds(3));
    assertThat(ran).containsExactly("a@1000000000", "a2@1500000000", "b@2000000000");
    assertThat(time.read()).isEqualTo(3_000_000_000L);
    assertThat(time.asClock().instant()).isEqualTo(Instant.ofEpochSecond(3));
    assertThatThrownBy(() -> time.advanceNanos(-1)).isInstanceOf(IllegalArgumentException.class);
  }
}
