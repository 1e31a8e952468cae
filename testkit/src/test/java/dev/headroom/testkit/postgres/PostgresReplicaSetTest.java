package dev.headroom.testkit.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PostgresReplicaSetTest {

  @Test
  void startsAPrimaryAndStreamingStandbysThatReplicateAndRemovesEverythingOnClose() {
    Path dir;
    int primaryPort;
    int standbyPort;
    try (PostgresReplicaSet pg = PostgresReplicaSet.builder().standbys(2).start()) {
      dir = pg.directory();
      primaryPort = pg.primary().port();
      standbyPort = pg.standby().port();
      assertThat(pg.standbys()).hasSize(2);
      assertThat(primaryPort).isNotEqualTo(5432);
      assertThat(pg.primary().sql("SELECT pg_is_in_recovery()")).isEqualTo("f");
      for (PostgresServer standby : pg.standbys()) {
        assertThat(standby.sql("SELECT pg_is_in_recovery()")).as(standby.name()).isEqualTo("t");
      }
      assertThat(pg.primary().sql("SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'"))
          .isEqualTo("2");

      pg.primary().sql("CREATE TABLE t (v int); INSERT INTO t VALUES (42)");
      for (PostgresServer standby : pg.standbys()) {
        await().atMost(Duration.ofSeconds(10)).ignoreExceptionsInstanceOf(PostgresFixtureException.class)
            .untilAsserted(() -> assertThat(standby.sql("SELECT coalesce(sum(v), 0) FROM t")).isEqualTo("42"));
      }
      assertThatThrownBy(() -> pg.standby().sql("INSERT INTO t VALUES (1)"))
          .isInstanceOf(PostgresFixtureException.class)
          .hasMessageContaining("read-only transaction");
      assertThat(Files.isDirectory(dir)).isTrue();
    }
    assertThat(Files.exists(dir)).as("directory deleted on close").isFalse();
    assertThat(accepts(primaryPort)).as("primary stopped").isFalse();
    assertThat(accepts(standbyPort)).as("standby stopped").isFalse();
  }

  @Test
  void aStandbyCanBeStoppedAndStartedAgainAndCatchesUp() {
    try (PostgresReplicaSet pg = PostgresReplicaSet.start()) {
      PostgresServer standby = pg.standby();
      standby.stop();
      assertThat(standby.isRunning()).isFalse();
      assertThat(accepts(standby.port())).isFalse();
      pg.primary().sql("CREATE TABLE t AS SELECT 7 AS v");

      standby.start();
      assertThat(accepts(standby.port())).isTrue();
      await().atMost(Duration.ofSeconds(10)).ignoreExceptionsInstanceOf(PostgresFixtureException.class)
          .untilAsserted(() -> assertThat(standby.sql("SELECT coalesce(sum(v), 0) FROM t")).isEqualTo("7"));
    }
  }

  private static boolean accepts(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
