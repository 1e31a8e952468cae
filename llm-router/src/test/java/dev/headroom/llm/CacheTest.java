package dev.headroom.llm;

import static dev.headroom.llm.Fleet.MODEL;
import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.testkit.llm.FakeOllama;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CacheTest {
  private final Fleet fleet = new Fleet();
  private final InMemoryResponseCache cache = InMemoryResponseCache.create(100);

  @AfterEach
  void close() {
    fleet.close();
  }

  @Test
  void aDeterministicRequestIsAnsweredFromTheCacheTheSecondTime() {
    FakeOllama node = fleet.node(FakeOllama.builder("n").loaded(MODEL));
    LlmRouter router = fleet.start(fleet.routerBuilder(1).responseCache(cache));
    ChatRequest request = ChatRequest.chat(MODEL).user("2+2?").temperature(0).build();

    ChatResponse first = router.chat(request);
    ChatResponse second = router.chat(request);

    assertThat(first.fromCache()).isFalse();
    assertThat(second.fromCache()).isTrue();
    assertThat(second.text()).isEqualTo(first.text());
    assertThat(node.generations()).isEqualTo(1);
  }

  @Test
  void aRequestWithTemperatureAndNoSeedIsNeverCached() {
    FakeOllama node = fleet.node(FakeOllama.builder("n").loaded(MODEL));
    LlmRouter router = fleet.start(fleet.routerBuilder(1).responseCache(cache));
    ChatRequest request = ChatRequest.chat(MODEL).user("a poem").temperature(0.8).build();

    router.chat(request);
    ChatResponse second = router.chat(request);

    assertThat(second.fromCache()).isFalse();
    assertThat(node.generations()).isEqualTo(2);
    assertThat(cache.size()).isZero();
  }

  @Test
  void aStreamWithAFixedSeedFillsTheCacheAndIsReplayedFromIt() throws Exception {
    FakeOllama node = fleet.node(FakeOllama.builder("n").loaded(MODEL));
    LlmRouter router = fleet.start(fleet.routerBuilder(1).responseCache(cache));
    ChatRequest request = ChatRequest.chat(MODEL).user("story").seed(42).build();

    Collector first = new Collector();
    router.stream(request).subscribe(first);
    first.await();
    ChatStream again = router.stream(request);
    Collector second = new Collector();
    again.subscribe(second);
    second.await();

    assertThat(second.text()).isEqualTo(first.text()).isNotEmpty();
    assertThat(again.result().join().fromCache()).isTrue();
    assertThat(node.generations()).isEqualTo(1);
  }

  @Test
  void differentMessagesOrOptionsHaveDifferentKeys() {
    ChatRequest a = ChatRequest.chat(MODEL).user("x").temperature(0).build();
    assertThat(CacheKeys.key(a, "m:latest")).isEqualTo(CacheKeys.key(a.toBuilder().build(), "m:latest"))
        .hasSize(64)
        .isNotEqualTo(CacheKeys.key(ChatRequest.chat(MODEL).user("y").temperature(0).build(), "m:latest"))
        .isNotEqualTo(CacheKeys.key(a.toBuilder().maxTokens(5).build(), "m:latest"))
        .isNotEqualTo(CacheKeys.key(a, "other:latest"));
  }

  @Test
  void aFailingCacheDoesNotFailTheRequest() {
    fleet.node(FakeOllama.builder("n").loaded(MODEL));
    ResponseCache broken = new ResponseCache() {
      @Override
      public Optional<String> get(String key) {
        throw new IllegalStateException("cache down");
      }

      @Override
      public void put(String key, String text, Duration ttl) {
        throw new IllegalStateException("cache down");
      }
    };
    LlmRouter router = fleet.start(fleet.routerBuilder(1).responseCache(broken));

    ChatResponse answer = router.chat(ChatRequest.chat(MODEL).user("q").temperature(0).build());

    assertThat(answer.text()).isNotEmpty();
  }
}
