package dev.headroom.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.examples.browser.BrowserPoolExample;
import dev.headroom.examples.cache.CacheExample;
import dev.headroom.examples.core.PoolAndRouterExample;
import dev.headroom.examples.llm.LlmRouterExample;
import dev.headroom.examples.npu.NpuExample;
import dev.headroom.examples.scaling.ScalingExample;
import dev.headroom.examples.sql.ReplicaRoutingExample;
import dev.headroom.testkit.postgres.PostgresReplicaSet;
import dev.headroom.testkit.redis.RedisClusterFixture;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Each module's plain-Java example runs and prints what its javadoc promises. */
class ModuleExamplesTest {

  @Test
  void poolAndRouterServesLocallyAndSpillsTheRestToTheCloud() throws Exception {
    String out = run(() -> PoolAndRouterExample.main(new String[0]));
    assertThat(out).containsPattern("one request by hand: served by node-[12]")
        .containsPattern("twenty at once: \\{cloud=\\d+, node-1=\\d+, node-2=\\d+}")
        .containsPattern("spilled local -> cloud: [1-9]")
        .contains("leases still held: 0");
  }

  @Test
  void scalingSignalsTheQueueAtOnceAndTheLatencyAfterItsForDuration() throws Exception {
    String out = run(() -> ScalingExample.main(new String[0]));
    assertThat(out).containsPattern("t=  0s  scale worker-llm UP: llm-queue-length = 60\\.0")
        .containsPattern("t=310s  scale worker-llm UP: llm-p95-latency = [5-6]\\.\\d")
        .contains("firing now: [llm-p95-latency]");
  }

  @Test
  void llmRouterServesLocallyOverflowsToTheCloudWithinTheSpendLimit() throws Exception {
    String out = run(() -> LlmRouterExample.main(new String[0]));
    assertThat(out).containsPattern("one answer from gpu-[12] \\(local\\): \\S")
        .containsPattern("streamed from gpu-[12]: \\S")
        .contains("requests still in flight: 0")
        .doesNotContain("sk-example-key");
    Matcher twelve = Pattern.compile("twelve at once: \\{([^}]*)}").matcher(out);
    assertThat(twelve.find()).isTrue();
    int total = 0;
    int cloud = 0;
    for (String entry : twelve.group(1).split(", ")) {
      String[] kv = entry.split("=");
      total += Integer.parseInt(kv[1]);
      cloud += kv[0].equals("cloud") ? Integer.parseInt(kv[1]) : 0;
    }
    assertThat(total).isEqualTo(12);
    assertThat(twelve.group(1)).contains("local=");
    assertThat(cloud).as("overflow went to the cloud, within its limit of 5 a minute").isBetween(1, 5);
  }

  @Test
  void browserPoolLeasesIsolatedSessionsAndTellsAThirdCallerWhyItGotNone() throws Exception {
    String out = run(() -> BrowserPoolExample.main(new String[0]));
    assertThat(out).contains("leased on chromium-1, cookies: 1", "title: Hello Headroom", "next session's cookies: 0",
            "third caller: BrowserPoolExhaustedException", "sessions leased after the example: 0")
        .containsPattern("screenshot: \\d{4,} bytes");
  }

  @Test
  void replicaRoutingWritesToThePrimaryAndReadsItsOwnWriteOnTheStandby() throws Exception {
    try (PostgresReplicaSet pg = PostgresReplicaSet.start()) {
      String user = "?user=" + pg.primary().user();
      String out = run(() -> ReplicaRoutingExample.main(new String[] {pg.primary().jdbcUrl() + user,
          pg.standby().jdbcUrl() + user}));
      assertThat(out).contains("the write ran on the primary", "read on a standby: true, sees the write: true",
          "notes, read in a read-only scope: 1", "connections still in use: 0");
    }
  }

  @Test
  void replicaRoutingWithoutUrlsSaysHowToRunIt() throws Exception {
    String out = run(() -> ReplicaRoutingExample.main(new String[0]));
    assertThat(out).contains("usage: ReplicaRoutingExample <primary JDBC URL> <replica JDBC URL>");
  }

  @Test
  void embeddingPoolRunsTheModelHereAndSpillsABurstToTheCloud() throws Exception {
    String out = run(() -> NpuExample.main(new String[0]));
    assertThat(out).containsPattern("runs here on: (onnxruntime:CPU|openvino:\\S+)")
        .contains("texts still queued: 0")
        .doesNotContain("sk-example-key");
    Matcher similarity = Pattern.compile("similarity: cat/cat (\\S+), cat/stock market (\\S+) \\(384 dimensions")
        .matcher(out);
    assertThat(similarity.find()).isTrue();
    assertThat(Double.parseDouble(similarity.group(1))).isGreaterThan(Double.parseDouble(similarity.group(2)) + 0.3);
    Matcher burst = Pattern.compile("a burst of 200: \\{([^}]*)}").matcher(out);
    assertThat(burst.find()).isTrue();
    int total = 0;
    int cloud = 0;
    for (String entry : burst.group(1).split(", ")) {
      String[] kv = entry.split("=");
      total += Integer.parseInt(kv[1]);
      cloud += kv[0].equals("cloud") ? Integer.parseInt(kv[1]) : 0;
    }
    assertThat(total).isEqualTo(200);
    assertThat(cloud).as("past 32 waiting texts, the cloud").isBetween(1, 199);
  }

  @Test
  void tieredCacheComputesOnceAndSharesAndInvalidatesAcrossInstances() throws Exception {
    try (RedisClusterFixture redis = RedisClusterFixture.start()) {
      String[] uris = redis.uris().stream().map(Object::toString).toArray(String[]::new);
      String out = run(() -> CacheExample.main(uris));
      assertThat(out).contains("L2: UP",
          "instance A: report q3-revenue #1, then report q3-revenue #1; computed 1x",
          "instance B: report q3-revenue, corrected (from Redis); computed 1x",
          "instance B sees the final report: true");
    }
  }

  @Test
  void tieredCacheWithoutUrisSaysHowToRunIt() throws Exception {
    String out = run(() -> CacheExample.main(new String[0]));
    assertThat(out).contains("usage: CacheExample redis://host:port");
  }

  interface Main {
    void run() throws Exception;
  }

  private static String run(Main main) throws Exception {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      main.run();
    } finally {
      System.setOut(original);
    }
    String out = captured.toString(StandardCharsets.UTF_8);
    original.print(out);
    return out;
  }
}
