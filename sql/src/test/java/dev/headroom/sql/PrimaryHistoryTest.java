package dev.headroom.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Lag as time, measured against the primary's own positions rather than the replay timestamp. */
class PrimaryHistoryTest {
  private static final long S = Duration.ofSeconds(1).toNanos();
  private final PrimaryHistory history = new PrimaryHistory();

  @Test
  void aCaughtUpReplicaLagsZeroHoweverLongThePrimaryHasBeenIdle() {
    history.record(1000, 0);
    for (long t = 1; t <= 3600; t++) {
      history.record(1000, t * S); // an hour of probes, no writes
    }
    assertThat(history.nanosBehind(1000, 3600 * S)).isZero();
    assertThat(history.bytesBehind(1000)).isZero();
  }

  @Test
  void aReplicaLagsSinceThePrimaryWasFirstSeenPastWhatItReplayed() {
    history.record(1000, 0);
    history.record(1500, 10 * S); // the first write after a quiet spell
    history.record(2000, 11 * S);
    history.record(2000, 12 * S);
    assertThat(history.nanosBehind(1000, 12 * S)).as("missing the write first seen at 10 s").isEqualTo(2 * S);
    assertThat(history.nanosBehind(1500, 12 * S)).isEqualTo(S);
    assertThat(history.nanosBehind(1700, 12 * S)).isEqualTo(S);
    assertThat(history.nanosBehind(2000, 12 * S)).isZero();
    assertThat(history.bytesBehind(1000)).isEqualTo(1000);
    assertThat(history.bytesBehind(2500)).as("ahead of the last sample: caught up").isZero();
  }

  @Test
  void unknownPositionsMeanNoLag() {
    assertThat(history.latest()).isEqualTo(-1);
    assertThat(history.nanosBehind(5, S)).isZero();
    history.record(10, 0);
    assertThat(history.nanosBehind(-1, S)).isZero();
    assertThat(history.bytesBehind(-1)).isZero();
  }

  @Test
  void theRingKeepsTheNewestPositionsAndStaysALowerBound() {
    for (int i = 1; i <= PrimaryHistory.CAPACITY + 100; i++) {
      history.record(i * 10L, i * S);
    }
    assertThat(history.latest()).isEqualTo((PrimaryHistory.CAPACITY + 100) * 10L);
    long now = (PrimaryHistory.CAPACITY + 101) * S;
    // behind everything kept: measured from the oldest sample kept (101 s), which understates the true 101 s lag
    assertThat(history.nanosBehind(0, now)).isEqualTo(now - 101 * S);
  }
}
