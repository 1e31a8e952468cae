package dev.headroom.spring.sql;

import dev.headroom.spring.discovery.DiscoveryProperties;
import dev.headroom.sql.FallbackPolicy;
import dev.headroom.sql.ReadYourWrites;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * {@code headroom.sql.*}: the application's {@code DataSource} as a {@link dev.headroom.sql.ReplicaRoutingDataSource}
 * over a HikariCP pool per server: writes and read-write transactions to the primary, read-only work
 * ({@code @Transactional(readOnly = true)}) to health-checked, lag-aware replicas. Every default is the one
 * {@link dev.headroom.sql.ReplicaRoutingDataSource.Builder} (and HikariCP, for the pools) uses.
 *
 * <pre>
 * headroom:
 *   sql:
 *     primary: {url: "jdbc:postgresql://db-1:5432/orders", username: app, password: ${DB_PASSWORD}}
 *     replicas:
 *       - {id: replica-1, url: "jdbc:postgresql://db-2:5432/orders", username: app, password: ${DB_PASSWORD}}
 *     max-lag: 5s
 * </pre>
 *
 * <p>Passwords never appear in {@link #toString()}, logs or errors; put them in {@code password}, not in the URL.
 *
 * @param enabled whether the routing DataSource is created when headroom.sql is configured
 * @param name the data source name: the pool metric tag and the prefix of the HikariCP pools' names
 * @param primary the read-write primary
 * @param replicas the read replicas (hot standbys; at least one)
 * @param fallback what a read does when no replica can serve it: primary (read there) or fail
 * @param readYourWrites where read-your-writes tokens live outside scopes: per-thread or per-scope
 * @param readYourWritesWait how long a read that must see a write waits for a replica to replay it before it reads
 *     from the primary
 * @param maxLagBytes the most WAL a replica may be behind and still get reads
 * @param maxLag the longest a replica may have been behind and still get reads
 * @param probeInterval time between probes of one replica
 * @param probeTimeout a probe not answered by then failed
 * @param unhealthyThreshold failed probes in a row that take a replica out
 * @param replicaAcquireTimeout how long a read waits for a free replica slot (see max-connections)
 * @param replicaConnectionTimeout the most a read waits for replica connections, over all the replicas it tries
 * @param validateOnStart whether startup connects to every server to check its role
 * @param discovery members found at run time (DNS, Kubernetes, Spring Cloud), added to the configured ones; with
 *     a source the configured list may be empty
 * @param slowStart the window over which a member added at run time ramps up to its full share (none when unset)
 */
@ConfigurationProperties("headroom.sql")
public record HeadroomSqlProperties(
    @DefaultValue("true") boolean enabled,
    @DefaultValue("db") String name,
    Server primary,
    List<Server> replicas,
    @DefaultValue("primary") FallbackPolicy fallback,
    @DefaultValue("per-thread") ReadYourWrites readYourWrites,
    @DefaultValue("0ms") Duration readYourWritesWait,
    @DefaultValue("16MB") DataSize maxLagBytes,
    @DefaultValue("10s") Duration maxLag,
    @DefaultValue("1s") Duration probeInterval,
    @DefaultValue("1s") Duration probeTimeout,
    @DefaultValue("2") int unhealthyThreshold,
    @DefaultValue("0ms") Duration replicaAcquireTimeout,
    @DefaultValue("1s") Duration replicaConnectionTimeout,
    @DefaultValue("true") boolean validateOnStart,
    @DefaultValue DiscoveryProperties discovery,
    Duration slowStart) {

  /** Copies the replica list; an absent list becomes empty (and fails validation with its property name). */
  public HeadroomSqlProperties {
    replicas = replicas == null ? List.of() : List.copyOf(replicas);
  }

  /**
   * One database server and its HikariCP pool: {@code headroom.sql.primary.*} or {@code headroom.sql.replicas[i].*}.
   *
   * @param id unique among the servers; the endpoint metric tag (the primary's is primary when not set)
   * @param url its JDBC URL, e.g. jdbc:postgresql://db-2:5432/orders
   * @param username the user
   * @param password the password; never logged, shown or put in an error
   * @param maxPoolSize the most connections of its HikariCP pool
   * @param connectionTimeout how long a caller waits for a connection of its pool
   * @param maxConnections replicas: the most connections handed out at once, above which reads go elsewhere (set it
   *     to max-pool-size); no limit when not set
   */
  public record Server(
      String id,
      String url,
      String username,
      String password,
      @DefaultValue("10") int maxPoolSize,
      @DefaultValue("30s") Duration connectionTimeout,
      Integer maxConnections) {

    private static final Pattern PASSWORD = Pattern.compile("(?i)((?:password|pwd)=)[^&;]*");
    private static final Pattern USER_INFO = Pattern.compile("//([^/@:]*):[^/@]*@");

    /** Everything but the password, which shows only as whether it is set; one in the URL is masked too. */
    @Override
    public String toString() {
      return "Server[id=" + id + ", url=" + redact(url) + ", username=" + username + ", password="
          + (password == null ? "none" : "[redacted]") + ", maxPoolSize=" + maxPoolSize + ", connectionTimeout="
          + connectionTimeout + ", maxConnections=" + maxConnections + "]";
    }

    /** A JDBC URL without a password in it. */
    static String redact(String url) {
      if (url == null) {
        return null;
      }
      return USER_INFO.matcher(PASSWORD.matcher(url).replaceAll("$1***")).replaceAll("//$1:***@");
    }
  }
}
