/**
 * Spring AI on Headroom: {@link dev.headroom.springai.HeadroomChatModel} (a {@code ChatModel} and
 * {@code StreamingChatModel}) and {@link dev.headroom.springai.HeadroomEmbeddingModel} over an
 * {@link dev.headroom.llm.LlmRouter}, so an application that talks to Ollama through Spring AI's {@code ChatClient}
 * changes one bean and gets Headroom's routing, deadlines and overflow.
 *
 * <p><b>Why here.</b> The mapping between Spring AI's types and the router's lives in a module of its own, so
 * neither the router nor the Spring Boot starter depends on Spring AI; the starter registers these beans only when
 * this module and Spring AI are on the classpath.
 *
 * <p><b>What maps.</b> {@code PromptMapping} turns a {@code Prompt} into a {@link dev.headroom.llm.ChatRequest}: the
 * prompt's options over the model's defaults ({@link dev.headroom.springai.HeadroomChatOptions}, which implements
 * both Spring AI's tool-calling and structured-output options, so a {@code ChatClient} passes its tools and its
 * native output schema through), system, user (with images), assistant (with tool calls) and tool-response messages.
 * Tools travel as definitions only: Spring AI 2's {@code ToolCallingAdvisor} runs the calls the reply asks for and
 * calls the model again, so running them here as well would run them twice. {@code ResponseMapping} turns the
 * router's reply back: text and tool calls in one assistant message, the server's finish reason and model name,
 * usage, and where the answer was served.
 *
 * <p><b>What does not map.</b> Options only Ollama knows (num_ctx, keep_alive, think) have no portable Spring AI
 * name; set them on the router's {@link dev.headroom.llm.ChatRequest} directly. A tool response's arguments are not
 * sent back (neither API needs them).
 */
package dev.headroom.springai;
