package dev.headroom.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headroom.core.ConfigException;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConfigTest {
  private static final OllamaNode NODE = OllamaNode.of("gpu-1", "http://127.0.0.1:9", 2);

  @Test
  void aRouterNeedsAtLeastOneNode() {
    assertThatThrownBy(() -> LlmRouter.builder().build()).isInstanceOf(ConfigException.class)
        .hasMessageContaining("nodes").hasMessageContaining("at least one ollama node");
  }

  @Test
  void nodeIdsMustBeUniqueAcrossPools() {
    assertThatThrownBy(() -> LlmRouter.builder().node(NODE).remoteNode(NODE).build())
        .isInstanceOf(ConfigException.class)
        .satisfies(e -> assertThat(((ConfigException) e).value()).isEqualTo("gpu-1"));
  }

  @Test
  void badSettingsAreNamedWithTheirValue() {
    assertThatThrownBy(() -> LlmRouter.builder().node(NODE).localWaitBudget(Duration.ofSeconds(-1)).build())
        .isInstanceOf(ConfigException.class).hasMessageContaining("localWaitBudget").hasMessageContaining("PT-1S");
    assertThatThrownBy(() -> LlmRouter.builder().node(NODE).loadedPreference(2).build())
        .isInstanceOf(ConfigException.class).hasMessageContaining("loadedPreference");
    assertThatThrownBy(() -> OllamaNode.of("x", "http://h:1", 0)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("OLLAMA_NUM_PARALLEL");
    assertThatThrownBy(() -> OllamaNode.of("x", "ftp://h:1", 1)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("uri");
  }

  @Test
  void aChatNeedsMessagesAndSaneOptions() {
    assertThatThrownBy(() -> ChatRequest.chat("m").build()).isInstanceOf(ConfigException.class)
        .hasMessageContaining("messages");
    assertThatThrownBy(() -> ChatRequest.chat("m").temperature(-1)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("temperature");
    assertThatThrownBy(() -> ChatRequest.chat(" ").user("x").build()).isInstanceOf(ConfigException.class)
        .hasMessageContaining("model");
  }

  @Test
  void aCostLimitNeedsAPriceForEveryCloudModelAndTheKeyIsNeverShown() {
    assertThatThrownBy(() -> CloudConfig.builder(URI.create("https://api.example.com")).model("m", "gpt-x")
        .spendLimit(SpendLimit.costPerMinute(1)).build())
        .isInstanceOf(ConfigException.class).hasMessageContaining("gpt-x");
    assertThatThrownBy(() -> CloudConfig.builder(URI.create("https://api.example.com")).apiKey(" "))
        .isInstanceOf(ConfigException.class).hasMessageNotContaining(" but was  ");
    CloudConfig config = CloudConfig.builder(URI.create("https://api.example.com")).apiKey("sk-abc123").build();
    assertThat(config.toString()).doesNotContain("sk-abc123").contains(Secret.MASK);
  }
}
