package dev.headroom.spring.langchain4j;

import dev.headroom.llm.LlmRouter;
import dev.headroom.spring.PropertyErrors;
import dev.headroom.spring.llm.HeadroomLlmAutoConfiguration;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.embedding.EmbeddingModel;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * LangChain4j's {@link ChatModel} and {@link StreamingChatModel} (with {@code headroom.llm.langchain4j.default-model})
 * and {@link EmbeddingModel} (with {@code headroom.llm.langchain4j.embedding-model}) on the application's
 * {@link LlmRouter}, when LangChain4j and headroom-langchain4j are on the classpath, so AI services built from these
 * beans route through Headroom. Backs off for the application's own models; off with
 * {@code headroom.llm.langchain4j.enabled=false}.
 */
@AutoConfiguration(after = HeadroomLlmAutoConfiguration.class)
@ConditionalOnClass({ChatModel.class, dev.headroom.langchain4j.HeadroomChatModel.class})
@ConditionalOnBean(LlmRouter.class)
@ConditionalOnBooleanProperty(name = "headroom.llm.langchain4j.enabled", matchIfMissing = true)
@EnableConfigurationProperties(HeadroomLangChain4jProperties.class)
public class HeadroomLangChain4jAutoConfiguration {
  private static final String AT = "headroom.llm.langchain4j";

  /** Creates the auto-configuration (Spring does). */
  public HeadroomLangChain4jAutoConfiguration() {}

  /** The chat model on the router. */
  @Bean
  @ConditionalOnMissingBean(ChatModel.class)
  @ConditionalOnProperty(AT + ".default-model")
  public dev.headroom.langchain4j.HeadroomChatModel headroomLangChain4jChatModel(LlmRouter router,
      HeadroomLangChain4jProperties properties) {
    return PropertyErrors.as(AT + ".default-model", () -> dev.headroom.langchain4j.HeadroomChatModel.builder(router)
        .defaultModel(properties.defaultModel()).build());
  }

  /** The streaming chat model on the router. */
  @Bean
  @ConditionalOnMissingBean(StreamingChatModel.class)
  @ConditionalOnProperty(AT + ".default-model")
  public dev.headroom.langchain4j.HeadroomStreamingChatModel headroomLangChain4jStreamingChatModel(LlmRouter router,
      HeadroomLangChain4jProperties properties) {
    return PropertyErrors.as(AT + ".default-model", () -> dev.headroom.langchain4j.HeadroomStreamingChatModel
        .builder(router).defaultModel(properties.defaultModel()).build());
  }

  /** The embedding model on the router. */
  @Bean
  @ConditionalOnMissingBean(EmbeddingModel.class)
  @ConditionalOnProperty(AT + ".embedding-model")
  public dev.headroom.langchain4j.HeadroomEmbeddingModel headroomLangChain4jEmbeddingModel(LlmRouter router,
      HeadroomLangChain4jProperties properties) {
    return PropertyErrors.as(AT + ".embedding-model", () -> dev.headroom.langchain4j.HeadroomEmbeddingModel
        .builder(router).defaultModel(properties.embeddingModel()).build());
  }
}
