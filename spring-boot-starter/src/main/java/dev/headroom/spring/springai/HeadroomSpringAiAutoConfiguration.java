package dev.headroom.spring.springai;

import dev.headroom.llm.LlmRouter;
import dev.headroom.spring.PropertyErrors;
import dev.headroom.spring.llm.HeadroomLlmAutoConfiguration;
import dev.headroom.springai.HeadroomChatModel;
import dev.headroom.springai.HeadroomEmbeddingModel;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Spring AI's {@link ChatModel} (a {@link HeadroomChatModel}) and, with {@code headroom.llm.spring-ai.embedding-model},
 * its {@link EmbeddingModel} on the application's {@link LlmRouter} (the one {@code headroom.llm.*} makes, or its
 * own), when Spring AI and headroom-spring-ai are on the classpath: a {@code ChatClient.Builder} then routes through
 * Headroom without a line of code changed. Backs off when the application defines its own models (e.g. Spring AI's
 * Ollama starter's); off with {@code headroom.llm.spring-ai.enabled=false}.
 */
@AutoConfiguration(after = HeadroomLlmAutoConfiguration.class,
    beforeName = "org.springframework.ai.model.chat.client.autoconfigure.ChatClientAutoConfiguration")
@ConditionalOnClass({ChatModel.class, HeadroomChatModel.class})
@ConditionalOnBean(LlmRouter.class)
@ConditionalOnBooleanProperty(name = "headroom.llm.spring-ai.enabled", matchIfMissing = true)
@EnableConfigurationProperties(HeadroomSpringAiProperties.class)
public class HeadroomSpringAiAutoConfiguration {
  /** Creates the auto-configuration (Spring does). */
  public HeadroomSpringAiAutoConfiguration() {}

  /** The chat model on the router. */
  @Bean
  @ConditionalOnMissingBean(ChatModel.class)
  public HeadroomChatModel headroomChatModel(LlmRouter router, HeadroomSpringAiProperties properties) {
    HeadroomChatModel.Builder b = HeadroomChatModel.builder(router);
    if (properties.defaultModel() != null) {
      if (properties.defaultModel().isBlank()) {
        throw PropertyErrors.invalid("headroom.llm.spring-ai.default-model", "''", "must be a model name or alias");
      }
      b.defaultModel(properties.defaultModel());
    }
    return b.build();
  }

  /** The embedding model on the router, when a model is named. */
  @Bean
  @ConditionalOnMissingBean(EmbeddingModel.class)
  @ConditionalOnProperty("headroom.llm.spring-ai.embedding-model")
  public HeadroomEmbeddingModel headroomEmbeddingModel(LlmRouter router, HeadroomSpringAiProperties properties) {
    return HeadroomEmbeddingModel.builder(router).model(properties.embeddingModel()).build();
  }
}
