package dev.headroom.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.examples.core.PoolAndRouterExample;
import dev.headroom.examples.scaling.ScalingExample;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
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
        .containsPattern("t= 70s  scale worker-llm UP: llm-p95-latency = [5-6]\\.\\d")
        .contains("firing now: [llm-p95-latency]");
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
