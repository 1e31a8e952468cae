package dev.headroom.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.LazyConnectionDataSourceProxy;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.EnableTransactionManagement;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * {@code @Transactional(readOnly = true)} in a small Spring context, with a plain {@link DataSourceTransactionManager}
 * over the routing data source.
 *
 * <p>The problem it shows solved: the transaction manager takes the connection <em>before</em> it marks it read-only
 * (and before {@code TransactionSynchronizationManager.isCurrentTransactionReadOnly()} is true), so a data source
 * that decides in {@code getConnection()} always picks the primary. Spring's answer is to wrap it in a
 * {@link LazyConnectionDataSourceProxy}; the routing data source's connections are lazy themselves, so no wrapper is
 * needed, and one does no harm.
 */
class SpringTransactionsTest {
  private static Db.Servers servers;
  private static HikariDataSource primary;
  private static HikariDataSource standby;

  @BeforeAll
  static void startDatabases() throws SQLException {
    servers = Db.Servers.start(4, "CREATE TABLE notes (id int PRIMARY KEY)");
    primary = servers.primary();
    standby = servers.standby();
  }

  @AfterAll
  static void stopDatabases() {
    if (servers != null) {
      servers.close();
    }
  }

  private static ReplicaRoutingDataSource routing() {
    return ReplicaRoutingDataSource.builder("spring-db")
        .primary(primary)
        .replica("standby-1", standby)
        .probeInterval(Duration.ofMillis(200))
        .build();
  }

  @Test
  void readOnlyTransactionsGoToTheStandbyAndReadWriteOnesToThePrimary() {
    try (ReplicaRoutingDataSource ds = routing();
        AnnotationConfigApplicationContext context = context(ds)) {
      Notes notes = context.getBean(Notes.class);
      assertThat(notes.readOnlyTransaction()).as("@Transactional(readOnly = true) runs in recovery").isTrue();
      assertThat(notes.readWriteTransaction()).as("@Transactional runs on the primary").isFalse();
      assertThat(notes.noTransaction()).as("no transaction: the primary").isFalse();
      assertThat(notes.springSeesReadOnly()).as("Spring sees the transaction as read-only").isTrue();
      assertThat(ds.connectionsInUse()).isZero();
    }
  }

  @Test
  void aWriteInsideAReadOnlyTransactionFailsAsPostgresqlSaysIt() {
    try (ReplicaRoutingDataSource ds = routing();
        AnnotationConfigApplicationContext context = context(ds)) {
      Notes notes = context.getBean(Notes.class);
      assertThatThrownBy(() -> notes.writeInReadOnlyTransaction(7))
          .isInstanceOf(DataAccessException.class)
          .satisfies(e -> {
            SQLException cause = (SQLException) NestedExceptionUtils.getMostSpecificCause(e);
            assertThat(cause.getSQLState()).isEqualTo("25006");
            assertThat(cause.getMessage()).contains("cannot execute INSERT in a read-only transaction");
          });
      notes.write(8);
      assertThat(ds.connectionsInUse()).isZero();
    }
  }

  @Test
  void wrappingItInLazyConnectionDataSourceProxyAsWellStillRoutes() {
    try (ReplicaRoutingDataSource ds = routing();
        AnnotationConfigApplicationContext context = context(new LazyConnectionDataSourceProxy(ds))) {
      Notes notes = context.getBean(Notes.class);
      assertThat(notes.readOnlyTransaction()).isTrue();
      assertThat(notes.readWriteTransaction()).isFalse();
    }
  }

  private static AnnotationConfigApplicationContext context(DataSource dataSource) {
    AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
    context.registerBean(DataSource.class, () -> dataSource);
    context.register(SpringConfig.class);
    context.refresh();
    return context;
  }

  /** The application's configuration: a transaction manager straight over the routing data source. */
  @Configuration
  @EnableTransactionManagement
  static class SpringConfig {
    @Bean
    PlatformTransactionManager transactionManager(DataSource dataSource) {
      return new DataSourceTransactionManager(dataSource);
    }

    @Bean
    JdbcTemplate jdbcTemplate(DataSource dataSource) {
      return new JdbcTemplate(dataSource);
    }

    @Bean
    Notes notes(JdbcTemplate jdbc) {
      return new Notes(jdbc);
    }
  }

  /** A service with transactional methods. */
  static class Notes {
    private final JdbcTemplate jdbc;

    Notes(JdbcTemplate jdbc) {
      this.jdbc = jdbc;
    }

    @Transactional(readOnly = true)
    public boolean springSeesReadOnly() {
      return TransactionSynchronizationManager.isCurrentTransactionReadOnly();
    }

    @Transactional(readOnly = true)
    public boolean readOnlyTransaction() {
      jdbc.queryForObject("SELECT count(*) FROM notes", Long.class);
      return inRecovery();
    }

    @Transactional
    public boolean readWriteTransaction() {
      return inRecovery();
    }

    public boolean noTransaction() {
      return inRecovery();
    }

    @Transactional(readOnly = true)
    public void writeInReadOnlyTransaction(int id) {
      jdbc.update("INSERT INTO notes VALUES (?)", id);
    }

    @Transactional
    public void write(int id) {
      jdbc.update("INSERT INTO notes VALUES (?)", id);
    }

    private boolean inRecovery() {
      return Boolean.TRUE.equals(jdbc.queryForObject("SELECT pg_is_in_recovery()", Boolean.class));
    }
  }
}
