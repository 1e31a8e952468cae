/**
 * Spring AI on the LLM router, auto-configured: {@link dev.headroom.spring.springai.HeadroomSpringAiAutoConfiguration}
 * registers headroom-spring-ai's models as the application's {@code ChatModel} and {@code EmbeddingModel} when Spring
 * AI and that module are on the classpath, so Spring AI's {@code ChatClient.Builder} uses them.
 */
package dev.headroom.spring.springai;
