package dev.headroom.spring.langchain4j;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code headroom.llm.langchain4j.*}: LangChain4j's {@code ChatModel}, {@code StreamingChatModel} and
 * {@code EmbeddingModel} on the LLM router.
 *
 * @param enabled whether the LangChain4j models are created when LangChain4j and headroom-langchain4j are on the
 *     classpath
 * @param defaultModel the model of requests that name none; the chat models are created when it is set
 * @param embeddingModel the model of embedding requests; the embedding model is created when it is set
 */
@ConfigurationProperties("headroom.llm.langchain4j")
public record HeadroomLangChain4jProperties(@DefaultValue("true") boolean enabled, String defaultModel,
    String embeddingModel) {}
