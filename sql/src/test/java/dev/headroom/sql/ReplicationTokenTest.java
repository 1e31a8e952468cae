package dev.headroom.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headroom.core.ConfigException;
import org.junit.jupiter.api.Test;

class ReplicationTokenTest {

  @Test
  void printsAndParsesPostgresqlLsnNotation() {
    ReplicationToken token = new ReplicationToken(0x16_B374_D848L);
    assertThat(token).hasToString("16/B374D848");
    assertThat(ReplicationToken.parse("16/B374D848")).isEqualTo(token);
    assertThat(ReplicationToken.parse("0/3000148").position()).isEqualTo(0x3000148L);
    assertThat(new ReplicationToken(-1L)).hasToString("FFFFFFFF/FFFFFFFF");
  }

  @Test
  void comparesAsUnsigned() {
    ReplicationToken low = new ReplicationToken(5);
    ReplicationToken high = new ReplicationToken(0x8000_0000_0000_0000L);
    assertThat(low).isLessThan(high);
    assertThat(low.max(high)).isEqualTo(high);
    assertThat(high.isReachedBy(low.position())).isFalse();
    assertThat(low.isReachedBy(high.position())).isTrue();
  }

  @Test
  void rejectsAnythingElseWithAClearError() {
    for (String bad : new String[] {"", "123", "/1", "1/", "x/1", "1/100000000"}) {
      assertThatThrownBy(() -> ReplicationToken.parse(bad)).isInstanceOf(ConfigException.class)
          .hasMessageContaining("replication token");
    }
  }
}
