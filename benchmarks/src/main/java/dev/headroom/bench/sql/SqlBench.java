package dev.headroom.bench.sql;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.headroom.sql.ReadYourWrites;
import dev.headroom.sql.ReplicaRoutingDataSource;
import dev.headroom.testkit.postgres.PostgresReplicaSet;
import dev.headroom.testkit.postgres.PostgresServer;
import java.time.Duration;

/** A PostgreSQL primary and standby with HikariCP pools, and a routing data source over them, for the benchmarks. */
final class SqlBench implements AutoCloseable {
  final PostgresReplicaSet pg;
  final HikariDataSource primary;
  final HikariDataSource standby;
  final ReplicaRoutingDataSource routing;

  SqlBench(int poolSize) {
    pg = PostgresReplicaSet.builder().setting("max_connections", "200").start();
    primary = pool(pg.primary(), "primary", poolSize);
    standby = pool(pg.standby(), "standby", poolSize);
    routing = ReplicaRoutingDataSource.builder("bench")
        .primary(primary)
        .replica("standby-1", standby)
        .readYourWrites(ReadYourWrites.PER_SCOPE)
        .build();
  }

  static HikariDataSource pool(PostgresServer server, String name, int size) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(server.jdbcUrl());
    config.setUsername(server.user());
    config.setPoolName(name);
    config.setMaximumPoolSize(size);
    config.setMinimumIdle(size);
    config.setConnectionTimeout(Duration.ofSeconds(10).toMillis());
    return new HikariDataSource(config);
  }

  @Override
  public void close() {
    routing.close();
    primary.close();
    standby.close();
    pg.close();
  }
}
