package dev.headroom.spring.sql;

import static dev.headroom.spring.StartupFailures.assertFailedNaming;
import static dev.headroom.spring.StartupFailures.find;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.headroom.core.ConfigException;
import dev.headroom.core.HeadroomException;
import dev.headroom.spring.HeadroomAutoConfiguration;
import dev.headroom.spring.Output;
import dev.headroom.spring.actuate.HeadroomModulesHealthAutoConfiguration;
import dev.headroom.sql.FallbackPolicy;
import dev.headroom.sql.ReplicaRoutingDataSource;
import dev.headroom.testkit.dns.DnsmasqFixture;
import dev.headroom.testkit.postgres.PostgresReplicaSet;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * {@code headroom.sql.*} → the application's DataSource as a routing DataSource over a real PostgreSQL 15 primary
 * and hot standby, in place of Spring Boot's own, used by Boot's JdbcTemplate and transaction manager.
 */
class SqlAutoConfigurationTest {
  static final String PASSWORD = "pw-5e2d8a7b";
  static PostgresReplicaSet pg;

  @BeforeAll
  static void start() {
    pg = PostgresReplicaSet.start();
  }

  @AfterAll
  static void stop() {
    if (pg != null) {
      pg.close();
    }
  }

  static String[] servers() {
    return new String[] {
        "headroom.sql.name=orders",
        "headroom.sql.primary.url=" + pg.primary().jdbcUrl(),
        "headroom.sql.primary.username=" + pg.primary().user(),
        "headroom.sql.primary.password=" + PASSWORD,
        "headroom.sql.primary.max-pool-size=2",
        "headroom.sql.replicas[0].id=standby-1",
        "headroom.sql.replicas[0].url=" + pg.standby().jdbcUrl(),
        "headroom.sql.replicas[0].username=" + pg.standby().user(),
        "headroom.sql.replicas[0].password=" + PASSWORD,
        "headroom.sql.replicas[0].max-pool-size=2",
        "headroom.sql.replicas[0].max-connections=2",
        "headroom.sql.max-lag=5s",
        "headroom.sql.fallback=fail",
    };
  }

