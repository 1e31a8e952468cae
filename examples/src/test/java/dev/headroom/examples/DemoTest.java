package dev.headroom.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DemoTest {

  @Test
  void theDemoRunsAtSmallScaleAndPrintsATablePerStrategy() throws Exception {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      Demo.main(new String[] {"--small"}); // returns normally: exit code 0
    } finally {
      System.setOut(original);
    }
    String output = captured.toString(StandardCharsets.UTF_8);
    original.print(output);
    assertThat(output).contains("strategy", "p99 ms", "round robin", "headroom", "killed local-b");
  }

  @Test
  void aBadArgumentIsAUsageError() throws Exception {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    int code = Demo.run(new String[] {"--nope"}, new PrintStream(captured, true, StandardCharsets.UTF_8));
    assertThat(code).isEqualTo(2);
    assertThat(captured.toString(StandardCharsets.UTF_8)).contains("unknown argument: --nope");
  }
}
