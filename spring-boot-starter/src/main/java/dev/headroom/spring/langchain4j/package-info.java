/**
 * LangChain4j on the LLM router, auto-configured:
 * {@link dev.headroom.spring.langchain4j.HeadroomLangChain4jAutoConfiguration} registers headroom-langchain4j's
 * models as the application's LangChain4j {@code ChatModel}, {@code StreamingChatModel} and {@code EmbeddingModel}.
 */
package dev.headroom.spring.langchain4j;
