package dev.headroom.spring.springai;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code headroom.llm.spring-ai.*}: Spring AI's {@code ChatModel} and {@code EmbeddingModel} on the LLM router.
 *
 * @param enabled whether the Spring AI models are created when Spring AI and headroom-spring-ai are on the classpath
 * @param defaultModel the model of prompts that name none (a model or an alias of the router)
 * @param embeddingModel the model of embedding requests; without it no EmbeddingModel is created
 */
@ConfigurationProperties("headroom.llm.spring-ai")
public record HeadroomSpringAiProperties(@DefaultValue("true") boolean enabled, String defaultModel,
    String embeddingModel) {}
