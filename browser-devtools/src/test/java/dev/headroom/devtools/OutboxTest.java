package dev.headroom.devtools;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The bounded, never-blocking outbox a relay writes each side through. */
class OutboxTest {
  @Test
  void sendsInOrderOneAtATime() {
    List<CompletableFuture<Void>> inFlight = new ArrayList<>();
    List<String> sent = new CopyOnWriteArrayList<>();
    Outbox outbox = new Outbox(1_000, text -> {
      sent.add(text);
      CompletableFuture<Void> done = new CompletableFuture<>();
      inFlight.add(done);
      return done;
    }, why -> { throw new AssertionError(why); });
    outbox.send("a");
    outbox.send("b");
    outbox.send("c");
    assertThat(sent).containsExactly("a");
    inFlight.get(0).complete(null);
    assertThat(sent).containsExactly("a", "b");
    inFlight.get(1).complete(null);
    inFlight.get(2).complete(null);
    assertThat(sent).containsExactly("a", "b", "c");
    assertThat(outbox.queued()).isZero();
  }

  @Test
  void aPeerThatFallsBehindIsGivenUpOnWithoutBlockingTheWriter() {
    List<String> failures = new CopyOnWriteArrayList<>();
    List<String> sent = new CopyOnWriteArrayList<>();
    Outbox outbox = new Outbox(10, text -> {
      sent.add(text);
      return new CompletableFuture<>(); // the peer never reads
    }, failures::add);
    outbox.send("12345");
    outbox.send("67890");
    assertThat(failures).isEmpty();
    outbox.send("x"); // 11 characters would wait
    assertThat(failures).singleElement().asString().contains("more than 10 characters");
    outbox.send("y");
    assertThat(sent).containsExactly("12345");
    assertThat(failures).hasSize(1);
  }

  @Test
  void aFailedSendIsReportedOnce() {
    List<String> failures = new CopyOnWriteArrayList<>();
    Outbox outbox = new Outbox(100, text -> CompletableFuture.failedFuture(new IllegalStateException("gone")),
        failures::add);
    outbox.send("a");
    outbox.send("b");
    assertThat(failures).singleElement().asString().contains("gone");
  }
}
