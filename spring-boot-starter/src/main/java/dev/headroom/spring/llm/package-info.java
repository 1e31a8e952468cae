/** {@code headroom.llm.*}: an {@link dev.headroom.llm.LlmRouter} over Ollama nodes and a cloud overflow tier. Active only when the module is on the classpath. */
package dev.headroom.spring.llm;
