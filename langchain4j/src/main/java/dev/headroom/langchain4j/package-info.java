/**
 * LangChain4j over Headroom's LLM router: {@link dev.headroom.langchain4j.HeadroomChatModel},
 * {@link dev.headroom.langchain4j.HeadroomStreamingChatModel} and
 * {@link dev.headroom.langchain4j.HeadroomEmbeddingModel} implement LangChain4j's {@code ChatModel},
 * {@code StreamingChatModel} and {@code EmbeddingModel}, so an application built on LangChain4j (AI services, tools,
 * structured output, RAG) changes one line to route across an Ollama fleet with cloud overflow.
 *
 * <h2>Why the mapping lives here</h2>
 * The router speaks its own small request model ({@link dev.headroom.llm.ChatRequest}) so that it depends on no AI
 * framework; LangChain4j is one framework among several. Keeping the translation in its own module means
 * {@code headroom-llm-router} never carries LangChain4j on its class path, and LangChain4j's releases move only this
 * module. The mapping is one-way per direction and has one class per job: {@code MessageMapper} (messages),
 * {@code SchemaJson} (LangChain4j's JSON Schema model to JSON Schema text, written as given, without the OpenAI
 * "strict" rewriting), {@code RequestMapper} (parameters, tools, response format), {@code ResponseMapper} (the
 * reply, token usage, finish reason, the metadata) and {@code StreamBridge} (a {@code ChatStream} subscriber for a
 * LangChain4j handler). Errors are not translated: the router has already retried within its budget, and its
 * typed errors ({@link dev.headroom.core.RequestTimeoutException}, {@link dev.headroom.llm.ModelNotFoundException},
 * {@link dev.headroom.llm.StreamInterruptedException} with the text delivered, ...) say more than LangChain4j's.
 *
 * <h2>What maps</h2>
 * System, user (text, and images given as base64 or as a {@code data:} URL), assistant (text and tool execution
 * requests) and tool-result messages; the model name (else the builder's default model), temperature, top-p, top-k,
 * max output tokens, stop sequences, frequency and presence penalties, tool specifications (their parameter
 * schemas as JSON Schema), tool choice {@code AUTO} and {@code NONE} (no tools offered), and JSON or JSON-schema
 * response formats. Back: the text, tool calls with their ids (made up by the router for Ollama), thinking, the
 * server's model name, token counts and the finish reason (tool calls, else {@code stop}, {@code length},
 * {@code tool_calls}, {@code content_filter}; any other server value is {@code OTHER}, none is {@code null}), in a
 * {@link dev.headroom.langchain4j.HeadroomChatResponseMetadata} that also names the endpoint and tier that answered.
 *
 * <h2>What does not map</h2>
 * Refused with LangChain4j's {@code UnsupportedFeatureException}, never silently dropped: images by http(s) URL
 * (Ollama takes base64 only, and fetching them is not a router's job), audio, video and PDF contents, non-text tool
 * results, custom messages, and {@code ToolChoice.REQUIRED} (Ollama cannot force a call). Ignored: a user message's
 * {@code name} and the image detail level (neither API has them), per-request Headroom settings (timeout, queue
 * wait, {@code keep_alive}, {@code think}, {@code num_ctx}), which a LangChain4j request cannot carry, and token
 * usage of embeddings (Ollama's {@code /api/embed} reply has none). A tool call without an id (from another
 * provider's history) gets one made up, and the tool results without an id that follow take those ids in order.
 */
package dev.headroom.langchain4j;
