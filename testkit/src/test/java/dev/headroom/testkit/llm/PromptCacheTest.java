package dev.headroom.testkit.llm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** FakeOllama's per-slot prompt caches: which conversations stay cached as others come. */
class PromptCacheTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Messages from role, content pairs. */
  private static List<Long> prefixes(String... roleContent) {
    ArrayNode messages = JSON.createArrayNode();
    for (int i = 0; i < roleContent.length; i += 2) {
      messages.addObject().put("role", roleContent[i]).put("content", roleContent[i + 1]);
    }
    return PromptCache.prefixes(messages);
  }

  private static void answered(PromptCache cache, List<Long> prefixes, String answer) {
    cache.remember(prefixes, PromptCache.withAnswer(prefixes.get(prefixes.size() - 1), answer));
  }

  @Test
  void aNewConversationSharingTheSystemPromptTakesAnotherSlotInsteadOfTheLastOnesPlace() {
    PromptCache cache = new PromptCache(2);
    answered(cache, prefixes("system", "S", "user", "a1"), "A1");

    List<Long> other = prefixes("system", "S", "user", "b1");
    assertThat(cache.cachedMessages(other)).as("the shared system prompt").isEqualTo(1);
    answered(cache, other, "B1");

    assertThat(cache.cachedMessages(prefixes("system", "S", "user", "a1", "assistant", "A1", "user", "a2")))
        .as("the first conversation is still cached, answer included").isEqualTo(3);
  }

  @Test
  void aContinuedConversationKeepsItsSlotAndANewOneTakesTheLeastRecentlyUsed() {
    PromptCache cache = new PromptCache(2);
    answered(cache, prefixes("system", "S", "user", "a1"), "A1");
    answered(cache, prefixes("system", "S", "user", "b1"), "B1");
    answered(cache, prefixes("system", "S", "user", "a1", "assistant", "A1", "user", "a2"), "A2");

    answered(cache, prefixes("system", "S", "user", "c1"), "C1"); // the least recently used is b's

    assertThat(cache.cachedMessages(prefixes("system", "S", "user", "a1", "assistant", "A1", "user", "a2",
        "assistant", "A2", "user", "a3"))).isEqualTo(5);
    assertThat(cache.cachedMessages(prefixes("system", "S", "user", "b1", "assistant", "B1", "user", "b2")))
        .as("evicted: only the shared system prompt is left").isEqualTo(1);
  }
}