  /** Headroom's auto-configurations without Spring Boot's JDBC ones. */
  final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(HeadroomAutoConfiguration.class, HeadroomSqlAutoConfiguration.class,
          HeadroomModulesHealthAutoConfiguration.class));

  @Test
  void bootsJdbcTemplateAndTransactionManagerUseItAndReadOnlyTransactionsReadFromTheStandby() {
    runner.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
            DataSourceTransactionManagerAutoConfiguration.class, JdbcTemplateAutoConfiguration.class))
        .withPropertyValues(servers()).run(context -> {
          assertThat(context).hasNotFailed().hasSingleBean(DataSource.class);
          ReplicaRoutingDataSource routing = context.getBean(ReplicaRoutingDataSource.class);
          assertThat(routing.name()).isEqualTo("orders");
          JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
          assertThat(jdbc.getDataSource()).isSameAs(routing);

          TransactionTemplate tx = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
          // the read first: a statement on the primary makes later reads of this thread wait for its position
          tx.setReadOnly(true);
          Boolean read = tx.execute(s -> jdbc.queryForObject("select pg_is_in_recovery()", Boolean.class));
          tx.setReadOnly(false);
          Boolean write = tx.execute(s -> jdbc.queryForObject("select pg_is_in_recovery()", Boolean.class));
          assertThat(write).as("a read-write transaction runs on the primary").isFalse();
          assertThat(read).as("a read-only transaction runs on the standby").isTrue();
          assertThat(routing.connectionsInUse()).isZero();

          HealthIndicator replicas = (HealthIndicator) ((CompositeHealthContributor) context
              .getBean("headroomSqlHealthContributor", HealthContributor.class)).getContributor("orders");
          Health health = replicas.health();
          assertThat(health.getStatus()).isEqualTo(Status.UP);
          assertThat(health.getDetails()).containsEntry("eligible", "1/1");
          assertThat(health.getDetails().get("replicas").toString())
              .contains("standby-1", "lagBytes=", "lagMillis=", "health=UP", "verified=true");
        });
  }

  @Test
  void standbysFoundInDnsAreReadFromWithThePrimarysSettingsAtTheirOwnHostAndPort() {
    try (DnsmasqFixture dns = DnsmasqFixture.builder().ttl(Duration.ofSeconds(1)).start()) {
      dns.addresses("standby.db.test", "127.0.0.1");
      runner.withPropertyValues(
              "headroom.sql.name=orders",
              "headroom.sql.primary.url=" + pg.primary().jdbcUrl(),
              "headroom.sql.primary.username=" + pg.primary().user(),
              "headroom.sql.primary.password=" + PASSWORD,
              "headroom.sql.fallback=fail",
              "headroom.sql.probe-interval=200ms",
              "headroom.sql.discovery.dns.name=standby.db.test",
              "headroom.sql.discovery.dns.port=" + pg.standby().port(),
              "headroom.sql.discovery.dns.servers[0]=127.0.0.1:" + dns.port(),
              "headroom.sql.discovery.max-concurrency=2")
          .run(context -> {
            assertThat(context).hasNotFailed();
            ReplicaRoutingDataSource routing = context.getBean(ReplicaRoutingDataSource.class);
            String id = "127.0.0.1:" + pg.standby().port();
            await().atMost(Duration.ofSeconds(30)).until(() -> routing.replicas().stream()
                .anyMatch(r -> r.id().equals(id) && r.eligible()));
            try (Connection c = routing.getConnection()) {
              c.setReadOnly(true);
              try (ResultSet rs = c.createStatement().executeQuery("select pg_is_in_recovery()")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getBoolean(1)).as("the discovered standby serves the read").isTrue();
              }
            }
          });
    }
  }

  @Test
  void theSettingsReachTheDataSourceAndItsPools() {
    runner.withPropertyValues(servers()).run(context -> {
      SqlServerPools pools = context.getBean(SqlServerPools.class);
      assertThat(pools.asMap().keySet()).containsExactly("primary", "standby-1");
      HikariDataSource standby = pools.asMap().get("standby-1");
      assertThat(standby.getPoolName()).isEqualTo("orders-standby-1");
      assertThat(standby.getMaximumPoolSize()).isEqualTo(2);
      assertThat(standby.getJdbcUrl()).isEqualTo(pg.standby().jdbcUrl());
      ReplicaRoutingDataSource routing = context.getBean(ReplicaRoutingDataSource.class);
      assertThat(routing.replicas()).extracting(r -> r.id()).containsExactly("standby-1");
      assertThat(routing.toString()).contains("primary primary");
    });
  }

  @Test
  void closingTheContextStopsTheDataSourceAndClosesItsPools() {
    List<Object> seen = new ArrayList<>();
    runner.withPropertyValues(servers()).run(context -> {
      seen.add(context.getBean(ReplicaRoutingDataSource.class));
      seen.addAll(context.getBean(SqlServerPools.class).asMap().values());
    });
    ReplicaRoutingDataSource routing = (ReplicaRoutingDataSource) seen.get(0);
    assertThatThrownBy(routing::getConnection).isInstanceOf(HeadroomException.class).hasMessageContaining("closed");
    assertThat(seen.subList(1, seen.size())).allSatisfy(pool -> assertThat(((HikariDataSource) pool).isClosed())
        .isTrue());
  }

  @Test
  void theApplicationsOwnDataSourceWins() {
    runner.withPropertyValues(servers())
        .withBean("myDataSource", DataSource.class, () -> new SimpleDriverDataSource(new org.postgresql.Driver(),
            pg.primary().jdbcUrl(), pg.primary().user(), ""))
        .run(context -> assertThat(context).hasNotFailed().hasSingleBean(DataSource.class)
            .doesNotHaveBean(ReplicaRoutingDataSource.class).doesNotHaveBean(SqlServerPools.class)
            .doesNotHaveBean("headroomSqlHealthContributor"));
  }

  @Test
  void absentWithoutPropertiesWhenSwitchedOffOrWithoutTheModuleOrHikari() {
    runner.run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(DataSource.class));
    runner.withPropertyValues(servers()).withPropertyValues("headroom.sql.enabled=false")
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(DataSource.class));
    runner.withPropertyValues(servers()).withClassLoader(new FilteredClassLoader(ReplicaRoutingDataSource.class))
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(DataSource.class)
            .doesNotHaveBean("headroomSqlHealthContributor"));
    runner.withPropertyValues(servers()).withClassLoader(new FilteredClassLoader(HikariDataSource.class))
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(DataSource.class));
  }

  @Test
  void defaultsAreTheBuilders() {
    runner.withPropertyValues("headroom.sql.primary.url=" + pg.primary().jdbcUrl(),
        "headroom.sql.primary.username=" + pg.primary().user(), "headroom.sql.replicas[0].id=r",
        "headroom.sql.replicas[0].url=" + pg.standby().jdbcUrl(),
        "headroom.sql.replicas[0].username=" + pg.standby().user()).run(context -> {
          HeadroomSqlProperties p = context.getBean(HeadroomSqlProperties.class);
          assertThat(p.name()).isEqualTo("db");
          assertThat(p.fallback()).isEqualTo(FallbackPolicy.PRIMARY);
          assertThat(p.maxLagBytes().toBytes()).isEqualTo(16L << 20);
          assertThat(context.getBean(SqlServerPools.class).asMap().get("r").getMaximumPoolSize())
              .isEqualTo(new HikariDataSource().getMaximumPoolSize());
        });
  }

  static Stream<Arguments> badValues() {
    return Stream.of(
        Arguments.of("headroom.sql.replicas[0].url=" + "@primary", "headroom.sql.replicas[0].url",
            "must point at a hot standby"),
        Arguments.of("headroom.sql.primary.url=" + "@standby", "headroom.sql.primary.url",
            "must point at the read-write primary"),
        Arguments.of("headroom.sql.replicas[0].url=postgres://db-2/orders", "headroom.sql.replicas[0].url",
            "must be a JDBC URL"),
        Arguments.of("headroom.sql.replicas[0].id=primary", "headroom.sql.replicas[0].id", "must be unique"),
        Arguments.of("headroom.sql.replicas[1].url=jdbc:postgresql://127.0.0.1:9/x", "headroom.sql.replicas[1].id",
            "must be set"),
        Arguments.of("headroom.sql.replicas[0].max-connections=0", "headroom.sql.replicas[0].max-connections",
            ">= 1"),
        Arguments.of("headroom.sql.primary.max-pool-size=0", "headroom.sql.primary.max-pool-size", ">= 1"),
        Arguments.of("headroom.sql.primary.connection-timeout=10ms", "headroom.sql.primary.connection-timeout",
            ">= 250ms"),
        Arguments.of("headroom.sql.max-lag=0s", "headroom.sql.max-lag", "must be > 0"),
        Arguments.of("headroom.sql.max-lag-bytes=-1B", "headroom.sql.max-lag-bytes", "must be >= 0"),
        Arguments.of("headroom.sql.probe-timeout=0s", "headroom.sql.probe-timeout", "must be > 0"),
        Arguments.of("headroom.sql.read-your-writes-wait=-1s", "headroom.sql.read-your-writes-wait", ">= 0"),
        Arguments.of("headroom.sql.unhealthy-threshold=0", "headroom.sql.unhealthy-threshold", "must be >= 1"),
        Arguments.of("headroom.sql.name= ", "headroom.sql.name", "non-empty"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("badValues")
  void aBadValueFailsStartupNamingItsPropertyAndNeverThePassword(String property, String named, String requirement)
      throws Exception {
    String value = property.replace("@primary", pg.primary().jdbcUrl() + "?password=" + PASSWORD)
        .replace("@standby", pg.standby().jdbcUrl() + "?password=" + PASSWORD);
    String output = Output.of(() -> runner.withPropertyValues(servers()).withPropertyValues(value).run(context -> {
      assertFailedNaming(context, named, requirement, PASSWORD);
    }));
    assertThat(output).doesNotContain(PASSWORD);
  }

  @Test
  void withoutReplicasStartupFailsNamingThem() {
    runner.withPropertyValues("headroom.sql.primary.url=" + pg.primary().jdbcUrl()).run(context -> {
      ConfigException e = find(context.getStartupFailure(), ConfigException.class);
      assertThat(e.setting()).isEqualTo("headroom.sql.replicas");
    });
  }

  @Test
  void passwordsNeverShowInThePropertiesOrTheLog() throws Exception {
    String output = Output.of(() -> runner.withPropertyValues(servers())
        .withPropertyValues("headroom.sql.replicas[0].url=" + pg.standby().jdbcUrl() + "?password=" + PASSWORD)
        .run(context -> {
          HeadroomSqlProperties properties = context.getBean(HeadroomSqlProperties.class);
          assertThat(properties.primary().password()).isEqualTo(PASSWORD);
          assertThat(properties.toString()).contains("password=[redacted]", "password=***").doesNotContain(PASSWORD);
          assertThat(context.getBean(ReplicaRoutingDataSource.class).toString()).doesNotContain(PASSWORD);
        }));
    assertThat(output).contains("headroom.sql: ").doesNotContain(PASSWORD);
  }

}
